"""Appeals: the search page, one appeal with every field, and the staff changes to it
(transitions, notes, 回访), each followed by a notice to the worker; evidence via /media."""
from __future__ import annotations

import logging
import re
from datetime import datetime, time as day_time
from typing import Optional

import aiohttp_jinja2
from aiohttp import web

from bot.appeals import Appeal, AppealError, Status, TRANSITIONS
from bot.appeals.status import parse_status
from bot.appeals.tickets import normalize_ticket
from bot.appeals.validation import NOTE_MAX
from bot.console import privacy, scoping
from bot.console.appkeys import ACCOUNTS, APPEALS, AUDIT, ESCALATIONS, NOTIFIER, CHANNELS
from bot.console.auth import client_address, current_account
from bot.console.orders_page import orders_context
from bot.console.presentation import BEIJING
from bot.console.responses import Refusal, wants_json
from bot.console.sessions import get_session
from bot.console.staff_directory import assignable
from bot.districts import CANONICAL
from bot.worker_channels import MediaUnavailable

logger = logging.getLogger(__name__)

MEDIA_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
SEARCH_LIMIT = 200
# Staff moves; 已撤回 is the worker's own, 已回访 comes with a score (the 回访 form).
STAFF_TARGETS = {Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED}
ACTION_LABELS = {Status.ASSIGNED: "派单", Status.IN_PROGRESS: "开始办理", Status.RESOLVED: "办结"}

ERRORS = {
    "illegal_transition": "当前状态为“{current}”，不能改为“{target}”。请刷新页面查看最新状态。",
    "same_assignment": "改派须选择另一个承办单位或承办人。",
    "queue_not_assignable": "只有派单时才能更换承办单位。",
    "not_owner": "只有提交诉求的职工本人可以撤回。",
    "not_resolved": "只有已办结的诉求可以录入回访。",
    "invalid_note": "备注过长（最多 2000 字）或格式不对。",
    "invalid_assignee": "承办人名称过长（最多 100 字）。",
    "invalid_queue": "请选择有效的承办单位。",
    "invalid_satisfaction": "满意度须为 1 到 5 分。",
    "invalid_satisfaction_comment": "回访意见过长（最多 500 字）。",
    "busy": "该诉求正被他人同时修改，请稍后重试。",
}


def _target(ticket: str) -> str:
    return f"appeal:{ticket}"


def explain(error: AppealError, appeal: Optional[Appeal] = None, target: Optional[Status] = None) -> str:
    template = ERRORS.get(error.code, "无法执行：{code}")
    return template.format(current=appeal.status.label if appeal else "", target=target.label if target else "",
                           code=error.code)


async def _load(request: web.Request) -> Appeal:
    return await scoping.appeal_in_remit(request.app[APPEALS], current_account(request),
                                         request.match_info["ticket"])


def staff_actions(appeal: Appeal) -> list:
    """The moves this appeal's status allows staff, in the order of the life cycle."""
    allowed = TRANSITIONS[appeal.status] & STAFF_TARGETS
    order = [Status.IN_PROGRESS, Status.RESOLVED, Status.ASSIGNED]  # the step forward first
    actions = []
    for status in order:
        if status in allowed:
            label = ACTION_LABELS[status]
            if status is Status.ASSIGNED and appeal.status is not Status.SUBMITTED:
                label = "改派" if appeal.status is Status.ASSIGNED else "退回重新派单"
            actions.append({"status": status.value, "label": label, "target_label": status.label})
    return actions


def appeal_data(appeal: Appeal, reveal: bool) -> dict:
    """The appeal as the JSON API gives it: the phone masked unless revealed."""
    data = appeal.to_dict()
    data["phone"] = appeal.phone if reveal else privacy.mask_phone(appeal.phone)
    if not reveal:  # a corrected phone is masked in the 工单记录 too
        data["worklog"] = [{**entry, "before": privacy.mask_phone(entry["before"]),
                            "after": privacy.mask_phone(entry["after"])} if entry.get("field") == "phone" else entry
                           for entry in data["worklog"]]
    data["status_label"] = appeal.status.label
    data["overdue"] = appeal.overdue(datetime.now().timestamp())
    data["actions"] = [action["status"] for action in staff_actions(appeal)]
    return data


