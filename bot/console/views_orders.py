"""Staff work on a ticket (工单): correct a field with a reason, name the 承办人, 转办 to another
district union, 重办, merge a duplicate; the "我的" list; the spreadsheet export.

Every change is refused before anything is written when the input is bad (400, the page
again with a clear message), checked against the remit (another district's ticket: 404) and
the owning union (a case seen but owned by another union: 403), and audited.
"""
from __future__ import annotations

import math
from datetime import datetime

import aiohttp_jinja2
from aiohttp import web

from bot.appeals import CATEGORY_LABELS, Appeal, AppealError, queue_label
from bot.appeals.tickets import normalize_ticket
from bot.appeals.work_orders import FIELD_LABELS
from bot.console import export_sheet, privacy, scoping
from bot.console.appkeys import ACCOUNTS, APPEALS, AUDIT
from bot.console.auth import client_address, current_account
from bot.console.orders_page import require_work
from bot.console.presentation import BEIJING
from bot.console.responses import Refusal
from bot.console.staff_directory import assignable, display_names, staff_label
from bot.console.views_appeals import _done, _load, _notify, _refused, _target, read_query, store_filters
from bot.districts import CANONICAL

EXPORT_LIMIT = 1000
MINE_LIMIT = 200

MESSAGES = {
    "invalid_field": "请选择要更正的字段。",
    "reason_required": "请填写原因（将记入工单记录）。",
    "invalid_reason": "原因过长（最多 500 字）。",
    "unchanged": "新值与原值相同，没有更改。",
    "invalid_headcount": "涉及人数须为 1 到 100000 之间的整数，请只填数字（如 5）。",
    "invalid_phone": "手机号格式不对，请输入 11 位手机号（如 13812345678）。",
    "invalid_category": "请选择有效的类别。",
    "invalid_description": "诉求内容不能为空，最多 2000 字。",
    "invalid_employer": "用人单位最多 200 字。",
    "invalid_amount": "涉及金额最多 64 字。",
    "invalid_since": "开始时间最多 64 字。",
    "invalid_name": "称呼最多 50 字。",
    "no_owner": "该诉求不是通过微信提交的，手机号是唯一联系方式，不能清空。",
    "not_editable": "该诉求已合并或职工个人信息已删除，不能再更改。",
    "closed": "该诉求已结束，不能再指定承办人或合并。",
    "not_transferable": "只有尚未办结的诉求可以转办。",
    "same_queue": "该诉求已由这个区总工会承办，请选择另一个区。",
    "invalid_district": "请选择有效的区。",
    "same_appeal": "不能与自身合并，请填写另一条诉求的编号。",
    "not_reopenable": "只有已办结或已回访的诉求可以重办。",
    "invalid_note": "原因过长（最多 2000 字）。",
    "busy": "该诉求正被他人同时修改，请稍后重试。",
}
BAD_INPUT = {"reason_required", "invalid_reason", "unchanged", "no_owner", "same_appeal", "same_queue", "invalid_note"}


def _explain(error: AppealError) -> str:
    return MESSAGES.get(error.code, f"无法执行：{error.code}")


def _status(error: AppealError) -> int:
    return 400 if error.code.startswith("invalid_") or error.code in BAD_INPUT else 409


async def _workable(request: web.Request) -> Appeal:
    appeal = await _load(request)  # 404 outside the remit
    require_work(current_account(request), appeal)  # 403 when another union owns it
    return appeal


async def _audit(request: web.Request, action: str, appeal: Appeal, **detail) -> None:
    await request.app[AUDIT].record(current_account(request).username, action, _target(appeal.ticket_id),
                                    client_address(request), **detail)


# --- correcting a field ----------------------------------------------------------------------
async def edit_field(request: web.Request) -> web.StreamResponse:
    appeal = await _workable(request)
    form = await request.post()
    field = str(form.get("field", "")).strip()
    value = str(form.get("value", ""))
    if field == "district":
        return await _refused(request, appeal, 400, "所在区请通过“转办”更改（承办单位随之改变）。", "use_transfer")
    if field == "category":
        by_label = {label: code for code, label in CATEGORY_LABELS.items()}
        value = by_label.get(value.strip(), value)
    try:
        changed = await request.app[APPEALS].edit_field(appeal.ticket_id, field, value, form.get("reason", ""),
                                                        current_account(request).actor)
    except AppealError as error:
        return await _refused(request, appeal, _status(error), _explain(error), error.code)
    entry = changed.worklog[-1]
    flags = {flag: entry[flag][1] for flag in ("collective", "urgent") if flag in entry}
    await _audit(request, "edit_appeal", changed, field=field, **flags)  # values stay out of the log
    message = f"已更正“{FIELD_LABELS[field]}”，原因已记入工单记录。"
    if "collective" in flags:
        message += "已标为群体性（加急）。" if flags["collective"] else "已取消群体性标记。"
    elif "urgent" in flags:
        message += "已标为加急。" if flags["urgent"] else "已取消加急。"
    return _done(request, changed, message)


# --- 承办人 ----------------------------------------------------------------------------------
async def assign(request: web.Request) -> web.StreamResponse:
    appeal = await _workable(request)
    form = await request.post()
    username = str(form.get("assignee", "")).strip()
    eligible = {account.username: account for account in await assignable(request.app[ACCOUNTS], appeal.queue)}
    if username not in eligible:
        return await _refused(request, appeal, 400, f"请从{queue_label(appeal.queue)}的工作人员中选择承办人。",
                              "invalid_assignee")
    try:
        changed = await request.app[APPEALS].assign(appeal.ticket_id, username, current_account(request).actor,
                                                    form.get("reason") or None)
    except AppealError as error:
        return await _refused(request, appeal, _status(error), _explain(error), error.code)
    await _audit(request, "assign_appeal", changed, assignee=username)
    message = f"已指定承办人：{eligible[username].display_name}。"
    if changed.status is not appeal.status:  # 已受理 → 已派单: the worker hears of it
        message += await _notify(request, changed)
    return _done(request, changed, message)


