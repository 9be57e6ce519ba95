"""The parts that meet a Redis outage, against a real Redis that is stopped and started again:
the follow-up record (human queue, else the local spool, replayed later); and the start-up
check that refuses a server whose conversations would live in memory."""
from __future__ import annotations

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.domain import Domain
from redis.asyncio import Redis

from bot.escalations import EscalationStore
from bot.follow_up import REASON_SYSTEM_BUSY, FollowUps
from bot.follow_up_spool import FollowUpSpool
from bot.redis_keys import RedisKeys
from bot.redis_server import free_port, start_redis
from bot.tracker_store_check import TrackerStoreUnavailable, refuse_in_memory
from bot.trackers.store import EventLogTrackerStore

KEYS = RedisKeys("outage:")


@pytest.fixture
def redis_server(tmp_path):
    server = {"port": free_port(), "dir": tmp_path / "redis"}
    server["process"] = start_redis(server["port"], server["dir"])
    yield server
    server["process"].terminate()
    server["process"].wait(10)


def stop(server) -> None:
    server["process"].terminate()
    server["process"].wait(30)


def restart(server) -> None:
    server["process"] = start_redis(server["port"], server["dir"])


@pytest.fixture
async def redis_client(redis_server):
    client = Redis(port=redis_server["port"], decode_responses=True, socket_connect_timeout=1)
    yield client
    await client.close()


async def test_follow_up_queued_then_spooled_in_an_outage_and_replayed_once(redis_server, redis_client, tmp_path):
    escalations = EscalationStore(redis_client, KEYS)
    follow_ups = FollowUps(escalations, FollowUpSpool(tmp_path / "spool.jsonl"))
    assert await follow_ups.record("o_up", "你好", "k-up", "wechat") == "queued"
    assert (await escalations.get("o_up")).reason == REASON_SYSTEM_BUSY

    stop(redis_server)
    assert await follow_ups.record("o_down", "欠薪三个月", "k-down", "wechat") == "spooled"
    assert await follow_ups.record("o_down", "欠薪三个月", "k-down", "wechat") == "spooled"  # retry
    assert await follow_ups.answered_during_outage("k-down")
    marked = []

    async def mark(key):
        marked.append(key)

    assert await follow_ups.replay(mark) == 0  # Redis still down: nothing lost, nothing marked
    assert await follow_ups.answered_during_outage("k-down") and marked == []

    restart(redis_server)
    assert await follow_ups.replay(mark) == 1
    assert await follow_ups.replay(mark) == 0
    escalation = await escalations.get("o_down")
    assert escalation.reason == REASON_SYSTEM_BUSY and escalation.excerpt == "欠薪三个月"
    assert marked == ["k-down"] and not await follow_ups.answered_during_outage("k-down")
    assert [e.openid for e in await escalations.waiting()] == ["o_up", "o_down"]


def test_a_server_with_conversations_in_memory_is_refused(redis_server):
    with pytest.raises(TrackerStoreUnavailable):
        refuse_in_memory(Agent())  # what Rasa builds when the configured store does not import
    with pytest.raises(TrackerStoreUnavailable):
        refuse_in_memory(None)  # no agent loaded at all
    store = EventLogTrackerStore(domain=Domain.empty(), redis_url=f"redis://127.0.0.1:{redis_server['port']}/0")
    refuse_in_memory(Agent(tracker_store=store))  # the configured store passes
