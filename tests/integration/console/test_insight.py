"""Insight through the console against a real Redis: counters as appeals and messages arrive,
early warnings with evidence and acknowledgement, and the remit on every page, API and export."""
from __future__ import annotations

import asyncio
import io
import json
import re
import time
import zipfile

import pytest

from bot.insight.ingest import Insight
from bot.insight.periods import day_of
from bot.insight.stream import consume

EMPLOYER_SPELLINGS = ["北京宏达建筑有限公司", "宏达建筑", "宏达公司"]
PAGES = ["/insight", "/insight/map", "/insight/assessment", "/insight/report?kind=week",
         "/insight/report.xlsx?kind=month", "/api/insight/overview", "/api/insight/map", "/api/insight/assessment"]


async def file(appeals, district, employer="顺达物流", n=0, **extra):
    return await appeals.create(description="公司拖欠三个月工资", category="wage_arrears", employer=employer,
                                district=district, openid=f"o_worker_{n}", phone="13812345678", **extra)


async def test_three_spellings_of_one_employer_raise_one_cluster_warning_with_evidence(console, sign_in, appeals, audit):
    filed = [await file(appeals, "朝阳区", name, n) for n, name in enumerate(EMPLOYER_SPELLINGS[:2])]
    await sign_in("city")
    assert (await (await console.get("/api/insight/warnings")).json())["warnings"] == []
    filed.append(await file(appeals, "朝阳区", EMPLOYER_SPELLINGS[2], 3))
    warnings = (await (await console.get("/api/insight/warnings")).json())["warnings"]
    assert [w["kind"] for w in warnings] == ["employer_cluster"]
    warning = warnings[0]
    assert warning["districts"] == ["朝阳区"] and warning["figures"]["count"] == 3
    detail = await (await console.get(f"/api/insight/warnings/{warning['id']}")).json()
    assert sorted(a["ticket_id"] for a in detail["appeals"]) == sorted(a.ticket_id for a in filed)
    # A fourth appeal joins the same warning (no second one), from another district too.
    await file(appeals, "海淀区", "宏达建筑劳务", 4)
    warnings = (await (await console.get("/api/insight/warnings")).json())["warnings"]
    assert len(warnings) == 1 and warnings[0]["districts"] == ["朝阳区", "海淀区"]


async def test_acknowledging_is_audited_and_seen_by_the_city(console, sign_in, appeals, audit):
    for n, name in enumerate(EMPLOYER_SPELLINGS):
        await file(appeals, "朝阳区", name, n)
    token = await sign_in("chaoyang")
    warning = (await (await console.get("/api/insight/warnings")).json())["warnings"][0]
    empty = await console.post(f"/api/insight/warnings/{warning['id']}/ack", data={"note": " "},
                               headers={"X-CSRF-Token": token})
    assert empty.status == 400
    done = await console.post(f"/insight/warnings/{warning['id']}/ack",
                              data={"csrf_token": token, "note": "已约谈企业负责人", "escalate": "1"}, allow_redirects=False)
    assert done.status == 303
    entries = await audit.recent(action="ack_warning")
    assert [(e.actor, e.target, e.detail) for e in entries] == [("chaoyang", f"warning:{warning['id']}", {"escalate": True})]
    await sign_in("city")
    seen = (await (await console.get("/api/insight/warnings")).json())["warnings"][0]
    assert seen["acknowledged"] and seen["escalated"]
    assert seen["acks"][0]["by"] == "chaoyang" and seen["acks"][0]["note"] == "已约谈企业负责人"
    page = await (await console.get("/insight/warnings")).text()
    assert "朝阳王" in page and "已上报" in page


