"""The work queue as a work-order list: filters from the query (type, status, category,
assignee, overdue) within the caller's district, the SLA deadline and countdown per item and
the order it gives, and workers named by their appeal's name or a pseudonym, never an OpenID."""
from __future__ import annotations

import re
import time

from bot.appeals import AppealStore, Status
from bot.console.worker_labels import WorkerLabels
from bot.escalations import EscalationStore

MINUTE, HOUR = 60, 3600


async def seeded(redis, keys):
    """A queue of every type, in two districts, some overdue; returns the ids by name."""
    now = time.time()
    clock = [now]
    appeals = AppealStore(redis, keys, clock=lambda: clock[0])
    escalations = EscalationStore(redis, keys, clock=lambda: clock[0], appeals=appeals)

    def at(seconds_ago):
        clock[0] = now - seconds_ago

    at(40 * MINUTE)  # past the 15 min of a handover
    named = await appeals.create(description="欠薪", category="wage_arrears", district="朝阳区", openid="o_named",
                                 name="张师傅")
    await escalations.escalate("o_named", "worker asked for a person", ticket_id=named.ticket_id)
    at(5 * MINUTE)
    await escalations.escalate("o_fresh", "worker asked for a person", district="朝阳区")
    at(10 * MINUTE)
    await escalations.escalate("o_busy", "system_busy", district="海淀区")
    at(2 * MINUTE)
    await escalations.escalate("o_sos", "emergency", "emergency", district="朝阳区")
    at(50 * MINUTE)
    await escalations.escalate("o_taken", "worker asked for a person", district="朝阳区")
    await escalations.take("o_taken", "staff:chaoyang")
    at(2 * 24 * HOUR)  # a day past 已受理's one day
    late = await appeals.create(description="加班费", category="overtime_pay", district="朝阳区", openid="o_late")
    at(3 * HOUR)
    assigned = await appeals.create(description="合同", category="labor_contract", district="朝阳区", openid="o_asg")
    await appeals.transition(assigned.ticket_id, Status.ASSIGNED, "staff:city", "派单", assignee="chaoyang")
    at(HOUR)
    haidian = await appeals.create(description="社保", category="social_insurance", district="海淀区", openid="o_hd")
    clock[0] = now
    return {
        "named": "conversation:o_named", "fresh": "conversation:o_fresh", "busy": "conversation:o_busy",
        "sos": "conversation:o_sos", "taken": "conversation:o_taken", "late": f"appeal:{late.ticket_id}",
        "assigned": f"appeal:{assigned.ticket_id}", "haidian": f"appeal:{haidian.ticket_id}",
        "named_appeal": f"appeal:{named.ticket_id}",
    }


async def ids(console, query: str = "") -> list:
    response = await console.get("/api/queue" + query)
    assert response.status == 200, await response.text()
    return [item["id"] for item in (await response.json())["items"]]


async def test_each_filter_and_their_combination(console, sign_in, redis, keys):
    q = await seeded(redis, keys)
    await sign_in("city")
    assert await ids(console, "?type=emergency") == [q["sos"]]
    assert set(await ids(console, "?type=system_busy")) == {q["busy"]}
    assert set(await ids(console, "?type=handover")) == {q["named"], q["fresh"], q["taken"]}
    assert set(await ids(console, "?type=appeal")) == {q["late"], q["assigned"], q["haidian"], q["named_appeal"]}
    assert set(await ids(console, "?type=emergency&type=system_busy")) == {q["sos"], q["busy"]}
    assert set(await ids(console, "?status=taken")) == {q["taken"]}
    assert set(await ids(console, "?status=assigned")) == {q["assigned"]}
    assert set(await ids(console, "?status=已派单")) == {q["assigned"]}, "the Chinese label works too"
    # A conversation takes the category of the appeal it is about.
    assert set(await ids(console, "?category=wage_arrears")) == {q["named"], q["named_appeal"]}
    assert set(await ids(console, "?assignee=chaoyang")) == {q["taken"], q["assigned"]}
    shown = {i["id"]: i["staff"] for i in (await (await console.get("/api/queue?assignee=chaoyang")).json())["items"]}
    assert shown == {q["taken"]: "朝阳王", q["assigned"]: "朝阳王"}, "承办人 by display name"
    none = set(await ids(console, "?assignee=none"))
    assert q["taken"] not in none and q["assigned"] not in none and q["fresh"] in none
    assert set(await ids(console, "?overdue=1")) == {q["named"], q["late"]}  # not busy: 10 of its 30 min
    assert q["late"] not in await ids(console, "?overdue=0")
    assert await ids(console, "?type=appeal&overdue=1") == [q["late"]]
    assert await ids(console, "?type=handover&overdue=1&category=wage_arrears") == [q["named"]]

    page = await console.get("/?type=handover&overdue=1")
    html = await page.text()
    assert page.status == 200 and 'data-poll-url="/api/queue?type=handover&amp;overdue=1"' in html
    assert 'value="handover" selected' in html and "已筛选：显示 1 / 共 9 项" in html


