"""An appeal's life (受理 → 派单 → 处理中 → 办结 → 回访) and how long each step may take."""
from __future__ import annotations

from enum import Enum
from typing import Optional

from bot.appeals.errors import AppealError

DAY = 24 * 60 * 60
# Urgent appeals (collective wage arrears, emergencies) get a quarter of every deadline.
URGENT_DIVISOR = 4


class Status(str, Enum):
    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REVISITED = "revisited"
    CANCELLED = "cancelled"
    MERGED = "merged"  # a duplicate closed into another appeal (see work_orders.merge)

    @property
    def label(self) -> str:
        """The name staff and workers see."""
        return LABELS[self]

    @property
    def closed(self) -> bool:
        return self in CLOSED

    def __str__(self) -> str:
        return self.value


LABELS = {
    Status.SUBMITTED: "已受理",
    Status.ASSIGNED: "已派单",
    Status.IN_PROGRESS: "处理中",
    Status.RESOLVED: "已办结",
    Status.REVISITED: "已回访",
    Status.CANCELLED: "已撤回",
    Status.MERGED: "已合并",
}

# ASSIGNED → ASSIGNED re-assigns to another union level; IN_PROGRESS → ASSIGNED sends it back.
TRANSITIONS: dict[Status, frozenset] = {
    Status.SUBMITTED: frozenset({Status.ASSIGNED, Status.CANCELLED}),
    Status.ASSIGNED: frozenset({Status.ASSIGNED, Status.IN_PROGRESS}),
    Status.IN_PROGRESS: frozenset({Status.RESOLVED, Status.ASSIGNED}),
    Status.RESOLVED: frozenset({Status.REVISITED}),
    Status.REVISITED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.MERGED: frozenset(),  # only work_orders.merge closes an appeal this way
}
CLOSED = frozenset(status for status, targets in TRANSITIONS.items() if not targets)
# 重办: a case the worker says is not solved (a low 回访 score, "钱还没到手") goes back to
# 已派单 in the same union. Not an ordinary transition: only `changes.reopen` makes it.
REOPENABLE = frozenset({Status.RESOLVED, Status.REVISITED})

# The step must be left within this time, else the appeal is overdue (督办).
STEP_LIMIT = {
    Status.SUBMITTED: 1 * DAY,
    Status.ASSIGNED: 2 * DAY,
    Status.IN_PROGRESS: 15 * DAY,
    Status.RESOLVED: 7 * DAY,  # the 回访 is due a week after 办结
}


def parse_status(value) -> Status:
    """A Status from itself, its value ("assigned") or its name ("ASSIGNED")."""
    if isinstance(value, Status):
        return value
    text = str(value or "").strip()
    for status in Status:
        if text in (status.value, status.name, status.label):
            return status
    raise AppealError(f"unknown status {value!r}", code="invalid_status", field="status")


def allowed(from_status: Status, to_status: Status) -> bool:
    return to_status in TRANSITIONS[from_status]


def due_at(status: Status, urgent: bool, since: float) -> Optional[float]:
    """When `status` must be left, counted from `since`; None once the appeal is closed."""
    limit = STEP_LIMIT.get(status)
    if limit is None:
        return None
    return since + (limit / URGENT_DIVISOR if urgent else limit)
