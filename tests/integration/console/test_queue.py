"""The work queue: emergencies first, then urgent, then the longest waiting; overdue flagged."""
from __future__ import annotations

import time

from bot.appeals import AppealStore
from bot.escalations import EscalationStore

HOUR = 3600


async def test_queue_order_flags_and_closed_appeals(console, sign_in, redis, keys):
    now = time.time()
    clock = [now]
    appeals = AppealStore(redis, keys, clock=lambda: clock[0])
    escalations = EscalationStore(redis, keys, clock=lambda: clock[0])

    async def appeal_at(seconds_ago, openid, **extra):
        clock[0] = now - seconds_ago
        return await appeals.create(description="欠薪", category="wage_arrears", district="朝阳区", openid=openid,
                                    **extra)

    clock[0] = now - HOUR
    await escalations.escalate("o_normal", "worker asked for a person")
    clock[0] = now - 60
    await escalations.escalate("o_emergency", "emergency", "emergency")
    urgent = await appeal_at(600, "o_a1", headcount=12)
    overdue = await appeal_at(2 * 24 * HOUR, "o_a2")
    recent = await appeal_at(120, "o_a3")
    withdrawn = await appeal_at(90, "o_a4")
    await appeals.withdraw(withdrawn.ticket_id, openid="o_a4")
    emergency = await appeal_at(30, "o_a5", emergency=True)

    await sign_in("city")
    data = await (await console.get("/api/queue")).json()
    ids = [item["id"] for item in data["items"]]
    assert ids == [
        "conversation:o_emergency", f"appeal:{emergency.ticket_id}",  # emergencies, longest waiting first
        f"appeal:{urgent.ticket_id}",  # urgent (collective)
        f"appeal:{overdue.ticket_id}", "conversation:o_normal", f"appeal:{recent.ticket_id}",  # by waiting time
    ]
    flags = {item["id"]: item["overdue"] for item in data["items"]}
    assert flags[f"appeal:{overdue.ticket_id}"] and not flags[f"appeal:{recent.ticket_id}"]
    assert flags["conversation:o_normal"] and not flags["conversation:o_emergency"]  # 1 h > 15 min; 1 min < 5 min
    assert data["emergencies"] == ["conversation:o_emergency", f"appeal:{emergency.ticket_id}"]
    assert data["counts"] == {"conversations": 2, "appeals": 4, "emergency": 2, "overdue": 2}
    assert "督办" in data["rows_html"] and "紧急情况" in data["rows_html"]
    first = data["items"][0]
    assert first["priority_label"] == "紧急" and first["reason"] == "紧急情况" and first["waited"] == "1 分钟"

    page = await (await console.get("/")).text()
    assert page.index("o_emergency") < page.index(urgent.ticket_id) < page.index("o_normal")
    assert 'data-poll-url="/api/queue"' in page and withdrawn.ticket_id not in page


async def test_excerpts_in_the_queue_hide_phone_numbers(console, sign_in, escalations):
    await escalations.escalate("o_phone", "worker asked for a person", excerpt="我电话13812345678快联系我")
    await sign_in("city")
    data = await (await console.get("/api/queue")).json()
    assert data["items"][0]["summary"] == "我电话138****5678快联系我"
    assert "13812345678" not in data["rows_html"]


async def test_one_crisis_is_one_queue_item(console, sign_in, appeals, escalations):
    """The emergency appeal and the conversation handed to a person are one crisis: one row."""
    crisis = await appeals.create(description="工友说要跳楼", category="wage_arrears", district="朝阳区",
                                  openid="o_crisis", emergency=True)
    await escalations.escalate("o_crisis", "emergency", "emergency", crisis.ticket_id, district="朝阳区")
    other = await appeals.create(description="欠薪", category="wage_arrears", district="朝阳区", openid="o_other")
    await sign_in("city")
    data = await (await console.get("/api/queue")).json()
    ids = [item["id"] for item in data["items"]]
    assert ids == ["conversation:o_crisis", f"appeal:{other.ticket_id}"]
    assert data["items"][0]["ticket"] == crisis.ticket_id
