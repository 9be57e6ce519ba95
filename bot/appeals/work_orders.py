"""Staff work on a ticket (工单): correcting a field, naming the 承办人, 转办 to another
district union, merging duplicates. Pure like changes.py: each takes the appeal and returns a
changed copy, or refuses with AppealError before anything is touched.

Every change leaves a `worklog` entry (who, what, before → after, why, when). The worklog is
staff-only: the worker reads `history` notes in status answers, so a staff reason never goes
there; a history step is added only where the worker's view changes (the owning union, a merge),
with a generated note that says nothing internal.
"""
from __future__ import annotations

import copy
from typing import Any, Callable, Dict, Optional, Tuple

from bot.appeals import validation as valid
from bot.appeals.changes import transition
from bot.appeals.errors import AppealError
from bot.appeals.model import Appeal, StatusChange, is_collective
from bot.appeals.status import Status, due_at

REASON_MAX = 500
# Field → (label staff see, the check that turns typed text into the stored value).
EDITABLE: Dict[str, Tuple[str, Callable[[Any], Any]]] = {
    "category": ("类别", valid.category),
    "description": ("诉求内容", valid.description),
    "employer": ("用人单位", lambda value: valid.text(value, "employer", 200)),
    "headcount": ("涉及人数", valid.headcount),
    "amount": ("涉及金额", lambda value: valid.text(value, "amount", 64)),
    "since": ("开始时间", lambda value: valid.text(value, "since", 64)),
    "phone": ("手机号", valid.phone),
    "name": ("称呼", lambda value: valid.text(value, "name", 50)),
}
FIELD_LABELS = {name: label for name, (label, _) in EDITABLE.items()}
# Statuses a case can be handed over or merged from: it is still being worked.
WORKABLE = frozenset({Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS})


def _refuse(code: str, message: str, field: Optional[str] = None) -> AppealError:
    return AppealError(message, code=code, field=field)


def reason_of(reason: Any, required: bool = True) -> Optional[str]:
    try:
        return valid.text(reason, "reason", REASON_MAX, required=required)
    except AppealError:
        code = "reason_required" if not str(reason or "").strip() else "invalid_reason"
        raise _refuse(code, f"reason: required, at most {REASON_MAX} characters", "reason") from None


def _entry(now: float, actor: str, kind: str, reason: Optional[str], field: str = "",
           before: Any = None, after: Any = None, **extra) -> dict:
    shown = lambda value: None if value is None else str(value)  # noqa: E731 - one-line cast
    return {"at": now, "actor": actor, "kind": kind, "field": field, "before": shown(before),
            "after": shown(after), "reason": reason or "", **extra}


def _check_live(appeal: Appeal) -> None:
    if appeal.personal_data_erased_at is not None or appeal.status is Status.MERGED:
        raise _refuse("not_editable", f"{appeal.ticket_id}: erased or merged records are not changed", "status")


# --- correcting a field ------------------------------------------------------------------------
def edit_field(appeal: Appeal, field: str, raw: Any, reason: Any, actor: str, now: float) -> Appeal:
    """One field corrected with a reason; the collective/urgent flags follow the filing's rule."""
    if field not in EDITABLE:
        raise _refuse("invalid_field", f"{field!r} is not an editable field", "field")
    who, why = valid.actor(actor), reason_of(reason)
    _check_live(appeal)
    value = EDITABLE[field][1](raw.strip() if isinstance(raw, str) else raw)
    before = getattr(appeal, field)
    if value == before:
        raise _refuse("unchanged", f"{appeal.ticket_id}: {field} is already {before!r}", field)
    if field == "phone" and value is None and not appeal.openid:
        raise _refuse("no_owner", f"{appeal.ticket_id}: without a WeChat user the phone is the only contact", field)
    changed = copy.deepcopy(appeal)
    setattr(changed, field, value)
    flags = _recompute_flags(changed)
    changed.updated_at = now
    changed.worklog.append(_entry(now, who, "edit", why, field, before, value, **flags))
    return changed


def _recompute_flags(appeal: Appeal) -> dict:
    """Set collective/urgent as a filing with these facts would; the due time follows urgency.

    An urgent flag that came from neither collectivity nor an emergency (given at filing) is
    kept: a correction cannot tell why it was set, and dropping it would slow the case."""
    was_collective, was_urgent = appeal.collective, appeal.urgent
    explicit_urgent = was_urgent and not was_collective and not appeal.emergency
    appeal.collective = is_collective(appeal.category, appeal.headcount)
    appeal.urgent = appeal.collective or appeal.emergency or explicit_urgent
    if appeal.urgent != was_urgent and appeal.due_at is not None:
        step_started = appeal.history[-1].at if appeal.history else appeal.created_at
        appeal.due_at = due_at(appeal.status, appeal.urgent, step_started)
    found = {}
    if appeal.collective != was_collective:
        found["collective"] = [was_collective, appeal.collective]
    if appeal.urgent != was_urgent:
        found["urgent"] = [was_urgent, appeal.urgent]
    return found


