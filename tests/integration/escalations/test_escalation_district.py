"""An escalation carries the district whose union staff may see the conversation."""
import json
import uuid

import pytest
from redis.asyncio import Redis

from bot.appeals import AppealStore
from bot.escalations import EscalationStore
from bot.redis_keys import RedisKeys


@pytest.fixture
async def stores(redis_server):
    client = Redis.from_url(redis_server["url"], decode_responses=True)
    keys = RedisKeys(f"t{uuid.uuid4().hex[:8]}:")
    yield EscalationStore(client, keys), AppealStore(client, keys), client, keys
    await client.close()


async def test_the_district_comes_from_the_appeal_when_a_ticket_is_known(stores):
    escalations, appeals, _, _ = stores
    appeal = await appeals.create(description="欠薪", district="海淀", openid="o_a")
    assert (await escalations.escalate("o_a", "emergency", "emergency", ticket_id=appeal.ticket_id)).district == "海淀区"
    assert (await escalations.escalate("o_b", "asked")).district is None
    assert (await escalations.escalate("o_c", "asked", district="朝阳区")).district == "朝阳区"


async def test_a_more_urgent_escalation_keeps_the_known_district(stores):
    escalations, _, _, _ = stores
    await escalations.escalate("o_a", "asked", district="朝阳区")
    upgraded = await escalations.escalate("o_a", "emergency", "emergency")
    assert upgraded.district == "朝阳区" and (await escalations.take("o_a", "staff:x")).district == "朝阳区"


async def test_records_written_before_the_field_existed_still_read(stores):
    escalations, _, client, keys = stores
    await client.set(keys.handoff("o_old"), json.dumps({"openid": "o_old", "reason": "asked", "priority": "normal",
                                                        "since": 1.0, "state": "waiting", "ticket_id": None,
                                                        "staff": None, "excerpt": None, "future": 1}))
    old = await escalations.get("o_old")
    assert old.openid == "o_old" and old.district is None
