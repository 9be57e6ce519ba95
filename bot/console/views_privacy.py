"""Admin: one worker's personal data on request (个人信息保护法), found by OpenID, phone or
ticket; exported as a JSON download or erased. Both are audited; the audit entry names the
worker by OpenID or ticket, never by a full phone number."""
from __future__ import annotations

import json
import logging
import time
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web

from bot.console import privacy
from bot.console.appkeys import AUDIT, PERSONAL_DATA, RASA, SETTINGS
from bot.console.auth import admin_only, client_address, current_account
from bot.console.rasa_api import RasaUnavailable
from bot.console.responses import Refusal
from bot.console.sessions import get_session
from bot.personal_data import Worker

logger = logging.getLogger(__name__)
NOT_AN_IDENTIFIER = "请输入职工的 OpenID、手机号或诉求编号。"
NOTHING_FOUND = "没有找到与此对应的职工个人信息。"
WHY_MAX = 200


def _audit_target(worker: Worker) -> str:
    if worker.openids:
        return "worker:" + ",".join(sorted(worker.openids))
    if worker.appeals:
        return "worker:" + ",".join(appeal.ticket_id for appeal in worker.appeals)
    return "worker:" + privacy.mask_phone(worker.identifier)


async def _find(request: web.Request, identifier: str) -> Worker:
    worker = await request.app[PERSONAL_DATA].find(identifier)
    if worker is None:
        raise Refusal(400, "invalid_identifier", NOT_AN_IDENTIFIER)
    if not worker.found:
        raise Refusal(404, "not_found", NOTHING_FOUND)
    return worker


@admin_only
async def personal_data_page(request: web.Request) -> web.StreamResponse:
    identifier = request.query.get("q", "").strip()[:100]
    context = {"q": identifier, "worker": None, "error": None,
               "retention_days": request.app[SETTINGS].retention_days}
    status = 200
    if identifier:
        try:
            context["worker"] = await _find(request, identifier)
        except Refusal as refusal:
            context["error"], status = refusal.message, refusal.status
    return aiohttp_jinja2.render_template("personal_data.html", request, context, status=status)


@admin_only
async def export(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    worker = await _find(request, str(form.get("q", "")).strip()[:100])
    document = await request.app[PERSONAL_DATA].export(worker)
    document["conversations_from_rasa"] = await _conversations(request, worker)
    await request.app[AUDIT].record(current_account(request).username, "export_personal_data", _audit_target(worker),
                                    client_address(request), appeals=len(worker.appeals))
    name = f"personal-data-{time.strftime('%Y%m%d-%H%M%S')}.json"
    return web.Response(body=json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"),
                        content_type="application/json", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def _conversations(request: web.Request, worker: Worker) -> dict:
    """What the worker and the bot said, read from Rasa (the tracker store keeps it)."""
    found = {}
    for openid in sorted(worker.openids):
        try:
            tracker = await request.app[RASA].tracker(openid)
        except RasaUnavailable as error:
            logger.warning("conversation not exported: %s", error)
            found[openid] = {"error": "机器人服务暂时无法连接，对话记录未能导出"}
            continue
        found[openid] = [{"at": event.get("timestamp"), "from": event["event"], "text": event.get("text")}
                         for event in tracker.get("events") or [] if event.get("event") in ("user", "bot")]
    return found


@admin_only
async def erase(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    identifier = str(form.get("q", "")).strip()[:100]
    worker = await _find(request, identifier)
    why = str(form.get("why", "")).strip()[:WHY_MAX]
    if form.get("confirm") != "1" or not why:
        get_session(request).flash("删除前须确认已核实申请人身份，并填写申请依据。", "error")
        raise web.HTTPSeeOther(f"/admin/personal-data?q={quote(identifier, safe='')}")
    admin = current_account(request)
    erased = await request.app[PERSONAL_DATA].erase(worker, admin.actor, f"应本人申请：{why}")
    await request.app[AUDIT].record(admin.username, "erase_personal_data", _audit_target(worker),
                                    client_address(request), **erased)
    note = "" if erased["conversation_included"] else "对话记录（Rasa）由对话存储按保存期限清理，本次未删除。"
    get_session(request).flash(
        f"已删除：{erased['appeals']} 件诉求中的个人信息（诉求记录保留），{erased['records']} 项其他记录，"
        f"{erased['alerts']} 条紧急提醒中的个人信息。{note}")
    raise web.HTTPSeeOther("/admin/personal-data")
