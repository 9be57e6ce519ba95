import datetime as dt

from actions.service_hours import BEIJING, IN_HOURS, OUT_OF_HOURS, staffed, waiting_message


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, 30, tzinfo=BEIJING)  # 2026-11-23 is a Monday


def test_staffed_on_weekdays_nine_to_five_beijing_time():
    assert staffed(at(23, 10)) and staffed(at(27, 16))
    assert not staffed(at(23, 8)) and not staffed(at(23, 17)) and not staffed(at(28, 11))
    assert staffed(dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc))  # 10:00 in Beijing


def test_waiting_message_says_what_happens_next():
    assert waiting_message(at(23, 10)) == IN_HOURS
    assert waiting_message(at(28, 10)) == OUT_OF_HOURS and "下一个工作日" in OUT_OF_HOURS and "110" in OUT_OF_HOURS