# --- 转办 ------------------------------------------------------------------------------------
async def transfer(request: web.Request) -> web.StreamResponse:
    appeal = await _workable(request)
    form = await request.post()
    district = str(form.get("district", "")).strip()
    if district not in CANONICAL:
        return await _refused(request, appeal, 400, MESSAGES["invalid_district"], "invalid_district")
    try:
        changed = await request.app[APPEALS].transfer(appeal.ticket_id, district, form.get("reason", ""),
                                                      current_account(request).actor)
    except AppealError as error:
        return await _refused(request, appeal, _status(error), _explain(error), error.code)
    await _audit(request, "transfer_appeal", changed, from_queue=appeal.queue, to_queue=changed.queue)
    notice = await _notify(request, changed)
    return _done(request, changed, f"已转办至{queue_label(changed.queue)}。{notice}")


# --- 重办 ------------------------------------------------------------------------------------
async def reopen(request: web.Request) -> web.StreamResponse:
    appeal = await _workable(request)
    reason = str((await request.post()).get("reason", "")).strip()
    if not reason:
        return await _refused(request, appeal, 400, "请填写重办原因。", "reason_required")
    try:
        changed = await request.app[APPEALS].reopen(appeal.ticket_id, current_account(request).actor, reason)
    except AppealError as error:
        return await _refused(request, appeal, _status(error), _explain(error), error.code)
    await _audit(request, "reopen_appeal", changed, from_status=appeal.status.value)
    notice = await _notify(request, changed)
    return _done(request, changed, f"已重办，退回{queue_label(changed.queue)}重新办理。{notice}")


# --- merging a duplicate ---------------------------------------------------------------------
async def merge(request: web.Request) -> web.StreamResponse:
    """This appeal (the duplicate) is closed into the one whose number is given (the primary)."""
    appeal = await _workable(request)
    form = await request.post()
    ticket = normalize_ticket(str(form.get("primary", "")))
    if ticket is None:
        return await _refused(request, appeal, 400, "请填写要并入的诉求编号（如 GH202611260007）。", "invalid_primary")
    primary = await request.app[APPEALS].get(ticket)
    account = current_account(request)
    if primary is None or not scoping.can_see_appeal(account, primary):
        return await _refused(request, appeal, 404, f"没有找到诉求 {ticket}（只能并入本区可见的诉求）。", "not_found")
    require_work(account, primary)
    try:
        closed, kept = await request.app[APPEALS].merge(appeal.ticket_id, primary.ticket_id,
                                                        form.get("reason", ""), account.actor)
    except AppealError as error:
        return await _refused(request, appeal, _status(error), _explain(error), error.code)
    await _audit(request, "merge_appeal", closed, into=kept.ticket_id)
    await _audit(request, "merge_appeal", kept, merged_from=closed.ticket_id)
    notice = await _notify(request, closed)
    return _done(request, kept, f"已将 {closed.ticket_id} 合并到本诉求，原诉求已关闭。{notice}")


# --- 我的 ------------------------------------------------------------------------------------
def _work_order(appeal: Appeal) -> tuple:
    # Open cases first, the soonest due on top; finished ones after, newest first.
    return (appeal.status.closed, appeal.due_at if appeal.due_at is not None else math.inf, -appeal.updated_at)


async def mine(request: web.Request) -> web.StreamResponse:
    account = current_account(request)
    found = await request.app[APPEALS].list(assignee=account.username, limit=MINE_LIMIT)
    results = sorted((appeal for appeal in found if scoping.can_see_appeal(account, appeal)), key=_work_order)
    return aiohttp_jinja2.render_template("appeals_mine.html", request, {
        "results": results, "now": datetime.now().timestamp(), "limit": MINE_LIMIT,
        "open_count": sum(1 for appeal in results if not appeal.status.closed),
    })


# --- export ----------------------------------------------------------------------------------
async def export(request: web.Request) -> web.StreamResponse:
    """The search's filters (or "我的" with ?mine=1) as a CSV file, within the caller's remit."""
    account = current_account(request)
    query = read_query(request)
    filters = store_filters(query)
    if request.query.get("mine"):
        filters["assignee"] = account.username
    try:
        results = await scoping.appeals_in_remit(request.app[APPEALS], account, limit=EXPORT_LIMIT, **filters)
    except AppealError as error:
        code = "invalid_phone" if error.code == "invalid_phone" else "invalid_filter"
        raise Refusal(400, code, MESSAGES.get(code, "查询条件有误。")) from None
    names = await display_names(request.app[ACCOUNTS])
    now = datetime.now().timestamp()
    body = export_sheet.appeals_csv(results, lambda username: staff_label(names, username), now)
    await request.app[AUDIT].record(account.username, "export_appeals", "", client_address(request),
                                    count=len(results), **_shown_filters(query, bool(request.query.get("mine"))))
    stamp = datetime.fromtimestamp(now, BEIJING).strftime("%Y%m%d-%H%M")
    return web.Response(body=body, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="appeals-{stamp}.csv"',
    })


def _shown_filters(query: dict, mine_only: bool) -> dict:
    # The audit log never holds a full phone number.
    shown = {name: (privacy.mask_phone(value) if name == "phone" else value)
             for name, value in query.items() if value and name != "ticket"}
    if mine_only:
        shown["mine"] = True
    return shown
