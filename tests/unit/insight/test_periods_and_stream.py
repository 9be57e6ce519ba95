"""Date ranges read as whole months plus loose days; stream records map onto the ingest."""
from __future__ import annotations

from datetime import date

from bot.insight.periods import Window, periods, week_of
from bot.insight.stream import message_from_record


def test_a_range_is_whole_months_plus_loose_days():
    assert periods(date(2026, 1, 30), date(2026, 3, 2)) == ["2026-01-30", "2026-01-31", "2026-02", "2026-03-01", "2026-03-02"]
    assert periods(date(2026, 1, 1), date(2026, 12, 31)) == [f"2026-{m:02d}" for m in range(1, 13)]
    assert periods(date(2026, 2, 3), date(2026, 2, 3)) == ["2026-02-03"]


def test_previous_window_and_report_week():
    window = Window(date(2026, 11, 16), date(2026, 11, 22))
    assert window.previous() == Window(date(2026, 11, 9), date(2026, 11, 15))
    assert week_of(date(2026, 11, 26)) == Window(date(2026, 11, 23), date(2026, 11, 29))


def test_a_stream_record_maps_onto_record_message():
    record = {"text": "朝阳这边老板欠薪三个月了", "ts": "1795000000.5", "channel": "wechat", "intent": "faq",
              "confidence": "0.93", "response_key": "faq/wage_arrears", "sender": "o_abc", "fallback": "0"}
    message = message_from_record(record)
    assert message == {"channel": "wechat", "district": "朝阳区", "topic": "wage_arrears", "when": 1795000000.5,
                       "is_crisis": False, "text": "朝阳这边老板欠薪三个月了", "sender": "o_abc"}
    assert message_from_record({**record, "intent": "report_emergency", "response_key": ""})["is_crisis"]
    assert message_from_record({**record, "fallback": "1"})["topic"] == "fallback"
    assert message_from_record({**record, "ts": "x"}) is None


def test_an_odd_channel_name_never_becomes_a_key_part():
    record = {"text": "x", "ts": "1795000000", "channel": "wechat:*\r\nFLUSHALL", "intent": "greet"}
    assert message_from_record(record)["channel"] == "other"


def test_the_district_entity_wins_over_the_text():
    record = {"text": "在朝阳上班 住海淀", "ts": "1795000000", "channel": "wechat", "intent": "faq",
              "entities": '[{"entity": "district", "value": "海淀"}]'}
    assert message_from_record(record)["district"] == "海淀区"
    assert message_from_record({**record, "entities": "not json"})["district"] == "朝阳区"
