"""Early warnings in the console: the list (newest first, within the remit), one warning with
its evidence, and the acknowledgement with a note (audited; optionally reported upward)."""
from __future__ import annotations



import aiohttp_jinja2
from aiohttp import web

from bot.console import scoping
from bot.console.appkeys import APPEALS, AUDIT, REDIS, SETTINGS
from bot.console.auth import client_address, current_account
from bot.console.insight_scope import remit_of
from bot.console.responses import Refusal, wants_json
from bot.console.sessions import get_session
from bot.insight.evidence import evidence
from bot.insight.ingest import Insight
from bot.insight.labels import channel_label, topic_label
from bot.insight.warnings import NOTE_MAX, Warning, WarningStore
from bot.redis_keys import RedisKeys

NOT_FOUND = "没有找到这条预警。"


def _store(request: web.Request) -> WarningStore:
    return WarningStore(request.app[REDIS], RedisKeys(request.app[SETTINGS].key_prefix))


def _visible(account, warning: Warning) -> bool:
    return account.sees_all_districts or account.district in warning.districts


async def _load(request: web.Request) -> Warning:
    warning = await _store(request).get(request.match_info["warning_id"])
    if warning is None:
        raise Refusal(404, "not_found", NOT_FOUND)
    if not _visible(current_account(request), warning):
        raise Refusal(403, "outside_remit", scoping.OUTSIDE_REMIT)
    return warning


async def _list(request: web.Request) -> list:
    account = current_account(request)
    return await _store(request).recent(remit_of(account), limit=200)


async def warnings_page(request: web.Request) -> web.StreamResponse:
    return aiohttp_jinja2.render_template("insight_warnings.html", request, {"warnings": await _list(request)})


async def warnings_api(request: web.Request) -> web.StreamResponse:
    return web.json_response({"warnings": [warning.public() for warning in await _list(request)]})


async def _with_evidence(request: web.Request) -> tuple:
    account = current_account(request)
    warning = await _load(request)
    redis, keys = request.app[REDIS], RedisKeys(request.app[SETTINGS].key_prefix)
    found = await evidence(warning, Insight(redis, keys), request.app[APPEALS],
                           lambda appeal: scoping.can_see_appeal(account, appeal), remit_of(account))
    for message in found["messages"]:
        message["topic_label"] = topic_label(message.get("topic") or "")
        message["channel_label"] = channel_label(message.get("channel") or "")
    return warning, found


async def warning_page(request: web.Request) -> web.StreamResponse:
    warning, found = await _with_evidence(request)
    return aiohttp_jinja2.render_template("insight_warning.html", request, {"warning": warning, "evidence": found})


async def warning_api(request: web.Request) -> web.StreamResponse:
    warning, found = await _with_evidence(request)
    return web.json_response({"warning": warning.public(), "messages": found["messages"],
                              "appeals": [{"ticket_id": a.ticket_id, "category": a.category, "employer": a.employer,
                                           "district": a.district, "created_at": a.created_at,
                                           "status": a.status.value} for a in found["appeals"]]})


async def acknowledge(request: web.Request) -> web.StreamResponse:
    warning = await _load(request)
    account = current_account(request)
    form = await request.post()
    note = str(form.get("note", "")).strip()
    if not note or len(note) > NOTE_MAX:
        raise Refusal(400, "bad_note", f"请填写处置说明（1–{NOTE_MAX} 字）。")
    escalate = str(form.get("escalate", "")) in ("1", "on", "true") and not account.sees_all_districts
    ack = await _store(request).acknowledge(warning.id, account.username, account.display_name,
                                            account.role_label, note, escalate)
    await request.app[AUDIT].record(account.username, "ack_warning", f"warning:{warning.id}",
                                    client_address(request), escalate=escalate)
    if wants_json(request):
        return web.json_response({"ok": True, "ack": ack})
    get_session(request).flash("已签收" + ("并上报市总工会。" if escalate else "。"), "ok")
    raise web.HTTPSeeOther(f"/insight/warnings/{warning.id}")


