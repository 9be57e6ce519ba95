"""回访 by phone: the notices callers could not receive (a phone has no push), listed for staff
to call back (bot/call_backs.py). Staff see the call-backs of appeals in their remit, record
each call (reached / no answer, with a note: also kept on the appeal), audited. A call-back
the caller already heard on a new call has left the list by itself."""
from __future__ import annotations

import time
from typing import List, Optional

import aiohttp_jinja2
from aiohttp import web

from bot.appeals import AppealError
from bot.call_backs import NOTE_MAX, OUTCOMES, STAFF_OUTCOMES, CallBackError
from bot.console import privacy, scoping
from bot.console.appkeys import APPEALS, AUDIT, CALL_BACKS
from bot.console.auth import client_address, current_account
from bot.console.responses import Refusal
from bot.console.sessions import get_session

DONE_SHOWN = 30
MESSAGES = {
    "invalid_outcome": "请选择回访结果：已联系上，或未接通。",
    "invalid_note": f"备注最多 {NOTE_MAX} 字。",
    "not_open": "这条回访已经处理过了（或来电人已在来电时听到通知），请刷新页面。",
    "busy": "这条回访正被他人同时处理，请稍后重试。",
}


def _target(ticket: str) -> str:
    return f"appeal:{ticket}"  # the appeal page's reveal target: one reveal serves both pages


async def _rows(request: web.Request, entries: list) -> List[dict]:
    """Entries whose appeal is in the remit, with what staff need to make the call."""
    account, session, rows = current_account(request), get_session(request), []
    for entry in entries:
        appeal = await request.app[APPEALS].get(entry.ticket)
        if appeal is None or not scoping.can_see_appeal(account, appeal):
            continue
        reveal = privacy.revealed(session, _target(entry.ticket))
        rows.append({"entry": entry, "appeal": appeal, "revealed": reveal,
                     "phone": entry.phone if reveal else privacy.mask_phone(entry.phone)})
    return rows


async def call_backs_page(request: web.Request, status: int = 200, error: Optional[str] = None,
                          failed: str = "") -> web.StreamResponse:
    store = request.app[CALL_BACKS]
    context = {
        "open": await _rows(request, await store.open()),
        "done": await _rows(request, await store.done(DONE_SHOWN * 4)),
        "outcomes": {code: OUTCOMES[code] for code in STAFF_OUTCOMES},
        "error": error,
        "failed": failed,
        "note_max": NOTE_MAX,
        "now": time.time(),
    }
    context["done"] = context["done"][:DONE_SHOWN]
    return aiohttp_jinja2.render_template("call_backs.html", request, context, status=status)


async def mark_done(request: web.Request) -> web.StreamResponse:
    account = current_account(request)
    appeal = await scoping.appeal_in_remit(request.app[APPEALS], account, request.match_info["ticket"])
    form = await request.post()
    outcome, note = str(form.get("outcome", "")), str(form.get("note", "")).strip()
    if outcome not in STAFF_OUTCOMES:
        return await call_backs_page(request, 400, MESSAGES["invalid_outcome"], appeal.ticket_id)
    try:
        entry = await request.app[CALL_BACKS].close(appeal.ticket_id, outcome, note, account.actor)
    except CallBackError as refused:
        status = 400 if refused.code.startswith("invalid_") else 409
        return await call_backs_page(request, status, MESSAGES[refused.code], appeal.ticket_id)
    remark = f"电话回访：{OUTCOMES[outcome]}。" + (note or "")
    try:
        await request.app[APPEALS].add_note(appeal.ticket_id, account.actor, remark)
    except AppealError:
        pass  # the call-back is recorded in its log either way; the appeal's remark is a courtesy
    await request.app[AUDIT].record(account.username, "call_back", _target(appeal.ticket_id),
                                    client_address(request), outcome=outcome, notices=len(entry.notices))
    get_session(request).flash(f"已记录 {appeal.ticket_id} 的电话回访：{OUTCOMES[outcome]}。", "ok")
    raise web.HTTPSeeOther("/callbacks")


async def reveal_phone(request: web.Request) -> web.StreamResponse:
    account = current_account(request)
    appeal = await scoping.appeal_in_remit(request.app[APPEALS], account, request.match_info["ticket"])
    if await request.app[CALL_BACKS].get(appeal.ticket_id) is None:
        raise Refusal(404, "not_found", MESSAGES["not_open"])
    privacy.reveal(get_session(request), _target(appeal.ticket_id))
    await request.app[AUDIT].record(account.username, "reveal_phone", _target(appeal.ticket_id),
                                    client_address(request), page="call_backs")
    get_session(request).flash("已显示完整号码（10 分钟内有效，此操作已记录）。", "ok")
    raise web.HTTPSeeOther(f"/callbacks#cb-{appeal.ticket_id}")
