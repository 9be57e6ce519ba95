"""工单录入: staff who take calls file an appeal for the caller, from the call's page or the
standalone form (`/appeals/new`).

The filing goes through the appeal store like the bot's form (same validation, same ticket),
marked as filed by phone: the channel workers call by, `filed_by` the staff member, the
history's first step theirs. Every bad field is named at once (bot/appeals/filing_check.py)
and nothing is stored. District staff file for their own district only, and only for calls
whose current piece is in their remit. The caller's full number never reaches the page: "use
the calling number" is a checkbox the server resolves from the call.
"""
from __future__ import annotations

from typing import Dict, Optional

import aiohttp_jinja2
from aiohttp import web

from bot.appeals import CATEGORY_LABELS
from bot.appeals.filing_check import problems
from bot.appeals.model import group_wages
from bot.console import privacy, scoping
from bot.console.accounts import Account
from bot.console.appkeys import APPEALS, AUDIT, CHANNELS, ESCALATIONS
from bot.console.auth import client_address, current_account
from bot.console.responses import Refusal
from bot.console.sessions import get_session
from bot.console.views_orders import MESSAGES as ORDER_MESSAGES
from bot.districts import CANONICAL

FIELDS = ("category", "district", "employer", "description", "headcount", "amount", "name", "phone")
MESSAGES = {
    **ORDER_MESSAGES,
    "invalid_district": "请从列表中选择北京的区（不清楚可留空，由市总工会处理）。",
    "outside_district": "您只能为本区（{district}）登记诉求。",
    "no_owner": "请填写来电人的手机号：回访和查询进度都靠这个号码。",
    "phone_required": "请填写来电人的手机号：回访和查询进度都靠这个号码。",
    "no_caller_number": "这通来电没有可用的手机号（隐藏号码或固定电话），请询问来电人后填写。",
    "consent_required": "请先征得来电人同意，并勾选“来电人同意……”。",
}
FILERS_ONLY = "只有市、区总工会工作人员可以录入工单。"
NO_PHONE_CHANNEL = "电话渠道未启用，不能录入电话工单。"


def _may_file(account: Account) -> None:
    if account.is_admin:
        raise Refusal(403, "filers_only", FILERS_ONLY)


async def _caller(request: web.Request, worker_id: str) -> scoping.Conversation:
    """The call filed for: 404 unless a phone channel's, 403 outside the remit (its current piece)."""
    channel = request.app[CHANNELS].of(worker_id) if worker_id else None
    if channel is None or not channel.by_phone:
        raise Refusal(404, "not_found", scoping.NOT_FOUND_CONVERSATION)
    return await scoping.conversation_in_remit(request.app[APPEALS], request.app[ESCALATIONS],
                                               current_account(request), worker_id, acting=True)


async def _form_context(request: web.Request, worker_id: str, values: Dict[str, str],
                        errors: Dict[str, str]) -> dict:
    account = current_account(request)
    caller_phone = await request.app[CHANNELS].caller_phone(worker_id) if worker_id else None
    return {
        "worker_id": worker_id,
        "caller_masked": privacy.mask_phone(caller_phone),
        "values": values,
        "errors": errors,
        "categories": CATEGORY_LABELS,
        "districts": CANONICAL if account.sees_all_districts else [account.district],
        "own_district": None if account.sees_all_districts else account.district,
    }


async def new_form(request: web.Request) -> web.StreamResponse:
    _may_file(current_account(request))
    worker_id = request.query.get("for", "")
    if worker_id:
        await _caller(request, worker_id)
    values = {"use_caller": "1"} if worker_id else {}
    if not current_account(request).sees_all_districts:
        values["district"] = current_account(request).district
    return aiohttp_jinja2.render_template("appeal_new.html", request,
                                          await _form_context(request, worker_id, values, {}))


async def file_appeal(request: web.Request) -> web.StreamResponse:
    account = current_account(request)
    _may_file(account)
    form = await request.post()
    values = {name: str(form.get(name, "")).strip() for name in (*FIELDS, "use_caller", "consent", "for")}
    worker_id = values.pop("for")
    if worker_id:
        await _caller(request, worker_id)
    phone_channel = request.app[CHANNELS].phone_channel()
    if phone_channel is None:
        raise Refusal(409, "no_phone_channel", NO_PHONE_CHANNEL)
    errors: Dict[str, str] = {}
    phone = await _phone(request, worker_id, values, errors)
    if not account.sees_all_districts and values["district"] not in ("", account.district):
        errors["district"] = MESSAGES["outside_district"].format(district=account.district)
    district = values["district"] or (None if account.sees_all_districts else account.district)
    if values["consent"] != "1":
        errors["consent"] = MESSAGES["consent_required"]
    fields = dict(description=values["description"], category=values["category"] or "other",
                  employer=values["employer"], district=district, headcount=values["headcount"],
                  amount=values["amount"], name=values["name"], phone=phone, openid=worker_id or None,
                  channel=phone_channel.name, consent=True, actor=account.actor, filed_by=account.username)
    for field, code in problems(fields).items():
        errors.setdefault(field, MESSAGES.get(code, f"填写有误：{code}"))
    if errors:
        context = await _form_context(request, worker_id, values, errors)
        return aiohttp_jinja2.render_template("appeal_new.html", request, context, status=400)
    headcount = int(values["headcount"]) if values["headcount"] else None
    appeal = await request.app[APPEALS].create(**fields, group_wages=group_wages(fields["category"], headcount))
    await request.app[AUDIT].record(account.username, "file_appeal_by_phone", f"appeal:{appeal.ticket_id}",
                                    client_address(request), for_call=bool(worker_id))
    get_session(request).flash(f"已为来电人登记诉求，编号 {appeal.ticket_id}。请向来电人逐位读出编号。", "ok")
    raise web.HTTPSeeOther(f"/appeals/{appeal.ticket_id}")


async def _phone(request: web.Request, worker_id: str, values: Dict[str, str], errors: Dict[str, str]) -> Optional[str]:
    """The typed number, else the calling number when staff ticked "就是来电号码"."""
    if values["phone"]:
        return values["phone"]
    if values["use_caller"] == "1" and worker_id:
        calling = await request.app[CHANNELS].caller_phone(worker_id)
        if calling:
            return calling
        errors["phone"] = MESSAGES["no_caller_number"]
        return None
    errors["phone"] = MESSAGES["phone_required"]
    return None


async def call_page_context(request: web.Request, conversation: scoping.Conversation) -> dict:
    """What the call's page (screen pop) needs to show the filing form: only for callers, only
    to staff who may act on the call's current piece."""
    channel = request.app[CHANNELS].of(conversation.openid)
    account = current_account(request)
    if channel is None or not channel.by_phone or not conversation.current_visible or account.is_admin:
        return {"filing": False}
    values = {"use_caller": "1", "district": conversation.district or ("" if account.sees_all_districts
                                                                        else account.district)}
    return {"filing": True, **await _form_context(request, conversation.openid, values, {})}