# --- 承办人 --------------------------------------------------------------------------------------
def assign(appeal: Appeal, assignee: str, actor: str, now: float, reason: Any = None) -> Appeal:
    """Name the staff member (a console username) who works the case in its owning union.

    A case still 已受理 is 派单 to its own union at the same time (the worker hears of that);
    later, only the person changes and the worker is not told."""
    who, why = valid.actor(actor), reason_of(reason, required=False)
    person = valid.text(assignee, "assignee", 100, required=True)
    _check_live(appeal)
    if appeal.status not in WORKABLE:
        raise _refuse("closed", f"{appeal.ticket_id}: is {appeal.status.label}; nobody can be assigned", "status")
    if person == appeal.assignee:
        raise _refuse("unchanged", f"{appeal.ticket_id}: {person} is already the assignee", "assignee")
    if appeal.status is Status.SUBMITTED:
        changed = transition(appeal, Status.ASSIGNED, who, now, assignee=person)
    else:
        changed = copy.deepcopy(appeal)
        changed.assignee = person
        changed.updated_at = now
    changed.worklog.append(_entry(now, who, "assign", why, "assignee", appeal.assignee, person))
    return changed


# --- 转办 ----------------------------------------------------------------------------------------
def transfer(appeal: Appeal, district: Any, reason: Any, actor: str, now: float) -> Appeal:
    """Hand the case to another district union: its district and owning queue both move, so the
    old union no longer sees it; the 承办人 (a person of the old union) is cleared, and the case
    is 已派单 to the new union with a fresh due time."""
    who, why = valid.actor(actor), reason_of(reason)
    target = valid.district(district)
    if target is None:
        raise _refuse("invalid_district", "transfer needs a district", "district")
    _check_live(appeal)
    if appeal.status not in WORKABLE:
        raise _refuse("not_transferable", f"{appeal.ticket_id}: is {appeal.status.label}; it cannot be handed over",
                      "status")
    queue = valid.queue_for(target)
    if queue == appeal.queue and target == appeal.district:
        raise _refuse("same_queue", f"{appeal.ticket_id}: already with {queue}", "district")
    changed = copy.deepcopy(appeal)
    changed.district, changed.queue, changed.assignee = target, queue, None
    changed.status = Status.ASSIGNED
    changed.updated_at = now
    changed.due_at = due_at(Status.ASSIGNED, appeal.urgent, now)
    # Worker-visible: only where the case went, never the staff reason.
    changed.history.append(StatusChange(now, who, appeal.status, Status.ASSIGNED,
                                        f"转至{valid.queue_label(queue)}办理", queue, None))
    changed.worklog.append(_entry(now, who, "transfer", why, "queue", valid.queue_label(appeal.queue),
                                  valid.queue_label(queue), from_district=appeal.district))
    return changed


# --- merging duplicates --------------------------------------------------------------------------
def merge(duplicate: Appeal, primary: Appeal, reason: Any, actor: str, now: float) -> Tuple[Appeal, Appeal]:
    """Close `duplicate` as 已合并 into `primary`, linked both ways, logged on both."""
    who, why = valid.actor(actor), reason_of(reason)
    if duplicate.ticket_id == primary.ticket_id:
        raise _refuse("same_appeal", "an appeal cannot be merged into itself", "primary")
    for appeal in (duplicate, primary):
        _check_live(appeal)
        if appeal.status.closed:
            raise _refuse("closed", f"{appeal.ticket_id}: is {appeal.status.label}; closed cases are not merged",
                          "status")
    same_worker = bool(duplicate.owner_actors() & primary.owner_actors())
    told = (f"与您的诉求{primary.ticket_id}合并办理，请以该编号查询进度" if same_worker
            else "与反映同一事项的其他诉求合并办理，工作人员会继续跟进")
    closed = copy.deepcopy(duplicate)
    closed.status, closed.due_at, closed.merged_into, closed.updated_at = Status.MERGED, None, primary.ticket_id, now
    closed.history.append(StatusChange(now, who, duplicate.status, Status.MERGED, told, duplicate.queue,
                                       duplicate.assignee))
    closed.worklog.append(_entry(now, who, "merge", why, "merged_into", None, primary.ticket_id))
    kept = copy.deepcopy(primary)
    kept.merged_from.append(duplicate.ticket_id)
    kept.updated_at = now
    kept.worklog.append(_entry(now, who, "merge_in", why, "merged_from", None, duplicate.ticket_id))
    return closed, kept