async def test_my_items_and_the_district_scope(console, sign_in, redis, keys):
    q = await seeded(redis, keys)
    await sign_in("chaoyang")
    assert set(await ids(console, "?assignee=me")) == {q["taken"], q["assigned"]}
    everything = set(await ids(console))
    assert q["busy"] not in everything and q["haidian"] not in everything, "海淀's items stay out"
    assert await ids(console, "?type=system_busy") == [], "a filter never widens the remit"
    assert await ids(console, "?category=social_insurance") == []
    await sign_in("haidian")
    assert set(await ids(console)) == {q["busy"], q["haidian"]}
    assert await ids(console, "?assignee=chaoyang") == []


async def test_bad_filter_values_get_a_clear_answer(console, sign_in, redis, keys):
    await seeded(redis, keys)
    await sign_in("city")
    cases = {
        "?type=vip": ("类型", "vip", "紧急求助"),
        "?status=done": ("状态", "done", "已派单"),
        "?category=wages": ("类别", "wages", "拖欠工资"),
        "?overdue=yes": ("超时", "yes", "1（只看超时）"),
        "?assignee=nobody_here": ("承办人", "nobody_here", "没有这个工作人员账号"),
        "?assignee=%3Cscript%3E": ("承办人", "<script>", "用户名"),
        "?overdue=1&overdue=0": ("超时", "", "只能选一个值"),
    }
    for query, (name, value, hint) in cases.items():
        response = await console.get("/api/queue" + query)
        body = await response.json()
        assert response.status == 400 and body["error"] == "bad_filter", query
        assert name in body["message"] and value in body["message"] and hint in body["message"], body
    page = await console.get("/?type=vip")
    html = await page.text()
    assert page.status == 400 and "筛选条件“类型”的值“vip”无效" in html
    assert "<script>" not in (await (await console.get("/?assignee=%3Cscript%3E")).text())


async def test_emergencies_alert_whatever_the_filter(console, sign_in, redis, keys):
    q = await seeded(redis, keys)
    await sign_in("city")
    data = await (await console.get("/api/queue?type=appeal")).json()
    assert q["sos"] not in [item["id"] for item in data["items"]]
    assert q["sos"] in data["emergencies"], "the banner still learns of a new crisis"


async def test_sla_deadlines_countdowns_and_order(console, sign_in, redis, keys):
    q = await seeded(redis, keys)
    await sign_in("city")
    data = await (await console.get("/api/queue")).json()
    items = {item["id"]: item for item in data["items"]}
    now = time.time()
    assert abs(items[q["sos"]]["deadline"] - (now - 2 * MINUTE + 5 * MINUTE)) < 5
    assert abs(items[q["fresh"]]["deadline"] - (now - 5 * MINUTE + 15 * MINUTE)) < 5
    assert abs(items[q["busy"]]["deadline"] - (now - 10 * MINUTE + 30 * MINUTE)) < 5
    assert items[q["taken"]]["deadline"] is None and not items[q["taken"]]["overdue"], "taken: target met"
    assert items[q["late"]]["deadline"] < now and items[q["late"]]["overdue"]
    assert items[q["sos"]]["sla"] in ("剩 2 分钟", "剩 3 分钟")
    assert items[q["fresh"]]["sla"] in ("剩 9 分钟", "剩 10 分钟")
    assert items[q["named"]]["sla"] in ("已超时 24 分钟", "已超时 25 分钟")
    assert items[q["late"]]["sla"].startswith("已超时 1 天")
    # Normal priority: the most overdue first, then the nearest deadline, taken ones last.
    order = [item["id"] for item in data["items"]]
    assert order[0] == q["sos"]
    normal = [i for i in order if items[i]["priority"] == "normal"]
    assert normal.index(q["late"]) < normal.index(q["named"]) < normal.index(q["fresh"]) < normal.index(q["busy"])
    assert normal[-1] == q["taken"]
    rows = data["rows_html"]
    assert re.search(r'class="sla sla-overdue" data-deadline="\d+"[^>]*>已超时 1 天', rows)
    assert "督办" in rows and "超时" in rows and "已接管" in rows
    page = await (await console.get("/conversations/o_named")).text()
    assert re.search(r'接管时限 <span class="sla sla-overdue" data-deadline="\d+">已超时 2[45] 分钟', page)
    assert "接管时限" not in await (await console.get("/conversations/o_taken")).text()


async def test_workers_are_named_never_by_openid(console, sign_in, redis, keys):
    q = await seeded(redis, keys)
    await sign_in("city")
    data = await (await console.get("/api/queue")).json()
    items = {item["id"]: item for item in data["items"]}
    assert items[q["named"]]["worker"] == "张师傅" and items[q["named_appeal"]]["worker"] == "张师傅"
    fresh = items[q["fresh"]]["worker"]
    assert re.fullmatch(r"职工-[0-9A-F]{4}", fresh)
    assert items[q["busy"]]["worker"] != fresh
    again = await (await console.get("/api/queue")).json()
    assert {i["id"]: i["worker"] for i in again["items"]}[q["fresh"]] == fresh, "stable across requests"
    assert await WorkerLabels(redis, keys).pseudonym("o_fresh") == fresh, "and across console restarts"

    for url in ("/", "/conversations/o_fresh"):
        html = await (await console.get(url)).text()
        visible = re.sub(r'(href|action|data-[a-z-]+)="[^"]*"', "", html)
        for openid in ("o_fresh", "o_named", "o_busy", "o_late"):
            assert openid not in visible, f"{openid} shown on {url}"
    assert fresh in await (await console.get("/conversations/o_fresh")).text()