async def test_district_staff_get_403_outside_their_district_on_every_page_api_and_export(console, sign_in, appeals):
    await file(appeals, "海淀区", "海淀某公司", 1, headcount=20)  # collective: a 海淀 warning
    await sign_in("chaoyang")
    for path in PAGES:
        joiner = "&" if "?" in path else "?"
        own = await console.get(f"{path}{joiner}district=朝阳区" if "report" not in path else path)
        assert own.status == 200, path
        other = await console.get(f"{path}{joiner}district=海淀区")
        assert other.status == 403, path
    assert (await (await console.get("/api/insight/warnings")).json())["warnings"] == []
    await sign_in("city")
    haidian = (await (await console.get("/api/insight/warnings")).json())["warnings"]
    assert [w["kind"] for w in haidian] == ["collective"]
    await sign_in("chaoyang")
    for path in [f"/insight/warnings/{haidian[0]['id']}", f"/api/insight/warnings/{haidian[0]['id']}"]:
        assert (await console.get(path)).status == 403, path
    assert (await console.get("/insight/warnings/W999999")).status == 404
    token = await sign_in("chaoyang")
    acked = await console.post(f"/insight/warnings/{haidian[0]['id']}/ack", data={"csrf_token": token, "note": "看看"})
    assert acked.status == 403
    forged = await console.post(f"/api/insight/warnings/{haidian[0]['id']}/ack", data={"note": "看看"})
    assert forged.status == 403  # no CSRF token
    await sign_in("city")
    assert (await (await console.get(f"/api/insight/warnings/{haidian[0]['id']}")).json())["warning"]["acks"] == []


async def test_district_report_counts_only_the_district(console, sign_in, appeals):
    await file(appeals, "朝阳区", n=1)
    await file(appeals, "海淀区", n=2)
    await file(appeals, "海淀区", n=3)
    await sign_in("chaoyang")
    overview = await (await console.get("/api/insight/overview")).json()
    assert overview["totals"]["appeals"] == 1
    assert [row["district"] for row in overview["districts"]] == ["朝阳区"]
    await sign_in("city")
    overview = await (await console.get("/api/insight/overview")).json()
    assert overview["totals"]["appeals"] == 3
    assert {row["district"]: row["appeals"] for row in overview["districts"]}["海淀区"] == 2
    report = await console.get("/insight/report.xlsx?kind=week&day=" + overview["until"])
    assert report.status == 200 and report.content_type.endswith("spreadsheetml.sheet")
    with zipfile.ZipFile(io.BytesIO(await report.read())) as book:  # an .xlsx is a zip of XML parts
        workbook = book.read("xl/workbook.xml").decode("utf-8")
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    assert re.findall(r'<sheet name="([^"]+)"', workbook) == ["概况", "每日", "话题", "各区考核", "预警"]
    assert "全市" in strings and "朝阳区" in strings


async def test_assessment_follows_first_action_resolution_revisit_and_reopen(console, sign_in, appeals):
    appeal = await file(appeals, "朝阳区", n=1)
    await appeals.transition(appeal.ticket_id, "assigned", "staff:chaoyang", queue="district:朝阳区")
    await appeals.transition(appeal.ticket_id, "in_progress", "staff:chaoyang")
    await appeals.transition(appeal.ticket_id, "resolved", "staff:chaoyang", note="已发放")
    await appeals.record_satisfaction(appeal.ticket_id, 4, None, "staff:chaoyang")
    await appeals.reopen(appeal.ticket_id, "worker:o_worker_1", "钱没到手")
    await sign_in("chaoyang")
    rows = (await (await console.get("/api/insight/assessment")).json())["rows"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["district"], row["appeals"], row["satisfaction"], row["ratings"], row["reopened_share"]) == ("朝阳区", 1, 4.0, 1, 1.0)
    assert row["first_action_h"] is not None and row["resolution_d"] is not None and row["rank"] == 1


async def test_bad_filters_get_a_clear_answer(console, sign_in):
    await sign_in("city")
    for query in ["from=2026-13-01", "from=2026-05-01&to=2026-04-01", "from=2020-01-01&to=2026-01-01",
                  "channel=fax", "district=火星区"]:
        response = await console.get(f"/api/insight/overview?{query}")
        assert response.status == 400, query
        assert "message" in await response.json()


