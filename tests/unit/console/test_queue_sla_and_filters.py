"""The queue's SLA table and countdown wording, and the filter parser (pure, no servers)."""
from __future__ import annotations

import pytest
from multidict import MultiDict

from bot.console import queue_filters, queue_sla
from bot.console.queue_filters import FilterError, parse

NOW = 1_800_000_000.0


@pytest.mark.parametrize("reason, priority, kind", [
    ("emergency", "emergency", "emergency"),
    ("worker asked for a person", "emergency", "emergency"),  # raised to emergency mid-wait
    ("system_busy", "normal", "system_busy"),
    ("worker asked for a person", "normal", "handover"),
    ("sustained anger", "urgent", "handover"),
    ("staff took over", "normal", "handover"),
])
def test_conversation_types(reason, priority, kind):
    assert queue_sla.conversation_type(reason, priority) == kind


def test_every_conversation_type_has_an_sla_and_taken_ones_have_met_it():
    assert set(queue_sla.CONVERSATION_SLA) == set(queue_sla.TYPE_LABELS) - {queue_sla.APPEAL}
    assert queue_sla.conversation_deadline("handover", NOW, taken=False) == NOW + 15 * 60
    assert queue_sla.conversation_deadline("emergency", NOW, taken=False) == NOW + 5 * 60
    assert queue_sla.conversation_deadline("handover", NOW, taken=True) is None


@pytest.mark.parametrize("offset, text", [
    (30, "剩不到 1 分钟"), (60, "剩 1 分钟"), (14 * 60 + 59, "剩 14 分钟"), (3600, "剩 1 小时"),
    (3 * 3600 + 5 * 60, "剩 3 小时 5 分"), (2 * 86400 + 4 * 3600, "剩 2 天 4 小时"), (86400, "剩 1 天"),
    (-10, "已超时"), (-61, "已超时 1 分钟"), (-(25 * 3600), "已超时 1 天 1 小时"),
])
def test_countdown_wording(offset, text):
    assert queue_sla.countdown(NOW + offset, NOW) == text


def test_no_deadline_no_countdown_and_never_overdue():
    assert queue_sla.countdown(None, NOW) == "" and not queue_sla.is_overdue(None, NOW)
    assert queue_sla.is_overdue(NOW - 1, NOW) and not queue_sla.is_overdue(NOW + 1, NOW)


def test_filters_parse_codes_labels_and_several_values():
    chosen = parse(MultiDict([("type", "emergency"), ("type", "转人工"), ("status", "已派单"),
                              ("category", "wage_arrears"), ("assignee", "me"), ("overdue", "1")]), "wang")
    assert chosen.types == {"emergency", "handover"} and chosen.statuses == {"assigned"}
    assert chosen.categories == {"wage_arrears"} and chosen.assignee == "wang" and chosen.overdue is True
    assert chosen.active and not parse(MultiDict([("type", ""), ("overdue", " ")]), "wang").active
    assert parse(MultiDict(assignee="Staff:Li_2"), "wang").assignee == "li_2"


@pytest.mark.parametrize("query, words", [
    ({"type": "vip"}, ["类型", "vip", "紧急求助"]),
    ({"status": "closed"}, ["状态", "closed", "等待接管"]),
    ({"status": "revisited"}, ["状态", "revisited"]),  # closed appeals are never in the queue
    ({"category": "wage"}, ["类别", "wage"]),
    ({"overdue": "true"}, ["超时", "true", "0（只看未超时）"]),
    ({"assignee": "a b"}, ["承办人", "a b", "none（无人承办）"]),
    ({"type": "x" * 500}, ["x" * 64 + "…"]),
])
def test_bad_values_are_named_with_what_would_do(query, words):
    with pytest.raises(FilterError) as raised:
        parse(MultiDict(query), "wang")
    for word in words:
        assert word in raised.value.message
    if "type" in query and len(query["type"]) > 64:
        assert "x" * 65 not in raised.value.message


def test_matching_all_filters_together():
    chosen = parse(MultiDict(type="appeal", assignee="none", overdue="0"), "wang")
    assert chosen.matches("appeal", "submitted", "other", None, False)
    assert not chosen.matches("appeal", "submitted", "other", "li", False)
    assert not chosen.matches("appeal", "submitted", "other", None, True)
    assert not chosen.matches("handover", "waiting", None, None, False)
    assert queue_filters.QueueFilters().matches("handover", "waiting", None, None, True)
