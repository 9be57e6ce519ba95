"""Staff work on a ticket, as pure changes: corrections with history and recomputed flags,
承办人, 转办, merges — and bad input refused with nothing changed."""
from __future__ import annotations

import pytest

from bot.appeals import work_orders
from bot.appeals.erasure import erase_personal
from bot.appeals.errors import AppealError
from bot.appeals.status import DAY, URGENT_DIVISOR, Status
from tests.unit.appeals.test_model import NOW, OPENID, appeal, moved

STAFF = "staff:chaoyang"


def wages(**fields):
    fields.setdefault("category", "wage_arrears")
    fields.setdefault("district", "朝阳区")
    return appeal(**fields)


def test_a_misread_headcount_is_corrected_with_history_and_the_flags_follow():
    filed = wages(headcount=5000, group_wages=True)
    assert filed.collective and filed.urgent and filed.due_at == NOW + DAY / URGENT_DIVISOR
    fixed = work_orders.edit_field(filed, "headcount", " 2 ", "职工说是两个人，5000是金额", STAFF, NOW + 60)
    assert fixed.headcount == 2 and not fixed.collective and not fixed.urgent
    assert fixed.due_at == NOW + DAY, "the step's due time is counted again without urgency"
    entry = fixed.worklog[-1]
    assert entry == {"at": NOW + 60, "actor": STAFF, "kind": "edit", "field": "headcount", "before": "5000",
                     "after": "2", "reason": "职工说是两个人，5000是金额",
                     "collective": [True, False], "urgent": [True, False]}
    assert fixed.history == filed.history, "a correction never reaches the worker's history notes"
    assert filed.headcount == 5000, "the original is untouched"


def test_raising_the_headcount_makes_it_collective_like_a_filing_would():
    fixed = work_orders.edit_field(wages(headcount=2), "headcount", "3", "又来了一个工友", STAFF, NOW)
    assert fixed.collective and fixed.urgent, "3 workers owed wages is a group wage case"
    other = work_orders.edit_field(appeal(category="overtime_pay", headcount=2), "headcount", "3", "核实", STAFF, NOW)
    assert not other.collective
    assert work_orders.edit_field(other, "headcount", "12", "核实", STAFF, NOW).collective
    recat = work_orders.edit_field(other, "category", "wage_arrears", "其实是欠薪", STAFF, NOW)
    assert recat.collective, "the category counts too"


def test_an_emergency_stays_urgent_whatever_the_headcount():
    crisis = appeal(emergency=True, headcount=12)
    fixed = work_orders.edit_field(crisis, "headcount", "1", "核实", STAFF, NOW)
    assert fixed.urgent and not fixed.collective


@pytest.mark.parametrize("field, value, code", [
    ("headcount", "五个", "invalid_headcount"),
    ("headcount", "0", "invalid_headcount"),
    ("headcount", "5.5", "invalid_headcount"),
    ("phone", "1381234", "invalid_phone"),
    ("phone", "电话是多少", "invalid_phone"),
    ("category", "不存在", "invalid_category"),
    ("description", "   ", "invalid_description"),
    ("name", "名" * 51, "invalid_name"),
    ("district", "海淀区", "invalid_field"),
    ("status", "resolved", "invalid_field"),
    ("openid", "x", "invalid_field"),
])
def test_bad_input_is_refused_and_changes_nothing(field, value, code):
    filed = wages(headcount=3, phone="13812345678")
    before = filed.to_json()
    with pytest.raises(AppealError) as refused:
        work_orders.edit_field(filed, field, value, "原因", STAFF, NOW)
    assert refused.value.code == code
    assert filed.to_json() == before


def test_a_reason_is_required_and_an_unchanged_value_is_refused():
    filed = wages(headcount=3)
    for reason, code in (("", "reason_required"), ("  ", "reason_required"), ("长" * 501, "invalid_reason")):
        with pytest.raises(AppealError) as refused:
            work_orders.edit_field(filed, "headcount", "4", reason, STAFF, NOW)
        assert refused.value.code == code
    with pytest.raises(AppealError) as refused:
        work_orders.edit_field(filed, "headcount", "3", "核实", STAFF, NOW)
    assert refused.value.code == "unchanged"


def test_phones_are_stored_as_digits_and_the_only_contact_cannot_be_cleared():
    fixed = work_orders.edit_field(wages(phone="13812345678"), "phone", "139-0000-1111", "职工换号", STAFF, NOW)
    assert fixed.phone == "13900001111"
    by_phone = appeal(openid=None, phone="13812345678")
    with pytest.raises(AppealError) as refused:
        work_orders.edit_field(by_phone, "phone", "", "清空", STAFF, NOW)
    assert refused.value.code == "no_owner"


