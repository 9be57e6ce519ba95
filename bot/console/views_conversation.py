"""One worker's conversation: the transcript with what the bot understood, the slots, the
worker's appeals, and the staff actions 接管 (take over), reply and 交还机器人 (hand back)."""
from __future__ import annotations

import contextlib
import logging
import time
from typing import Optional

import aiohttp_jinja2
from aiohttp import web

from bot.console import privacy, scoping, transcript
from bot.console.appkeys import APPEALS, AUDIT, ESCALATIONS, RASA, REPLIES, CHANNELS
from bot.console.auth import client_address, current_account
# Staff work-order basics (notes, canned replies, labels, SLA): own lines, apart from the channel imports.
from bot.console import queue_sla
from bot.console import views_filing
from bot.console.appkeys import CANNED, LABELS, NOTES
from bot.console.conversation_notes import NOTE_MAX, NoteError
from bot.console.rasa_api import RasaUnavailable
from bot.console.responses import Refusal, wants_json
from bot.console.sessions import get_session
from bot.escalations import Escalation, EscalationTaken

logger = logging.getLogger(__name__)

REASON_STAFF = "staff took over"
REPLY_MAX = 1000
HANDBACK_NOTICE = "本次人工服务已结束。您可以继续向我提问；需要工作人员帮助时，回复“转人工”。"
RASA_DOWN = "机器人服务暂时无法连接，请稍后重试。"
DELIVERED = "已发送给职工。"
KEPT = "消息已保存：职工已超过 48 小时未发消息（或今日客服消息额度已用完），微信暂不允许主动发送。职工下次发消息时会一并收到。"


async def _load(request: web.Request, acting: bool = False) -> scoping.Conversation:
    """The conversation in the remit; `acting` (take over, reply …) needs its current piece."""
    return await scoping.conversation_in_remit(request.app[APPEALS], request.app[ESCALATIONS],
                                               current_account(request), request.match_info["openid"], acting)


def _target(openid: str) -> str:
    return f"conversation:{openid}"


async def _view_context(request: web.Request, conversation: scoping.Conversation) -> dict:
    account = current_account(request)
    reveal = privacy.revealed(get_session(request), _target(conversation.openid))
    tracker: Optional[dict] = None
    rasa_error = None
    try:
        tracker = await request.app[RASA].tracker(conversation.openid)
    except RasaUnavailable as error:
        logger.warning("conversation not read from Rasa: %s", error)
        rasa_error = "机器人服务暂时无法连接，对话记录无法显示；工作人员的回复仍可发送。"
    replies = await request.app[REPLIES].list(conversation.openid)
    items = transcript.build(tracker or {}, replies, reveal)
    if conversation.partly_hidden:
        items = transcript.redact(items, conversation.visible_at)
    # The escalation and the slots describe the current piece: shown only when it is in the remit.
    current = conversation.current_visible
    escalation = conversation.escalation if current else None
    taken_by_me = bool(escalation and escalation.state == "taken" and escalation.staff == account.actor)
    canned = await request.app[CANNED].list() if taken_by_me else []
    deadline, now = _sla_deadline(escalation), time.time()
    chosen = await request.app[CANNED].get(request.query.get("canned")) if taken_by_me else None
    return {
        # The worker by name or pseudonym, never by OpenID (worker_labels.py).
        "worker_label": await request.app[LABELS].label(conversation.openid, conversation.appeals),
        # Internal notes belong to the current piece, like the slots: only when it is in the remit.
        "notes": await request.app[NOTES].list(conversation.openid) if current else [],
        "sla_deadline": deadline,
        "sla_text": queue_sla.countdown(deadline, now),
        "sla_overdue": queue_sla.is_overdue(deadline, now),
        "canned_replies": canned,
        "reply_prefill": chosen.text if chosen else "",
        "note_max": NOTE_MAX,
        "openid": conversation.openid,
        "district": conversation.district,
        "escalation": escalation,
        "taken_by_me": taken_by_me,
        "paused": transcript.is_paused(tracker or {}),
        "items": items,
        "slots": transcript.slots(tracker or {}, reveal) if current else {},
        "appeals": conversation.appeals,
        "can_act": current,
        "revealed": reveal,
        "rasa_error": rasa_error,
        "reply_max": REPLY_MAX,
    }


