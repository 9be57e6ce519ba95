"""The human queue under concurrent writers: every change is atomic, so two staff taking one
conversation at once never both hold it, and a racing escalation never loses the urgent one."""
import asyncio
import uuid

import pytest
from redis.asyncio import Redis

from bot.appeals import AppealStore
from bot.escalations import EscalationStore, EscalationTaken
from bot.redis_keys import RedisKeys


@pytest.fixture
async def stores(redis_server):
    # Separate connections per writer, as separate processes (console, action server) would have.
    clients = [Redis.from_url(redis_server["url"], decode_responses=True) for _ in range(2)]
    keys = RedisKeys(f"t{uuid.uuid4().hex[:8]}:")
    yield [EscalationStore(client, keys) for client in clients], AppealStore(clients[0], keys), clients[0], keys
    for client in clients:
        await client.close()


async def test_of_many_staff_taking_one_conversation_at_once_exactly_one_wins(stores):
    (first, second), _, _, _ = stores
    await first.escalate("o_race", "worker asked for a person")
    staff = [f"staff:s{n}" for n in range(20)]

    async def take(n: int):
        store = first if n % 2 else second
        try:
            return await store.take("o_race", staff[n])
        except EscalationTaken as held:
            return held

    outcomes = await asyncio.gather(*(take(n) for n in range(20)))
    winners = [o for o in outcomes if not isinstance(o, EscalationTaken)]
    losers = [o for o in outcomes if isinstance(o, EscalationTaken)]
    assert len(winners) == 1 and len(losers) == 19
    held = await first.get("o_race")
    assert held.state == "taken" and held.staff == winners[0].staff
    assert {loser.escalation.staff for loser in losers} == {held.staff}, "the losers are told who won"


async def test_the_holder_taking_again_is_a_no_op_and_an_admin_may_take_it_over(stores):
    (store, _), _, _, _ = stores
    await store.escalate("o_a", "asked")
    await store.take("o_a", "staff:wang")
    assert (await store.take("o_a", "staff:wang")).staff == "staff:wang"
    with pytest.raises(EscalationTaken):
        await store.take("o_a", "staff:li")
    assert (await store.take("o_a", "staff:admin", steal=True)).staff == "staff:admin"
    with pytest.raises(EscalationTaken):
        await store.release("o_a", "staff:wang")
    await store.release("o_a", "staff:admin")
    assert await store.get("o_a") is None


async def test_concurrent_escalations_keep_the_most_urgent_and_the_first_wait(stores):
    (first, second), _, client, keys = stores
    priorities = ["normal"] * 15 + ["emergency"] + ["urgent"] * 14
    await asyncio.gather(*((first if n % 2 else second).escalate("o_b", f"reason {n}", priority)
                           for n, priority in enumerate(priorities)))
    final = await first.get("o_b")
    assert final.priority == "emergency" and final.reason == "reason 15"
    assert await client.zcard(keys.handoff_queue()) == 1


async def test_a_more_urgent_escalation_does_not_take_the_conversation_from_its_staff(stores):
    (store, _), _, _, _ = stores
    await store.escalate("o_c", "asked", district="朝阳区")
    await store.take("o_c", "staff:wang")
    upgraded = await store.escalate("o_c", "emergency", "emergency")
    assert (upgraded.priority, upgraded.state, upgraded.staff, upgraded.district) == \
        ("emergency", "taken", "staff:wang", "朝阳区")


async def test_the_appeal_district_is_read_through_the_appeal_store(stores):
    (store, _), appeals, _, _ = stores
    appeal = await appeals.create(description="欠薪", district="海淀", openid="o_d")
    # A ticket typed with full-width characters is read as the store reads it.
    assert (await store.escalate("o_d", "asked", ticket_id=appeal.ticket_id.lower())).district == "海淀区"
