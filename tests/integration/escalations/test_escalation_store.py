import uuid

import pytest
from redis.asyncio import Redis

from bot.escalations import EscalationStore
from bot.redis_keys import RedisKeys


@pytest.fixture
async def store(redis_server):
    client = Redis.from_url(redis_server["url"], decode_responses=True)
    now = [1000.0]
    yield EscalationStore(client, RedisKeys(f"t{uuid.uuid4().hex[:8]}:"), clock=lambda: now[0]), now
    await client.close()


async def test_emergencies_first_then_longest_waiting(store):
    escalations, now = store
    await escalations.escalate("o_a", "worker asked for a person")
    now[0] += 10
    await escalations.escalate("o_b", "sustained anger")
    now[0] += 10
    await escalations.escalate("o_c", "emergency", "emergency", ticket_id="GH202611260001")
    assert [e.openid for e in await escalations.waiting()] == ["o_c", "o_a", "o_b"]


async def test_a_more_urgent_reason_moves_the_worker_up_but_keeps_the_wait(store):
    escalations, now = store
    await escalations.escalate("o_a", "asked")
    now[0] += 50
    await escalations.escalate("o_b", "asked")
    again = await escalations.escalate("o_b", "asked again")
    assert again.reason == "asked"  # the same priority does not reset the place in the queue
    upgraded = await escalations.escalate("o_b", "emergency", "emergency")
    assert upgraded.since == 1050.0 and upgraded.priority == "emergency"
    assert [e.openid for e in await escalations.waiting()] == ["o_b", "o_a"]


async def test_take_and_release(store):
    escalations, _ = store
    await escalations.escalate("o_a", "asked")
    taken = await escalations.take("o_a", "staff:chaoyang-wang")
    assert taken.state == "taken" and (await escalations.get("o_a")).staff == "staff:chaoyang-wang"
    await escalations.release("o_a")
    assert await escalations.get("o_a") is None and await escalations.waiting() == []
    with pytest.raises(ValueError):
        await escalations.escalate("o_a", "x", "whenever")


async def test_alerts_newest_first(store):
    escalations, now = store
    await escalations.alert("o_a", "工友要跳楼", "GH202611260001", ["跳楼"])
    now[0] += 1
    await escalations.alert("o_b", "被关起来了", "GH202611260002", ["关起来"])
    assert [a["openid"] for a in await escalations.alerts()] == ["o_b", "o_a"]