async def appeal_page(request: web.Request, status: int = 200, error: Optional[str] = None,
                      appeal: Optional[Appeal] = None) -> web.StreamResponse:
    appeal = appeal or await _load(request)
    account = current_account(request)
    reveal = privacy.revealed(get_session(request), _target(appeal.ticket_id))
    escalation = await request.app[ESCALATIONS].get(appeal.openid) if appeal.openid else None
    if error is None:
        await request.app[AUDIT].record(account.username, "view_appeal", _target(appeal.ticket_id),
                                        client_address(request))
    context = {
        "appeal": appeal,
        "phone": appeal.phone if reveal else privacy.mask_phone(appeal.phone),
        "revealed": reveal,
        "overdue": appeal.overdue(datetime.now().timestamp()),
        "actions": staff_actions(appeal),
        "can_revisit": appeal.status is Status.RESOLVED,
        "queues": ["city", *(f"district:{name}" for name in CANONICAL)],
        "escalation": escalation,
        "error": error,
        "images": [item for item in appeal.evidence if MEDIA_ID.fullmatch(item.get("media_id") or "")],
    }
    context.update(await orders_context(request, appeal, account, reveal))  # 工单: assign, correct, 转办 …
    return aiohttp_jinja2.render_template("appeal.html", request, context, status=status)


async def appeal_view(request: web.Request) -> web.StreamResponse:
    return await appeal_page(request)


async def appeal_api(request: web.Request) -> web.StreamResponse:
    appeal = await _load(request)
    reveal = privacy.revealed(get_session(request), _target(appeal.ticket_id))
    return web.json_response(appeal_data(appeal, reveal))


async def _refused(request: web.Request, appeal: Appeal, status: int, message: str, code: str):
    if wants_json(request):
        return web.json_response({"ok": False, "error": code, "message": message}, status=status)
    return await appeal_page(request, status=status, error=message, appeal=appeal)


async def _notify(request: web.Request, appeal: Appeal) -> str:
    """Tell the worker (AppealNotifier); the change is made whatever happens to the notice.
    What staff read about it is the worker's channel's own wording (bot/worker_channels.py)."""
    channel = request.app[CHANNELS].of_appeal(appeal)
    if channel is None or not (appeal.openid or appeal.phone):
        return "该诉求没有联系方式，未发送通知。"
    try:
        delivered = await request.app[NOTIFIER].notify(appeal)
    except Exception as error:  # noqa: BLE001 - the status change stands; staff are told
        logger.warning("appeal notice failed: %s", error.__class__.__name__)
        return "通知职工失败，请稍后电话联系职工。"
    if delivered:
        return channel.delivered_note
    if appeal.status in (Status.REVISITED,):
        return ""
    return channel.kept_note


def _done(request: web.Request, appeal: Appeal, message: str, level: str = "ok") -> web.StreamResponse:
    if wants_json(request):
        return web.json_response({"ok": True, "message": message, "status": appeal.status.value})
    get_session(request).flash(message, level)
    if scoping.can_see_appeal(current_account(request), appeal):
        raise web.HTTPSeeOther(f"/appeals/{appeal.ticket_id}")
    raise web.HTTPSeeOther("/")  # sent to another district's union: no longer in this remit


async def transition(request: web.Request) -> web.StreamResponse:
    appeal = await _load(request)
    account = current_account(request)
    form = await request.post()
    try:
        target = parse_status(form.get("to"))
    except AppealError:
        return await _refused(request, appeal, 400, "请选择要办理的操作。", "invalid_status")
    note = str(form.get("note", "")).strip()
    if target not in STAFF_TARGETS:
        message = "工作人员不能直接设置此状态。" if target is not Status.REVISITED else "请使用“录入回访”填写满意度。"
        return await _refused(request, appeal, 409, message, "not_staff_transition")
    if target is Status.RESOLVED and not note:
        return await _refused(request, appeal, 400, "办结时须填写办理结果。", "note_required")
    queue = str(form.get("queue", "")).strip() or None
    assignee = str(form.get("assignee", "")).strip() or None
    if target is not Status.ASSIGNED:
        queue = assignee = None
    if queue and queue != appeal.queue and assignee == appeal.assignee:
        assignee = None  # the form's preselected person does not follow the case to another union
    refused = await _check_assignee(request, appeal, queue, assignee)
    internal = str(form.get("internal_note", "")).strip()
    if len(internal) > NOTE_MAX:
        refused = refused or (400, "内部备注过长（最多 2000 字）。", "invalid_note")
    if refused:
        return await _refused(request, appeal, *refused)
    try:
        changed = await request.app[APPEALS].transition(appeal.ticket_id, target, account.actor, note=note,
                                                        assignee=assignee, queue=queue)
    except AppealError as error:
        return await _refused(request, appeal, 409, explain(error, appeal, target), error.code)
    if internal:  # staff-only: the notes, never the worker's notice
        changed = await request.app[APPEALS].add_note(appeal.ticket_id, account.actor, internal)
    await request.app[AUDIT].record(account.username, "transition", _target(appeal.ticket_id),
                                    client_address(request), from_status=appeal.status.value,
                                    to_status=changed.status.value, queue=changed.queue)
    notice = await _notify(request, changed)
    return _done(request, changed, f"已更新为“{changed.status.label}”。{notice}", "ok" if "失败" not in notice else "warn")


