"""Staff work orders in the store against a real Redis: concurrent corrections never lose one,
a merge writes both records in one transaction (two staff merging A→B and B→A at once: exactly
one wins), and the 承办人 index follows the case."""
from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest
import redis.asyncio as aioredis

from bot.appeals import AppealError, AppealStore
from bot.redis_keys import RedisKeys


@pytest.fixture
async def store(redis_server):
    client = aioredis.Redis.from_url(redis_server["url"], decode_responses=True)
    yield AppealStore(client, RedisKeys(f"wo{uuid4().hex[:8]}:"))
    await client.close(close_connection_pool=True)


async def filed(store, **extra):
    fields = dict(description="老板欠薪", category="wage_arrears", district="朝阳区", openid="oWorker1",
                  headcount=5000, group_wages=True)
    fields.update(extra)
    return await store.create(**fields)


async def test_concurrent_corrections_all_land(store):
    appeal = await filed(store)
    values = [str(n) for n in range(1, 31)]
    await asyncio.gather(*(store.edit_field(appeal.ticket_id, "amount", f"{v}元", f"核实{v}", f"staff:s{v}")
                           for v in values))
    stored = await store.get(appeal.ticket_id)
    assert sorted(entry["reason"] for entry in stored.worklog) == sorted(f"核实{v}" for v in values)
    # Each entry's "before" is the value the previous writer left: a chain, nothing lost.
    chain = [entry["before"] for entry in stored.worklog[1:]]
    assert chain == [entry["after"] for entry in stored.worklog[:-1]]
    assert stored.amount == stored.worklog[-1]["after"]


async def test_crossed_merges_cannot_both_win(store):
    for _ in range(10):
        first, second = await filed(store), await filed(store)
        results = await asyncio.gather(store.merge(first.ticket_id, second.ticket_id, "重复", "staff:a"),
                                       store.merge(second.ticket_id, first.ticket_id, "重复", "staff:b"),
                                       return_exceptions=True)
        won = [r for r in results if not isinstance(r, Exception)]
        lost = [r for r in results if isinstance(r, AppealError)]
        assert len(won) == 1 and len(lost) == 1, results
        a, b = await store.get(first.ticket_id), await store.get(second.ticket_id)
        assert sorted([a.status.value, b.status.value]) == ["merged", "submitted"]
        merged, kept = (a, b) if a.status.value == "merged" else (b, a)
        assert merged.merged_into == kept.ticket_id and kept.merged_from == [merged.ticket_id]


async def test_the_assignee_index_follows_assignment_and_transfer(store):
    appeal = await filed(store)
    await store.assign(appeal.ticket_id, "chaoyang", "staff:chaoyang")
    assert [a.ticket_id for a in await store.list(assignee="chaoyang")] == [appeal.ticket_id]
    await store.transfer(appeal.ticket_id, "海淀区", "单位在海淀", "staff:chaoyang")
    assert await store.list(assignee="chaoyang") == []
    assert [a.ticket_id for a in await store.list(queue="district:海淀区")] == [appeal.ticket_id]
    assert await store.list(queue="district:朝阳区") == []
    merged_away = await filed(store)
    await store.merge(merged_away.ticket_id, appeal.ticket_id, "重复", "staff:haidian")
    assert [a.ticket_id for a in await store.list(status="merged")] == [merged_away.ticket_id]
    assert merged_away.ticket_id not in [a.ticket_id for a in await store.overdue(now=10**12)]


async def test_a_merge_never_overwrites_a_correction_made_meanwhile(store):
    for _ in range(5):
        primary, duplicate = await filed(store), await filed(store)
        edits = [store.edit_field(primary.ticket_id, "amount", f"{n}元", f"核实{n}", "staff:a") for n in range(1, 9)]
        await asyncio.gather(store.merge(duplicate.ticket_id, primary.ticket_id, "重复", "staff:b"), *edits)
        kept = await store.get(primary.ticket_id)
        assert kept.merged_from == [duplicate.ticket_id]
        assert len([entry for entry in kept.worklog if entry["kind"] == "edit"]) == 8, "no correction lost"
