"""The async lock store against a real Redis: one turn at a time per conversation, in order,
no blocking client, and a dead holder's ticket expires."""
from __future__ import annotations

import asyncio
import time
import uuid

import pytest
import redis

from bot.trackers.lock_store import AsyncRedisLockStore


@pytest.fixture
def locks(redis_server, monkeypatch):
    monkeypatch.setenv("KEY_PREFIX", "lk:")
    return AsyncRedisLockStore(redis_url=redis_server["url"])


async def test_turns_of_one_conversation_run_one_at_a_time_in_order(locks):
    cid, running, order = f"c_{uuid.uuid4().hex[:8]}", [], []

    async def turn(n: int):
        async with locks.lock(cid):
            running.append(n)
            assert len(running) == 1
            order.append(n)
            await asyncio.sleep(0.02)
            running.remove(n)

    tasks = []
    for n in range(8):
        tasks.append(asyncio.ensure_future(turn(n)))
        await asyncio.sleep(0.005)  # tickets are taken in arrival order
    await asyncio.gather(*tasks)
    assert order == list(range(8))


async def test_other_conversations_do_not_wait(locks):
    async with locks.lock("busy"):
        started = time.monotonic()
        async with locks.lock("other"):
            pass
        assert time.monotonic() - started < 0.1


async def test_released_locks_leave_no_keys_and_a_dead_holders_ticket_expires(locks, redis_server):
    raw = redis.Redis(port=redis_server["port"], decode_responses=True)
    cid = f"c_{uuid.uuid4().hex[:8]}"
    async with locks.lock(cid):
        pass
    assert raw.keys(f"lk:lock*:{cid}") == []
    # A holder that never releases (killed process): its ticket expires after the lifetime.
    stuck = locks.lock(cid, lock_lifetime=0.5)
    await stuck.__aenter__()
    started = time.monotonic()
    async with locks.lock(cid):
        waited = time.monotonic() - started
    assert 0.3 < waited < 2
    raw.close()