def test_assigning_a_new_case_dispatches_it_and_later_only_the_person_changes():
    filed = wages()
    assigned = work_orders.assign(filed, "chaoyang", STAFF, NOW + 1)
    assert assigned.status is Status.ASSIGNED and assigned.assignee == "chaoyang"
    assert assigned.history[-1].assignee == "chaoyang" and assigned.queue == "district:朝阳区"
    working = moved(assigned, Status.IN_PROGRESS)
    again = work_orders.assign(working, "chaoyang2", STAFF, NOW + 2, "休假")
    assert again.status is Status.IN_PROGRESS and again.history == working.history
    assert again.worklog[-1] == {"at": NOW + 2, "actor": STAFF, "kind": "assign", "field": "assignee",
                                 "before": "chaoyang", "after": "chaoyang2", "reason": "休假"}
    with pytest.raises(AppealError, match="already the assignee"):
        work_orders.assign(again, "chaoyang2", STAFF, NOW)


def test_transfer_moves_district_and_queue_clears_the_person_and_hides_the_reason():
    working = moved(work_orders.assign(wages(), "chaoyang", STAFF, NOW), Status.IN_PROGRESS)
    moved_on = work_orders.transfer(working, "海淀", "单位注册地在海淀", STAFF, NOW + 5)
    assert (moved_on.district, moved_on.queue, moved_on.assignee) == ("海淀区", "district:海淀区", None)
    assert moved_on.status is Status.ASSIGNED and moved_on.due_at == NOW + 5 + 2 * DAY
    assert moved_on.history[-1].note == "转至海淀区总工会办理", "the worker sees where, not why"
    assert moved_on.worklog[-1]["reason"] == "单位注册地在海淀"
    for bad, code in (("朝阳区", "same_queue"), ("火星", "invalid_district")):
        with pytest.raises(AppealError) as refused:
            work_orders.transfer(moved(wages(), Status.ASSIGNED), bad, "原因", STAFF, NOW)
        assert refused.value.code == code
    with pytest.raises(AppealError) as refused:
        work_orders.transfer(moved(wages(), Status.ASSIGNED), "海淀区", "", STAFF, NOW)
    assert refused.value.code == "reason_required"


def test_merge_closes_the_duplicate_with_a_link_and_logs_both():
    primary, duplicate = wages(), wages(description="同一件事又报了一次")
    duplicate.ticket_id = "GH202611260002"
    closed, kept = work_orders.merge(duplicate, primary, "同一职工重复提交", STAFF, NOW + 9)
    assert closed.status is Status.MERGED and closed.status.closed and closed.due_at is None
    assert closed.merged_into == primary.ticket_id and kept.merged_from == [duplicate.ticket_id]
    assert closed.history[-1].note == f"与您的诉求{primary.ticket_id}合并办理，请以该编号查询进度"
    assert closed.worklog[-1]["reason"] == kept.worklog[-1]["reason"] == "同一职工重复提交"
    assert kept.status is primary.status
    other_worker = wages(openid="oSomeoneElse")
    other_worker.ticket_id = "GH202611260003"
    closed_other, _ = work_orders.merge(other_worker, primary, "同一单位同一事项", STAFF, NOW)
    assert primary.ticket_id not in closed_other.history[-1].note, "no other worker's ticket number leaks"
    with pytest.raises(AppealError) as refused:
        work_orders.merge(primary, primary, "x", STAFF, NOW)
    assert refused.value.code == "same_appeal"
    with pytest.raises(AppealError) as refused:
        work_orders.merge(wages(), closed, "x", STAFF, NOW)
    assert refused.value.code in ("not_editable", "closed")


def test_erasure_blanks_personal_values_in_the_worklog():
    filed = wages(phone="13812345678", name="王师傅")
    fixed = work_orders.edit_field(filed, "phone", "13900001111", "职工来电 13812345678 说换号", STAFF, NOW)
    fixed = work_orders.edit_field(fixed, "name", "王大力", "写全名", STAFF, NOW)
    erased = erase_personal(fixed, "staff:admin", NOW, "职工申请")
    text = str(erased.worklog)
    for secret in ("13812345678", "13900001111", "王大力", "王师傅"):
        assert secret not in text
    assert OPENID not in text
