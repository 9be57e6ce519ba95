"""The appeal rules without Redis: statuses, deadlines, validation, changes, tickets."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from bot.appeals import changes
from bot.appeals.errors import AppealError
from bot.appeals.model import Appeal, StatusChange, new_appeal, worker_actor
from bot.appeals.status import DAY, Status, allowed, due_at, parse_status
from bot.appeals.tickets import day_of, format_ticket, normalize_ticket, beijing

NOW = 1_800_000_000.0
HOUR = 3600
OPENID = "oWorker_0000000000000000001"


def appeal(**fields) -> Appeal:
    fields.setdefault("description", "老板拖欠三个月工资")
    fields.setdefault("openid", OPENID)
    return new_appeal("GH202611260001", NOW, **fields)


def moved(item: Appeal, *steps: Status) -> Appeal:
    for step in steps:
        item = changes.transition(item, step, "staff:li", NOW)
    return item


# --- statuses and deadlines ------------------------------------------------------------
def test_status_labels():
    assert {s.name: s.label for s in Status} == {
        "SUBMITTED": "已受理",
        "ASSIGNED": "已派单",
        "IN_PROGRESS": "处理中",
        "RESOLVED": "已办结",
        "REVISITED": "已回访",
        "CANCELLED": "已撤回",
        "MERGED": "已合并",
    }


def test_exactly_the_allowed_transitions():
    expected = {
        (Status.SUBMITTED, Status.ASSIGNED),
        (Status.ASSIGNED, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.RESOLVED),
        (Status.RESOLVED, Status.REVISITED),
        (Status.SUBMITTED, Status.CANCELLED),
        (Status.ASSIGNED, Status.ASSIGNED),
        (Status.IN_PROGRESS, Status.ASSIGNED),
    }
    assert {(a, b) for a in Status for b in Status if allowed(a, b)} == expected


@pytest.mark.parametrize(
    "status, days",
    [(Status.SUBMITTED, 1), (Status.ASSIGNED, 2), (Status.IN_PROGRESS, 15), (Status.RESOLVED, 7)],
)
def test_step_deadlines_and_urgent_quarter(status, days):
    assert due_at(status, False, NOW) == NOW + days * DAY
    assert due_at(status, True, NOW) == NOW + days * DAY / 4


def test_closed_statuses_have_no_deadline():
    assert due_at(Status.REVISITED, True, NOW) is None
    assert due_at(Status.CANCELLED, False, NOW) is None


def test_parse_status_accepts_value_name_and_label():
    assert parse_status("in_progress") is parse_status("IN_PROGRESS") is parse_status("处理中") is Status.IN_PROGRESS
    with pytest.raises(AppealError):
        parse_status("done")


# --- filing ----------------------------------------------------------------------------
def test_new_appeal_defaults():
    item = appeal(district="朝阳", phone="138 0013 8000")
    assert item.status is Status.SUBMITTED
    assert item.district == "朝阳区" and item.queue == "district:朝阳区"
    assert item.phone == "13800138000"
    assert item.category == "other" and item.channel == "wechat"
    assert not (item.collective or item.urgent or item.emergency)
    assert item.due_at == NOW + DAY and not item.overdue(NOW + DAY) and item.overdue(NOW + DAY + 1)
    assert item.history == [StatusChange(NOW, f"worker:{OPENID}", None, Status.SUBMITTED, "", "district:朝阳区")]


def test_no_district_goes_to_the_city_union():
    assert appeal().queue == "city"
    assert appeal(district="亦庄").queue == "district:北京经济技术开发区"


@pytest.mark.parametrize("headcount, collective", [(9, False), (10, True), ("12", True), (None, False)])
def test_ten_workers_make_it_collective_and_urgent(headcount, collective):
    item = appeal(headcount=headcount)
    assert item.collective is item.urgent is collective
    assert item.due_at == NOW + (6 * HOUR if collective else DAY)


def test_group_wages_is_collective_whatever_the_headcount():
    item = appeal(headcount=3, group_wages=True)
    assert item.collective and item.urgent


def test_emergency_is_urgent():
    item = appeal(emergency=True)
    assert item.urgent and not item.collective


def test_category_from_topic_or_intent():
    assert appeal(category="wage_arrears").category == "wage_arrears"
    assert appeal(category="faq/work_injury").category == "work_injury"
    with pytest.raises(AppealError, match="category"):
        appeal(category="lottery")


@pytest.mark.parametrize("phone", ["13800138000", "+86 138-0013-8000", "8613800138000", "１３８００１３８０００", 19912345678])
def test_valid_mobiles(phone):
    assert appeal(phone=phone).phone in ("13800138000", "19912345678")


@pytest.mark.parametrize("phone", ["12800138000", "1380013800", "010-12345678", "138001380001", "abc", True])
def test_invalid_mobiles(phone):
    with pytest.raises(AppealError, match="phone") as error:
        appeal(phone=phone)
    assert error.value.field == "phone" and error.value.code == "invalid_phone"


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"description": "   "}, "description"),
        ({"description": "欠" * 2001}, "description"),
        ({"district": "浦东新区"}, "district"),
        ({"headcount": 0}, "headcount"),
        ({"headcount": 100_001}, "headcount"),
        ({"headcount": True}, "headcount"),
        ({"headcount": "十个"}, "headcount"),
        ({"consent": "yes"}, "consent"),
        ({"openid": "has space"}, "openid"),
        ({"openid": None}, "openid"),  # nor a phone: nobody could ever see it again
    ],
)
def test_invalid_fields_are_refused(fields, field):
    with pytest.raises(AppealError) as error:
        appeal(**fields)
    assert error.value.field == field and isinstance(error.value, ValueError)


def test_limits_are_inclusive():
    assert len(appeal(description="欠" * 2000).description) == 2000
    assert appeal(headcount=100_000).headcount == 100_000


def test_anonymous_phone_only_appeal():
    item = appeal(openid=None, phone="13900139000", name=None, channel="hotline")
    assert item.name is None and item.owner_actors() == {"worker:13900139000"}


def test_round_trip_is_json_safe():
    item = changes.add_note(moved(appeal(headcount=30, amount="3万元"), Status.ASSIGNED), "staff:li", "已联系企业", NOW)
    item = changes.attach_evidence(item, {"type": "image", "media_id": "m1", "title": "工资条"}, NOW)
    data = json.loads(json.dumps(item.to_dict()))
    assert Appeal.from_dict(data) == item
    assert data["status"] == "assigned" and data["history"][1]["from_status"] == "submitted"


# --- changes ---------------------------------------------------------------------------
def test_transition_records_history_and_restarts_the_clock():
    item = changes.transition(appeal(), Status.ASSIGNED, "staff:li", NOW + 10, note="派至朝阳", queue="朝阳")
    assert item.status is Status.ASSIGNED and item.queue == "district:朝阳区"
    assert item.due_at == NOW + 10 + 2 * DAY and item.updated_at == NOW + 10
    assert item.history[-1] == StatusChange(NOW + 10, "staff:li", Status.SUBMITTED, Status.ASSIGNED, "派至朝阳", "district:朝阳区")


def test_illegal_transition_names_both_statuses_and_changes_nothing():
    item = appeal()
    before = item.to_dict()
    with pytest.raises(AppealError, match="已受理.*已办结") as error:
        changes.transition(item, Status.RESOLVED, "staff:li", NOW)
    assert error.value.code == "illegal_transition"
    assert item.to_dict() == before


def test_only_the_worker_withdraws_and_only_while_submitted():
    with pytest.raises(AppealError, match="withdraw"):
        changes.transition(appeal(), Status.CANCELLED, "staff:li", NOW)
    cancelled = changes.transition(appeal(), Status.CANCELLED, worker_actor(OPENID), NOW)
    assert cancelled.status is Status.CANCELLED and cancelled.due_at is None
    with pytest.raises(AppealError, match="已派单.*已撤回"):
        changes.transition(moved(appeal(), Status.ASSIGNED), Status.CANCELLED, worker_actor(OPENID), NOW)


def test_queue_changes_only_when_assigning():
    with pytest.raises(AppealError, match="queue"):
        changes.transition(moved(appeal(), Status.ASSIGNED), Status.IN_PROGRESS, "staff:li", NOW, queue="city")
    with pytest.raises(AppealError, match="queue"):
        changes.transition(appeal(), Status.ASSIGNED, "staff:li", NOW, queue="district:上海")


def test_reassign_to_another_level_drops_the_old_assignee():
    item = changes.transition(appeal(district="海淀"), Status.ASSIGNED, "staff:city", NOW, assignee="zhang")
    item = changes.transition(item, Status.ASSIGNED, "staff:haidian", NOW, queue="city")
    assert item.queue == "city" and item.assignee is None
    with pytest.raises(AppealError, match="another queue or assignee"):
        changes.transition(item, Status.ASSIGNED, "staff:city", NOW, queue="city")


def test_sent_back_to_assigned():
    item = moved(appeal(), Status.ASSIGNED, Status.IN_PROGRESS, Status.ASSIGNED)
    assert [c.to_status for c in item.history] == [Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ASSIGNED]


def test_evidence_deduplicated_and_refused_once_closed():
    item = changes.attach_evidence(appeal(), {"type": "image", "media_id": "m1"}, NOW)
    assert changes.attach_evidence(item, {"type": "image", "media_id": "m1"}, NOW + 5) is item
    assert item.evidence == [{"type": "image", "media_id": "m1", "title": None, "at": NOW}]
    with pytest.raises(AppealError, match="evidence"):
        changes.attach_evidence(item, {"type": "image"}, NOW)
    closed = changes.transition(item, Status.CANCELLED, worker_actor(OPENID), NOW)
    with pytest.raises(AppealError, match="已撤回"):
        changes.attach_evidence(closed, {"type": "voice", "media_id": "m2"}, NOW)


def test_notes_need_text_and_actor():
    item = changes.add_note(appeal(), "staff:li", "电话已联系", NOW)
    assert item.notes == [{"at": NOW, "actor": "staff:li", "text": "电话已联系"}]
    with pytest.raises(AppealError):
        changes.add_note(item, "staff:li", " ", NOW)
    with pytest.raises(AppealError):
        changes.add_note(item, "", "text", NOW)


def test_satisfaction_only_when_resolved_and_closes_the_appeal():
    with pytest.raises(AppealError, match="已办结.*处理中"):
        changes.record_satisfaction(moved(appeal(), Status.ASSIGNED, Status.IN_PROGRESS), 5, "", "staff:li", NOW)
    resolved = moved(appeal(), Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED)
    assert resolved.due_at == NOW + 7 * DAY
    for score in (0, 6, "5.0", None):
        with pytest.raises(AppealError, match="satisfaction"):
            changes.record_satisfaction(resolved, score, "", "staff:li", NOW)
    done = changes.record_satisfaction(resolved, 4, "办得挺快", "staff:li", NOW)
    assert (done.status, done.satisfaction, done.satisfaction_comment, done.due_at) == (Status.REVISITED, 4, "办得挺快", None)


# --- tickets ---------------------------------------------------------------------------
def test_ticket_format():
    assert format_ticket("20261126", 7) == "GH202611260007"


@pytest.mark.parametrize("text", ["GH202611260007", "gh202611260007", " GH 2026 1126 0007 ", "ＧＨ２０２６１１２６０００７"])
def test_ticket_read_leniently(text):
    assert normalize_ticket(text) == "GH202611260007"


@pytest.mark.parametrize("text", [None, "", "GH20261126007", "GH2026112600070", "XX202611260007", "GH-202611260007"])
def test_not_a_ticket(text):
    assert normalize_ticket(text) is None


def test_ticket_day_is_beijing_date():
    midnight = datetime(2026, 11, 27, tzinfo=timezone(timedelta(hours=8))).timestamp()
    assert day_of(midnight - 1, beijing()) == "20261126"
    assert day_of(midnight, beijing()) == "20261127"  # still the 26th in UTC
