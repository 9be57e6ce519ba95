"""The work queue's filters, read from the GET query: type, status, category, assignee, overdue.

Pure: parsing either gives a QueueFilters or raises FilterError with a Chinese message that
names the filter, the bad value and what would be accepted. Several values of one filter
(?type=emergency&type=handover) mean any of them; different filters must all hold.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, Mapping, Optional, Sequence

from bot.appeals import CATEGORY_LABELS, Status
from bot.console.accounts import normalize_username
from bot.console.queue_sla import TYPE_LABELS

# Conversation states, then the appeal statuses an open queue item can have.
STATUS_LABELS: Dict[str, str] = {"waiting": "等待接管", "taken": "已接管",
                                 **{status.value: status.label for status in Status if not status.closed}}
ME, NOBODY = "me", "none"
OVERDUE_VALUES = {"1": True, "0": False}
VALUE_MAX = 64


class FilterError(ValueError):
    """A filter value the queue does not know; `message` is shown to the staff member."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class QueueFilters:
    types: FrozenSet[str] = frozenset()
    statuses: FrozenSet[str] = frozenset()
    categories: FrozenSet[str] = frozenset()
    assignee: Optional[str] = None  # a username, or NOBODY
    overdue: Optional[bool] = None

    @property
    def active(self) -> bool:
        return bool(self.types or self.statuses or self.categories or self.assignee or self.overdue is not None)

    def matches(self, kind: str, status: str, category: Optional[str], assignee: Optional[str],
                overdue: bool) -> bool:
        if self.types and kind not in self.types:
            return False
        if self.statuses and status not in self.statuses:
            return False
        if self.categories and category not in self.categories:
            return False
        if self.assignee == NOBODY and assignee:
            return False
        if self.assignee not in (None, NOBODY) and assignee != self.assignee:
            return False
        return self.overdue is None or overdue == self.overdue


def parse(query: Mapping, me: str) -> QueueFilters:
    """`query` is a MultiDict (request.query); `me` the signed-in username (for assignee=me)."""
    return QueueFilters(
        types=_choices(query, "type", "类型", TYPE_LABELS),
        statuses=_choices(query, "status", "状态", STATUS_LABELS),
        categories=_choices(query, "category", "类别", CATEGORY_LABELS),
        assignee=_assignee(_one(query, "assignee", "承办人"), me),
        overdue=_overdue(_one(query, "overdue", "超时")),
    )


def _values(query: Mapping, name: str) -> Sequence[str]:
    getall = getattr(query, "getall", None)
    raw = getall(name, []) if getall else ([query[name]] if name in query else [])
    return [str(value).strip() for value in raw if str(value).strip()]


def _one(query: Mapping, name: str, label: str) -> Optional[str]:
    values = _values(query, name)
    if len(set(values)) > 1:
        raise FilterError(f"筛选条件“{label}”只能选一个值。")
    return values[0] if values else None


def _choices(query: Mapping, name: str, label: str, known: Dict[str, str]) -> FrozenSet[str]:
    chosen = set()
    for value in _values(query, name):
        code = value if value in known else _by_label(value, known)
        if code is None:
            raise FilterError(f"筛选条件“{label}”的值“{_shown(value)}”无效，可选：{_listing(known.values())}。")
        chosen.add(code)
    return frozenset(chosen)


def _by_label(value: str, known: Dict[str, str]) -> Optional[str]:
    # Typed Chinese labels (?status=已派单) are accepted too: staff share such links.
    return next((code for code, label in known.items() if label == value), None)


def _assignee(value: Optional[str], me: str) -> Optional[str]:
    if value is None:
        return None
    if value == ME:
        return me
    if value == NOBODY:
        return NOBODY
    username = normalize_username(value.strip().lower().removeprefix("staff:"))
    if not username:
        raise FilterError(f"筛选条件“承办人”的值“{_shown(value)}”无效：请填写工作人员的用户名，"
                          f"或 me（我的）、none（无人承办）。")
    return username


def _overdue(value: Optional[str]) -> Optional[bool]:
    if value is None:
        return None
    if value not in OVERDUE_VALUES:
        raise FilterError(f"筛选条件“超时”的值“{_shown(value)}”无效，可选：1（只看超时）、0（只看未超时）。")
    return OVERDUE_VALUES[value]


def _shown(value: str) -> str:
    return value if len(value) <= VALUE_MAX else value[:VALUE_MAX] + "…"


def _listing(labels: Iterable[str]) -> str:
    return "、".join(labels)
