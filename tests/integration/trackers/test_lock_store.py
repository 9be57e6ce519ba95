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


HOLDER = """
import asyncio, sys
from bot.trackers.lock_store import AsyncRedisLockStore

async def hold():
    locks = AsyncRedisLockStore(redis_url=sys.argv[1], liveness=1.5, heartbeat=0.3)
    async with locks.lock(sys.argv[2]):
        print("held", flush=True)
        await asyncio.sleep(600)

asyncio.run(hold())
"""


async def test_a_killed_holder_lets_the_next_turn_run_within_its_liveness(redis_server, monkeypatch):
    """A Rasa server killed in the middle of a turn (one of several): the worker's next message,
    on another server, waits for the dead ticket only until its heartbeat stops counting, not for
    Rasa's lock lifetime (60 s)."""
    import os
    import signal
    import subprocess
    import sys

    monkeypatch.setenv("KEY_PREFIX", "lk:")
    cid = f"c_{uuid.uuid4().hex[:8]}"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, redis_server["url"], cid], stdout=subprocess.PIPE,
                              env={**os.environ, "KEY_PREFIX": "lk:"})
    try:
        assert holder.stdout.readline().strip() == b"held"
        await asyncio.sleep(2.5)  # longer than its liveness: only the heartbeat keeps it
        locks = AsyncRedisLockStore(redis_url=redis_server["url"], liveness=1.5, heartbeat=0.3)
        waiting = asyncio.ensure_future(_timed_turn(locks, cid))
        await asyncio.sleep(1.0)
        assert not waiting.done(), "a live holder is never overtaken, however long its turn"
        holder.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        await waiting
        assert time.monotonic() - killed < 2.5, "the dead holder's ticket lapsed within its liveness"
    finally:
        holder.kill()
        holder.wait()


async def _timed_turn(locks, cid):
    async with locks.lock(cid):  # Rasa's default lifetime (60 s)
        pass


async def test_long_turns_keep_their_order_and_run_one_at_a_time(redis_server, monkeypatch):
    monkeypatch.setenv("KEY_PREFIX", "lk:")
    locks = AsyncRedisLockStore(redis_url=redis_server["url"], liveness=0.3, heartbeat=0.1)
    cid, running, order = f"c_{uuid.uuid4().hex[:8]}", [], []

    async def turn(n: int):
        async with locks.lock(cid):
            running.append(n)
            assert len(running) == 1
            order.append(n)
            await asyncio.sleep(0.5)  # longer than a ticket's liveness: heartbeats keep it
            running.remove(n)

    tasks = []
    for n in range(4):
        tasks.append(asyncio.ensure_future(turn(n)))
        await asyncio.sleep(0.02)
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3]