def _sla_deadline(escalation: Optional[Escalation]) -> Optional[float]:
    """When someone must take the waiting conversation over (the queue's SLA); None once taken."""
    if escalation is None:
        return None
    kind = queue_sla.conversation_type(escalation.reason, escalation.priority)
    return queue_sla.conversation_deadline(kind, escalation.since, escalation.state == "taken")


async def conversation_page(request: web.Request) -> web.StreamResponse:
    conversation = await _load(request)
    context = await _view_context(request, conversation)
    context.update(await views_filing.call_page_context(request, conversation))  # 工单录入 for callers
    await request.app[AUDIT].record(current_account(request).username, "view_conversation",
                                    _target(conversation.openid), client_address(request))
    return aiohttp_jinja2.render_template("conversation.html", request, context)


async def conversation_api(request: web.Request) -> web.StreamResponse:
    conversation = await _load(request)
    context = await _view_context(request, conversation)
    escalation = context["escalation"]
    body = {
        "openid": conversation.openid,
        "worker_label": context["worker_label"],
        "district": conversation.district,
        "escalation": None if escalation is None else {
            "reason": escalation.reason, "priority": escalation.priority, "since": escalation.since,
            "state": escalation.state, "staff": escalation.staff, "ticket_id": escalation.ticket_id},
        "taken_by_me": context["taken_by_me"],
        "paused": context["paused"],
        "transcript": [item.to_dict() for item in context["items"]],
        "slots": context["slots"],
        "appeals": [{"ticket_id": a.ticket_id, "status": a.status.value, "status_label": a.status.label}
                    for a in context["appeals"]],
        "rasa_error": context["rasa_error"],
        "notes": context["notes"],
    }
    if request.query.get("html"):
        body["transcript_html"] = aiohttp_jinja2.render_string("transcript.html", request, context)
    return web.json_response(body)


def _done(request: web.Request, openid: str, message: str, level: str = "ok", **data) -> web.StreamResponse:
    """JSON for scripts; otherwise a flash message and back to the conversation (POST/redirect/GET)."""
    if wants_json(request):
        return web.json_response({"ok": level != "error", "message": message, **data})
    get_session(request).flash(message, level)
    raise web.HTTPSeeOther(f"/conversations/{openid}")


async def take_over(request: web.Request) -> web.StreamResponse:
    """接管: the escalation is this staff member's and the bot is paused. The take is one
    atomic step in the store, so of two staff pressing 接管 at once exactly one wins."""
    conversation = await _load(request, acting=True)
    account = current_account(request)
    escalations = request.app[ESCALATIONS]
    created = conversation.escalation is None
    if created:
        ticket = conversation.appeals[0].ticket_id if conversation.appeals else None
        await escalations.escalate(conversation.openid, REASON_STAFF, ticket_id=ticket,
                                   district=conversation.district)
    try:
        before = await escalations.get(conversation.openid)
        await escalations.take(conversation.openid, account.actor, steal=account.is_admin)
    except EscalationTaken as held:
        raise Refusal(409, "taken", _held_by(held.escalation)) from None
    try:
        await request.app[RASA].pause(conversation.openid)
    except RasaUnavailable as error:
        logger.warning("pause failed: %s", error)
        # Nothing changes when the bot cannot be paused: the take (and a new escalation) is undone.
        with contextlib.suppress(EscalationTaken):  # someone else took it meanwhile: theirs now
            if created:
                await escalations.release(conversation.openid, account.actor)
            else:
                await escalations.untake(conversation.openid, account.actor)
        raise Refusal(502, "rasa_unavailable", RASA_DOWN) from None
    previous = before.staff if before and before.staff != account.actor else None
    await request.app[AUDIT].record(account.username, "take_over", _target(conversation.openid),
                                    client_address(request), previous=previous)
    return _done(request, conversation.openid, "已接管：机器人已暂停，职工的新消息会显示在下方。", state="taken")


