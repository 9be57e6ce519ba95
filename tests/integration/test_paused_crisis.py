"""A crisis sent while the bot is paused (worker queued for staff), with a real Redis."""
from __future__ import annotations

import pytest
from redis.asyncio import Redis

from bot.escalations import EscalationStore
from bot.paused_crisis import help_lines, respond_to_paused_crisis
from bot.redis_keys import RedisKeys



@pytest.fixture
async def escalations(redis_server):
    client = Redis.from_url(redis_server["url"], decode_responses=True)
    yield EscalationStore(client, RedisKeys("paused:"))
    await client.close()


async def test_a_queued_worker_in_crisis_moves_to_the_front_with_an_alert(escalations):
    await escalations.escalate("o-early", "worker asked for a person", "normal")
    await escalations.escalate("o-late", "worker asked for a person", "normal")
    answer = await respond_to_paused_crisis(escalations, "o-late", "活着没意思 欠的钱也要不回来")
    assert "110" in answer and "120" in answer and "010-82951332" in answer
    assert (await escalations.get("o-late")).priority == "emergency"
    assert [e.openid for e in await escalations.waiting()][0] == "o-late"
    [alert] = [a for a in await escalations.alerts() if a["openid"] == "o-late"]
    assert alert["crisis_terms"] == ["活着没"]  # the evidence: what the rule matched


async def test_no_answer_when_not_a_crisis_or_not_paused(escalations):
    await escalations.escalate("o-calm", "worker asked for a person", "normal")
    assert await respond_to_paused_crisis(escalations, "o-calm", "累死了 什么时候有人") is None
    assert (await escalations.get("o-calm")).priority == "normal"
    # Not paused: the NLU and the actions answer it; nothing is done twice here.
    assert await respond_to_paused_crisis(escalations, "o-free", "我不想活了") is None
    assert await escalations.get("o-free") is None


def test_the_help_lines_come_from_the_domain():
    assert "010-82951332" in help_lines()
