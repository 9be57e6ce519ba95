"""Which counters a message or an appeal change moves (pure: no Redis)."""
from __future__ import annotations

from datetime import date

from bot.appeals.model import new_appeal
from bot.appeals.status import Status
from bot.insight.counters import (appeal_district, filing_increments, message_increments, response_metrics)

DAY = date(2026, 11, 26)


def appeal(**extra):
    fields = {"description": "拖欠工资", "category": "wage_arrears", "district": "朝阳区", "openid": "o_x", **extra}
    return new_appeal("GH202611260001", 1000.0, **fields)


def test_a_message_counts_in_every_cut_of_its_day_and_month():
    increments = message_increments(DAY, "wechat", "朝阳区", "wage_arrears", False)
    assert set(increments) == {(p, c, d) for p in ("2026-11-26", "2026-11") for c in ("wechat", "*") for d in ("朝阳区", "*")}
    assert increments[("2026-11-26", "*", "*")] == {"m": 1, "t:wage_arrears": 1, "md:朝阳区": 1}
    assert "md:朝阳区" not in increments[("2026-11-26", "wechat", "朝阳区")]


def test_a_message_without_district_counts_as_unplaced():
    increments = message_increments(DAY, "hotline", None, "greet", True, count=3)
    assert increments[("2026-11", "hotline", "-")] == {"m": 3, "t:greet": 3, "crisis": 3}


def test_a_filing_counts_category_and_collective():
    increments = filing_increments(appeal(headcount=12), DAY)
    assert increments[("2026-11-26", "*", "*")] == {"a": 1, "c:wage_arrears": 1, "col": 1, "ad:朝阳区": 1}


def test_an_appeal_without_district_counts_for_the_union_that_owns_it():
    sent = appeal(district=None)
    assert appeal_district(sent) == "-"
    sent.queue = "district:海淀区"
    assert appeal_district(sent) == "海淀区"


def test_response_metrics_of_each_step():
    filed = appeal()
    assigned = appeal()
    assigned.status = Status.ASSIGNED
    assert response_metrics(filed, assigned, 4600.0) == {"fa_n": 1, "fa_s": 3600.0}
    resolved = appeal()
    resolved.status = Status.RESOLVED
    assert response_metrics(assigned, resolved, 87400.0) == {"rs_n": 1, "rs_s": 86400.0}
    rated = appeal()
    rated.status, rated.satisfaction = Status.REVISITED, 4
    assert response_metrics(resolved, rated, 90000.0) == {"sat_n": 1, "sat_s": 4.0}
    again = appeal()
    again.status, again.reopened = Status.ASSIGNED, 1
    assert response_metrics(rated, again, 95000.0) == {"reo": 1}
    for closed in (Status.CANCELLED, Status.MERGED):
        withdrawn = appeal()
        withdrawn.status = closed
        assert response_metrics(filed, withdrawn, 2000.0) == {}
