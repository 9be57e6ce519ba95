"""重办: a resolved case the worker says is not solved goes back to the same union."""
from __future__ import annotations

import pytest

from bot.appeals import changes
from bot.appeals.errors import AppealError
from bot.appeals.status import DAY, Status
from tests.unit.appeals.test_model import NOW, OPENID, appeal, moved


def resolved(**fields):
    item = changes.transition(appeal(district="丰台区", **fields), Status.ASSIGNED, "staff:li", NOW, assignee="李娜")
    return moved(item, Status.IN_PROGRESS, Status.RESOLVED)


def test_a_low_rating_reopens_to_the_same_union_and_assignee_and_is_flagged():
    rated = changes.record_satisfaction(resolved(), 1, "钱还没到手呢", "worker:o1", NOW)
    reopened = changes.reopen(rated, "worker:o1", NOW + 10, "回访1分：钱还没到手呢")
    assert reopened.status is Status.ASSIGNED
    assert (reopened.queue, reopened.assignee) == ("district:丰台区", "李娜")
    assert reopened.reopened == 1 and reopened.satisfaction == 1
    assert reopened.due_at == NOW + 10 + 2 * DAY
    last = reopened.history[-1]
    assert (last.from_status, last.to_status, last.actor) == (Status.REVISITED, Status.ASSIGNED, "worker:o1")
    assert last.note == "重办：回访1分：钱还没到手呢"
    assert rated.status is Status.REVISITED and rated.reopened == 0, "the original is untouched"


def test_a_resolved_case_can_be_reopened_before_the_rating_and_twice():
    once = changes.reopen(resolved(), "staff:li", NOW, "职工反映未解决")
    again = changes.reopen(moved(once, Status.IN_PROGRESS, Status.RESOLVED), "staff:li", NOW, "仍未解决")
    assert again.reopened == 2 and again.status is Status.ASSIGNED


def test_urgent_cases_keep_the_quartered_deadline_when_reopened():
    reopened = changes.reopen(resolved(headcount=12), "worker:o1", NOW, "没解决")
    assert reopened.urgent and reopened.due_at == NOW + 2 * DAY / 4


@pytest.mark.parametrize("steps", [(), (Status.ASSIGNED,), (Status.ASSIGNED, Status.IN_PROGRESS), "withdrawn"])
def test_only_resolved_cases_reopen(steps):
    if steps == "withdrawn":
        item = changes.transition(appeal(), Status.CANCELLED, f"worker:{OPENID}", NOW)
    else:
        item = moved(appeal(), *steps)
    with pytest.raises(AppealError) as refused:
        changes.reopen(item, "worker:o1", NOW, "没解决")
    assert refused.value.code == "not_reopenable"


def test_a_reason_is_required():
    with pytest.raises(AppealError):
        changes.reopen(resolved(), "worker:o1", NOW, "  ")
