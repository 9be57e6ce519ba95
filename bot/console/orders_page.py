"""What the appeal page shows for staff work on the ticket (承办人, corrections, 转办, 重办,
merge, the staff-only 工单记录), and who may do that work.

Seeing a case is not owning it: a district union sees the appeals of its district, but only
the union that owns the case (its queue) works it; city staff and admins work every case.
"""
from __future__ import annotations

from typing import Dict, List

from aiohttp import web

from bot.appeals import CATEGORY_LABELS, Appeal, queue_label
from bot.appeals.status import REOPENABLE
from bot.appeals.validation import DISTRICT_QUEUE
from bot.appeals.work_orders import EDITABLE, FIELD_LABELS, WORKABLE
from bot.console import privacy
from bot.console.accounts import Account
from bot.console.appkeys import ACCOUNTS
from bot.console.presentation import actor_label, bjtime
from bot.console.responses import Refusal
from bot.console.staff_directory import assignable, display_names, staff_label
from bot.districts import CANONICAL

KIND_LABELS = {"edit": "更正", "assign": "指定承办人", "transfer": "转办", "merge": "合并（本诉求并入）",
               "merge_in": "合并（并入本诉求）"}
FLAG_LABELS = {"collective": "群体性", "urgent": "加急"}
PERSONAL = {"phone"}


def can_work(account: Account, appeal: Appeal) -> bool:
    return account.sees_all_districts or appeal.queue == f"{DISTRICT_QUEUE}{account.district}"


def require_work(account: Account, appeal: Appeal) -> None:
    """403 for a case this staff member may see but another union owns."""
    if not can_work(account, appeal):
        raise Refusal(403, "not_owner_union",
                      f"该诉求由{queue_label(appeal.queue)}承办，只有承办单位可以办理。")


def _value(field: str, value, revealed: bool) -> str:
    if value is None or value == "":
        return "（空）"
    value = str(value)
    if field == "phone" and not revealed:
        return privacy.mask_phone(value)
    if field == "category":
        return CATEGORY_LABELS.get(value, value)
    return value if revealed else privacy.mask_text(value)


def worklog_rows(appeal: Appeal, names: Dict[str, str], revealed: bool) -> List[dict]:
    rows = []
    for entry in reversed(appeal.worklog):  # newest first
        field, kind = entry.get("field", ""), entry.get("kind", "")
        before, after = entry.get("before"), entry.get("after")
        if field == "assignee":
            before, after = staff_label(names, before) or "（未指定）", staff_label(names, after)
        elif kind == "edit":
            before, after = _value(field, before, revealed), _value(field, after, revealed)
        yes = lambda value: "是" if value else "否"  # noqa: E731 - one-line cast
        flags = [f"{label}：{yes(entry[flag][0])} → {yes(entry[flag][1])}"
                 for flag, label in FLAG_LABELS.items() if flag in entry]
        rows.append({
            "at": bjtime(entry.get("at")),
            "actor": staff_label(names, actor_label(entry.get("actor"))),
            "what": KIND_LABELS.get(kind, kind) + (f" · {FIELD_LABELS[field]}" if kind == "edit" and field in FIELD_LABELS else ""),
            "before": before or "", "after": after or "",
            "reason": entry.get("reason", "") if revealed else privacy.mask_text(entry.get("reason", "")),
            "flags": "；".join(flags),
        })
    return rows


def edit_rows(appeal: Appeal, revealed: bool) -> List[dict]:
    """Each correctable field with its shown value and the value the form starts from (never a
    full phone number or unmasked text the page itself does not show)."""
    rows = []
    for field, (label, _) in EDITABLE.items():
        value = getattr(appeal, field)
        shown = _value(field, value, revealed)
        start = "" if value is None else str(value)
        hides_phone = field == "phone" or privacy.mask_text(start) != start
        if hides_phone and not revealed:
            start = ""  # editing a masked copy would store the mask
        rows.append({"field": field, "label": label, "shown": shown, "start": start})
    return rows


async def orders_context(request: web.Request, appeal: Appeal, account: Account, revealed: bool) -> dict:
    names = await display_names(request.app[ACCOUNTS])
    return {
        "can_work": can_work(account, appeal),
        "assignable": await assignable(request.app[ACCOUNTS], appeal.queue),
        "assignee_label": staff_label(names, appeal.assignee),
        "staff_names": names,
        "worklog": worklog_rows(appeal, names, revealed),
        "edit_rows": edit_rows(appeal, revealed),
        "category_choices": list(CATEGORY_LABELS.items()),
        "transfer_districts": [name for name in CANONICAL if f"{DISTRICT_QUEUE}{name}" != appeal.queue],
        "can_reopen": appeal.status in REOPENABLE,
        "workable": appeal.status in WORKABLE,
    }
