"""Evidence sent after filing, and 重办, against a real Redis."""
from __future__ import annotations

from uuid import uuid4

import pytest
import redis.asyncio as aioredis

from bot.appeals import AppealError, AppealStore, Status
from bot.appeals.evidence import FilingMarks, attach_to_open_appeal
from bot.redis_keys import RedisKeys

WORKER = "oWorker0000000000000000099"


@pytest.fixture
async def parts(redis_server):
    client = aioredis.Redis.from_url(redis_server["url"], decode_responses=True)
    keys = RedisKeys(f"t{uuid4().hex[:8]}:")
    yield AppealStore(client, keys), FilingMarks(client, keys), client, keys
    await client.close()


def photo(media_id: str) -> dict:
    return {"type": "image", "media_id": media_id, "title": None}


async def test_media_after_filing_goes_to_the_newest_open_appeal(parts):
    store, marks, _, _ = parts
    assert await attach_to_open_appeal(store, marks, WORKER, photo("m0")) is None  # nothing filed yet
    older = await store.create(description="欠薪两个月", district="朝阳区", openid=WORKER)
    newer = await store.create(description="不交社保", district="朝阳区", openid=WORKER)
    assert await attach_to_open_appeal(store, marks, WORKER, photo("m1")) == newer.ticket_id
    assert [e["media_id"] for e in (await store.get(newer.ticket_id)).evidence] == ["m1"]
    assert (await store.get(older.ticket_id)).evidence == []


async def test_media_while_filing_waits_for_the_new_appeal(parts):
    store, marks, client, keys = parts
    open_one = await store.create(description="欠薪两个月", openid=WORKER)
    await marks.start(WORKER)
    assert await attach_to_open_appeal(store, marks, WORKER, photo("m2")) is None
    assert 0 < await client.ttl(keys.appeal_filing(WORKER)) <= 30 * 60
    await marks.stop(WORKER)
    assert await attach_to_open_appeal(store, marks, WORKER, photo("m2")) == open_one.ticket_id


async def test_closed_appeals_take_no_more_evidence(parts):
    store, marks, _, _ = parts
    withdrawn = await store.create(description="欠薪两个月", openid=WORKER)
    await store.withdraw(withdrawn.ticket_id, openid=WORKER)
    assert await attach_to_open_appeal(store, marks, WORKER, photo("m3")) is None


async def test_reopen_moves_indexes_back_and_restarts_the_clock(parts):
    store, _, _, _ = parts
    appeal = await store.create(description="欠薪", district="丰台区", openid=WORKER)
    await store.transition(appeal.ticket_id, Status.ASSIGNED, "staff:li", assignee="李娜")
    await store.transition(appeal.ticket_id, Status.IN_PROGRESS, "staff:li")
    await store.transition(appeal.ticket_id, Status.RESOLVED, "staff:li")
    await store.record_satisfaction(appeal.ticket_id, 1, "钱还没到手呢", f"worker:{WORKER}")
    reopened = await store.reopen(appeal.ticket_id, f"worker:{WORKER}", "回访1分：钱还没到手呢")
    assert reopened.status is Status.ASSIGNED and reopened.reopened == 1 and reopened.assignee == "李娜"
    assert [a.ticket_id for a in await store.list(status=Status.ASSIGNED)] == [appeal.ticket_id]
    assert await store.list(status=Status.REVISITED) == []
    assert reopened.due_at is not None
    with pytest.raises(AppealError):
        await store.reopen(appeal.ticket_id, f"worker:{WORKER}", "again")  # 已派单 is not reopenable
