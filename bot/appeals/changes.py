"""Pure changes to an appeal: each takes one and returns a changed copy, or refuses with
AppealError before anything is touched. The store applies them atomically."""
from __future__ import annotations

import copy
from typing import Any, Optional

from bot.appeals import validation as valid
from bot.appeals.errors import AppealError
from bot.appeals.model import Appeal, StatusChange
from bot.appeals.status import REOPENABLE, Status, allowed, due_at, parse_status


def transition(
    appeal: Appeal,
    to_status: Any,
    actor: str,
    now: float,
    note: str = "",
    assignee: Optional[str] = None,
    queue: Optional[str] = None,
) -> Appeal:
    """Move the appeal to `to_status`; the due time restarts for the new step."""
    target = parse_status(to_status)
    who = valid.actor(actor)
    _check_transition(appeal, target, who, queue)
    new_queue = valid.queue(queue) if queue is not None else appeal.queue
    new_assignee = _next_assignee(appeal, new_queue, valid.text(assignee, "assignee", 100))
    if appeal.status == target == Status.ASSIGNED and (new_queue, new_assignee) == (appeal.queue, appeal.assignee):
        raise AppealError(
            f"{appeal.ticket_id}: re-assigning needs another queue or assignee (still {appeal.queue})",
            code="same_assignment",
            field="queue",
        )
    changed = copy.deepcopy(appeal)
    changed.status = target
    changed.queue = new_queue
    changed.assignee = new_assignee
    changed.updated_at = now
    changed.due_at = due_at(target, appeal.urgent, now)
    changed.history.append(
        StatusChange(now, who, appeal.status, target, valid.text(note, "note", valid.NOTE_MAX) or "", new_queue, new_assignee)
    )
    return changed


def _check_transition(appeal: Appeal, target: Status, actor: str, queue: Optional[str]) -> None:
    source = appeal.status
    if not allowed(source, target):
        raise AppealError(
            f"{appeal.ticket_id}: cannot move from {source.label} ({source.value}) to {target.label} ({target.value})",
            code="illegal_transition",
            field="status",
        )
    if target is Status.CANCELLED and actor not in appeal.owner_actors():
        raise AppealError(
            f"{appeal.ticket_id}: only the worker who filed it can withdraw it ({Status.CANCELLED.label})",
            code="not_owner",
            field="actor",
        )
    if queue is not None and target is not Status.ASSIGNED:
        raise AppealError(
            f"{appeal.ticket_id}: the owning queue changes only when (re)assigning ({Status.ASSIGNED.label})",
            code="queue_not_assignable",
            field="queue",
        )


def _next_assignee(appeal: Appeal, new_queue: str, given: Optional[str]) -> Optional[str]:
    # A person in the old union level does not follow the case to a new level.
    if given is not None:
        return given
    return appeal.assignee if new_queue == appeal.queue else None


def attach_evidence(appeal: Appeal, media: Any, now: float) -> Appeal:
    """Add a photo, recording or file; the same media id twice (a WeChat retry) is kept once."""
    item = valid.media(media, now)
    if appeal.status.closed:
        raise AppealError(
            f"{appeal.ticket_id}: is {appeal.status.label}; evidence can no longer be added",
            code="closed",
            field="evidence",
        )
    if any(existing.get("media_id") == item["media_id"] for existing in appeal.evidence):
        return appeal
    if len(appeal.evidence) >= valid.EVIDENCE_MAX:
        raise AppealError(
            f"{appeal.ticket_id}: already has {valid.EVIDENCE_MAX} pieces of evidence",
            code="too_much_evidence",
            field="evidence",
        )
    changed = copy.deepcopy(appeal)
    changed.evidence.append(item)
    changed.updated_at = now
    return changed


def add_note(appeal: Appeal, actor: str, text: str, now: float) -> Appeal:
    """A staff remark (phone call made, employer contacted …); allowed in any status."""
    note = {"at": now, "actor": valid.actor(actor), "text": valid.text(text, "note", valid.NOTE_MAX, required=True)}
    changed = copy.deepcopy(appeal)
    changed.notes.append(note)
    changed.updated_at = now
    return changed


def record_satisfaction(appeal: Appeal, score: Any, comment: Optional[str], actor: str, now: float) -> Appeal:
    """The 回访: the worker's score (1-5) on a resolved appeal, which closes it."""
    value = valid.satisfaction(score)
    remark = valid.text(comment, "satisfaction_comment", valid.COMMENT_MAX)
    if appeal.status is not Status.RESOLVED:
        raise AppealError(
            f"{appeal.ticket_id}: satisfaction is recorded only when {Status.RESOLVED.label}, "
            f"it is {appeal.status.label} ({appeal.status.value})",
            code="not_resolved",
            field="status",
        )
    changed = transition(appeal, Status.REVISITED, actor, now, note=f"满意度 {value}/5")
    changed.satisfaction = value
    changed.satisfaction_comment = remark
    return changed


def reopen(appeal: Appeal, actor: str, now: float, reason: str) -> Appeal:
    """重办: back to 已派单 in the same union and with the same 承办人, counted and noted.

    Only a resolved case (已办结, or 已回访 with a low score) can be reopened; the due time
    restarts as for a new assignment, and `reopened` flags it for staff.
    """
    who = valid.actor(actor)
    why = valid.text(reason, "note", valid.NOTE_MAX, required=True)
    if appeal.status not in REOPENABLE:
        raise AppealError(
            f"{appeal.ticket_id}: only a case {Status.RESOLVED.label} or {Status.REVISITED.label} can be reopened, "
            f"it is {appeal.status.label} ({appeal.status.value})",
            code="not_reopenable",
            field="status",
        )
    changed = copy.deepcopy(appeal)
    changed.status = Status.ASSIGNED
    changed.updated_at = now
    changed.due_at = due_at(Status.ASSIGNED, appeal.urgent, now)
    changed.reopened = appeal.reopened + 1
    changed.history.append(
        StatusChange(now, who, appeal.status, Status.ASSIGNED, f"重办：{why}", appeal.queue, appeal.assignee)
    )
    return changed