async def _check_assignee(request: web.Request, appeal: Appeal, queue: Optional[str],
                          assignee: Optional[str]) -> Optional[tuple]:
    """A 承办人 is an account of the union the case goes to, never free text."""
    if assignee is None:
        return None
    eligible = {account.username for account in await assignable(request.app[ACCOUNTS], queue or appeal.queue)}
    if assignee in eligible:
        return None
    return 400, "承办人须是所选承办单位的工作人员，请从列表中选择。", "invalid_assignee"


async def add_note(request: web.Request) -> web.StreamResponse:
    appeal = await _load(request)
    account = current_account(request)
    text = str((await request.post()).get("text", "")).strip()
    if not text:
        return await _refused(request, appeal, 400, "备注内容不能为空。", "empty")
    try:
        changed = await request.app[APPEALS].add_note(appeal.ticket_id, account.actor, text)
    except AppealError as error:
        return await _refused(request, appeal, 409, explain(error, appeal), error.code)
    await request.app[AUDIT].record(account.username, "add_note", _target(appeal.ticket_id), client_address(request))
    return _done(request, changed, "备注已添加。")


async def record_revisit(request: web.Request) -> web.StreamResponse:
    """A 回访 done by phone: the worker's score and comment, which closes the appeal."""
    appeal = await _load(request)
    account = current_account(request)
    form = await request.post()
    try:
        changed = await request.app[APPEALS].record_satisfaction(
            appeal.ticket_id, str(form.get("score", "")), str(form.get("comment", "")).strip() or None, account.actor)
    except AppealError as error:
        return await _refused(request, appeal, 409, explain(error, appeal), error.code)
    await request.app[AUDIT].record(account.username, "record_revisit", _target(appeal.ticket_id),
                                    client_address(request))
    await _notify(request, changed)
    return _done(request, changed, "回访已录入，诉求已归档。")


async def reveal_phone(request: web.Request) -> web.StreamResponse:
    appeal = await _load(request)
    privacy.reveal(get_session(request), _target(appeal.ticket_id))
    await request.app[AUDIT].record(current_account(request).username, "reveal_phone", _target(appeal.ticket_id),
                                    client_address(request))
    if wants_json(request):
        return web.json_response({"ok": True, "phone": appeal.phone})
    get_session(request).flash("已显示完整手机号（10 分钟内有效，此操作已记录）。")
    raise web.HTTPSeeOther(f"/appeals/{appeal.ticket_id}")


# --- search ---------------------------------------------------------------------------------
def _day(value: str, end: bool) -> Optional[datetime]:
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise Refusal(400, "invalid_date", "日期格式应为 YYYY-MM-DD。") from None
    return datetime.combine(day, day_time.max if end else day_time.min, BEIJING)


SEARCH_FIELDS = ("ticket", "phone", "employer", "district", "status", "since", "until", "overdue")


def read_query(request: web.Request) -> dict:
    """The search form's fields (also the export's), district staff defaulting to their district."""
    account = current_account(request)
    query = {name: request.query.get(name, "").strip() for name in SEARCH_FIELDS}
    if not account.sees_all_districts and not query["district"]:
        query["district"] = account.district
    return query