async def test_messages_from_the_stream_move_counters_and_a_spike_is_raised(console, sign_in, redis, keys):
    insight = Insight(redis, keys)
    now = time.time()
    today = day_of(now)
    # A quiet baseline for 工伤 in 丰台: about one message a day for four weeks.
    for back in range(1, 29):
        await insight.record_message("wechat", "丰台区", "work_injury", now - back * 86400, False, detect=False)
    stream = keys.insight_message_stream()
    for n in range(8):
        await redis.xadd(stream, {"text": f"丰台工地有人受伤了{n}", "ts": str(now), "channel": "wechat",
                                  "intent": "faq", "confidence": "0.9", "response_key": "faq/work_injury",
                                  "sender": f"o_fengtai_{n}", "fallback": "0"})
    # The console's own consumer (insight_task) reads the stream; a second consumer in the
    # same group must not count any record twice.
    stop = asyncio.Event()
    second = asyncio.create_task(consume(redis, keys, stop, block_ms=100))
    for _ in range(200):
        if await redis.hget(keys.insight_counts(today.isoformat(), "*", "丰台区"), "m") == "8":
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    stop.set()
    await second
    assert await redis.hget(keys.insight_counts(today.isoformat(), "*", "丰台区"), "m") == "8"
    assert (await redis.xpending(stream, "insight"))["pending"] == 0
    await sign_in("city")
    warnings = (await (await console.get("/api/insight/warnings")).json())["warnings"]
    kinds = {w["kind"]: w for w in warnings}
    assert "spike_district" in kinds and kinds["spike_district"]["districts"] == ["丰台区"]
    assert "spike_topic" in kinds
    detail = await (await console.get(f"/api/insight/warnings/{kinds['spike_district']['id']}")).json()
    assert len(detail["messages"]) == 8 and detail["messages"][0]["sender"].startswith("o_fengtai_")
    overview = await (await console.get(f"/api/insight/overview?district=丰台区&from={today}&to={today}")).json()
    assert overview["totals"]["messages"] == 8
    assert overview["topics"][0]["topic"] == "work_injury"


async def test_a_crisis_message_is_a_warning_at_once(console, sign_in, redis, keys):
    await Insight(redis, keys).record_message("wechat", "通州区", "report_emergency", time.time(), True,
                                              text="工友说要跳楼", sender="o_crisis")
    await sign_in("city")
    warnings = (await (await console.get("/api/insight/warnings")).json())["warnings"]
    assert [w["kind"] for w in warnings] == ["crisis"]
    detail = await (await console.get(f"/api/insight/warnings/{warnings[0]['id']}")).json()
    assert detail["messages"][0]["text"] == "工友说要跳楼"
    assert json.dumps(detail)


async def test_three_messages_in_a_quiet_district_raise_nothing(console, sign_in, redis, keys):
    insight = Insight(redis, keys)
    now = time.time()
    for back in (3, 10, 17):
        await insight.record_message("wechat", "延庆区", "wage_arrears", now - back * 86400, False, detect=False)
    for n in range(3):
        await insight.record_message("wechat", "延庆区", "wage_arrears", now, False, text=f"欠薪{n}", sender=f"o_y{n}")
    await sign_in("city")
    assert (await (await console.get("/api/insight/warnings")).json())["warnings"] == []


async def test_an_untouched_overdue_appeal_counts_once_in_the_assessment(console, sign_in, redis, keys):
    from bot.appeals import AppealStore

    past = time.time() - 3 * 86400  # filed three days ago, never moved: 已受理 is due within a day
    old = AppealStore(redis, keys, clock=lambda: past)
    await file(old, "朝阳区", n=1)
    insight, store = Insight(redis, keys), AppealStore(redis, keys)
    assert await insight.count_overdue(await store.overdue()) == 1
    assert await insight.count_overdue(await store.overdue()) == 0  # the sweep runs every few minutes
    await sign_in("chaoyang")
    since = day_of(past).isoformat()
    row = (await (await console.get(f"/api/insight/assessment?from={since}")).json())["rows"][0]
    assert (row["appeals"], row["overdue_share"]) == (1, 1.0)