def _held_by(escalation: Escalation) -> str:
    return f"该对话已由 {(escalation.staff or '').removeprefix('staff:')} 接管，请刷新页面查看。"


async def reply(request: web.Request) -> web.StreamResponse:
    """Send the staff member's text through WeChat's customer-service API (or keep it)."""
    conversation = await _load(request, acting=True)
    account = current_account(request)
    escalation = conversation.escalation
    if not (escalation and escalation.state == "taken" and escalation.staff == account.actor):
        raise Refusal(409, "not_taken", "请先接管对话，再回复职工。")
    form = await request.post()
    text = str(form.get("text", "")).strip()
    if not text:
        raise Refusal(400, "empty", "回复内容不能为空。")
    if len(text) > REPLY_MAX:
        raise Refusal(400, "too_long", f"回复不能超过 {REPLY_MAX} 字。")
    delivered = await request.app[CHANNELS].send_text(conversation.openid, text)
    await request.app[REPLIES].add(conversation.openid, account.username, text, delivered)
    await request.app[AUDIT].record(account.username, "reply", _target(conversation.openid),
                                    client_address(request), delivered=delivered, length=len(text))
    return _done(request, conversation.openid, DELIVERED if delivered else KEPT, "ok" if delivered else "warn",
                 delivered=delivered)


async def hand_back(request: web.Request) -> web.StreamResponse:
    """交还机器人: Rasa resumes, the escalation leaves the queue, the worker is told."""
    conversation = await _load(request, acting=True)
    account = current_account(request)
    escalation = conversation.escalation
    if escalation is None:
        raise Refusal(409, "not_escalated", "该对话没有转人工，机器人正在应答。")
    if escalation.state == "taken" and escalation.staff != account.actor and not account.is_admin:
        raise Refusal(409, "taken", f"该对话由 {escalation.staff.removeprefix('staff:')} 接管，只有本人或管理员可以交还。")
    try:
        await request.app[RASA].resume(conversation.openid)
    except RasaUnavailable as error:
        logger.warning("resume failed: %s", error)
        raise Refusal(502, "rasa_unavailable", RASA_DOWN) from None
    try:
        await request.app[ESCALATIONS].release(conversation.openid, None if account.is_admin else account.actor)
    except EscalationTaken as held:  # taken by someone else after the check above
        raise Refusal(409, "taken", _held_by(held.escalation)) from None
    delivered = await request.app[CHANNELS].send_text(conversation.openid, HANDBACK_NOTICE)
    await request.app[AUDIT].record(account.username, "hand_back", _target(conversation.openid),
                                    client_address(request))
    message = "已交还机器人，职工的下一条消息将由机器人回答。"
    if not delivered:
        message += "（结束提示将在职工下次发消息时送达）"
    return _done(request, conversation.openid, message, state="bot")


async def reveal_phone(request: web.Request) -> web.StreamResponse:
    conversation = await _load(request, acting=True)
    privacy.reveal(get_session(request), _target(conversation.openid))
    await request.app[AUDIT].record(current_account(request).username, "reveal_phone", _target(conversation.openid),
                                    client_address(request))
    return _done(request, conversation.openid, "已显示完整手机号（10 分钟内有效，此操作已记录）。")


async def add_note(request: web.Request) -> web.StreamResponse:
    """内部备注: kept for staff only; it is never handed to the outbox (WeChat) or to Rasa."""
    conversation = await _load(request, acting=True)
    account = current_account(request)
    # Its own field name: a script or test filling "text" can never put a note in the reply box.
    text = str((await request.post()).get("note", ""))
    try:
        note = await request.app[NOTES].add(conversation.openid, account.username, text)
    except NoteError as error:
        raise Refusal(400, "bad_note", str(error)) from None
    await request.app[AUDIT].record(account.username, "add_conversation_note", _target(conversation.openid),
                                    client_address(request), length=len(note["text"]))
    return _done(request, conversation.openid, "内部备注已保存（职工看不到）。", note=note)