def store_filters(query: dict) -> dict:
    """The store's list() filters for a search query (Refusal 400 on a bad date or district)."""
    filters = {
        "phone": query["phone"] or None,
        "employer": query["employer"] or None,
        "district": query["district"] or None,
        "status": query["status"] or None,
        "since": _day(query["since"], end=False),
        "until": _day(query["until"], end=True),
        "overdue": True if query["overdue"] else None,
    }
    if filters["district"] and filters["district"] not in CANONICAL:
        raise Refusal(400, "invalid_district", "请选择有效的区。")
    return filters


async def search(request: web.Request) -> web.StreamResponse:
    account = current_account(request)
    query = read_query(request)
    error, results, searched = None, [], any(value for name, value in query.items() if name != "district")
    if query["ticket"]:
        ticket = normalize_ticket(query["ticket"])
        appeal = await request.app[APPEALS].get(ticket) if ticket else None
        # Another district's ticket gets the same answer as a missing one: no existence oracle.
        if appeal is not None and scoping.can_see_appeal(account, appeal):
            raise web.HTTPSeeOther(f"/appeals/{appeal.ticket_id}")
        error = scoping.NOT_FOUND_APPEAL
    else:
        filters = store_filters(query)
        try:
            results = await scoping.appeals_in_remit(request.app[APPEALS], account, limit=SEARCH_LIMIT, **filters)
        except AppealError as error_:
            error = {"invalid_phone": "手机号格式不对，请输入 11 位手机号。"}.get(error_.code, "查询条件有误。")
        if searched:
            await request.app[AUDIT].record(
                account.username, "search_appeals", "", client_address(request),
                **{name: (privacy.mask_phone(value) if name == "phone" else value)
                   for name, value in query.items() if value and name != "ticket"})
    now = datetime.now().timestamp()
    return aiohttp_jinja2.render_template("appeals.html", request, {
        "query": query, "results": results, "error": error, "searched": searched or bool(query["district"]),
        "statuses": list(Status), "now": now, "limit": SEARCH_LIMIT,
    })


# --- evidence -------------------------------------------------------------------------------
async def media(request: web.Request) -> web.StreamResponse:
    """A WeChat media file, only for a staff member who may see the appeal (or conversation)
    it belongs to: `?ticket=` or `?openid=`."""
    media_id = request.match_info["media_id"]
    if not MEDIA_ID.fullmatch(media_id):
        raise Refusal(404, "not_found", "没有找到该文件。")
    account = current_account(request)
    ticket, openid = request.query.get("ticket"), request.query.get("openid")
    if ticket:
        appeal = await scoping.appeal_in_remit(request.app[APPEALS], account, ticket)
        known = any(item.get("media_id") == media_id for item in appeal.evidence)
    elif openid:
        conversation = await scoping.conversation_in_remit(request.app[APPEALS], request.app[ESCALATIONS],
                                                           account, openid)
        # Only what the worker sent during the parts of the conversation in the remit.
        known = any(item.get("media_id") == media_id and conversation.visible_at(float(item.get("at") or 0))
                    for item in await request.app[CHANNELS].media(openid))
    else:
        known = False
    if not known:
        raise Refusal(404, "not_found", "没有找到该文件。")
    try:
        body, content_type = await request.app[CHANNELS].fetch_media(openid or appeal.openid or "", media_id)
    except MediaUnavailable as error:
        logger.info("media not downloaded: %s", error.args[1:] or "unknown")
        raise Refusal(404, "media_expired", error.args[0]) from None
    return media_response(body, content_type, media_id)


# Raster formats a browser shows as a picture and never runs; everything else (SVG, HTML,
# scripts, PDFs …) is downloaded, so a worker's upload can never run in the console's origin.
INLINE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp", "image/bmp": "bmp"}
# For the file itself: nothing loads, nothing runs, not even when opened directly.
MEDIA_CSP = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'"


def media_response(body: bytes, content_type: str, media_id: str) -> web.Response:
    declared = content_type.split(";")[0].strip().lower()
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": MEDIA_CSP}
    if declared in INLINE_TYPES:
        headers["Content-Disposition"] = f'inline; filename="{media_id}.{INLINE_TYPES[declared]}"'
        return web.Response(body=body, content_type=declared, headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{media_id}"'
    return web.Response(body=body, content_type="application/octet-stream", headers=headers)
