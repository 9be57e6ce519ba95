"""Which inbound messages are being, or have been, answered — shared by every process.

WeChat retries a message it got no answer to within 5 s, and a retry can arrive while the
first attempt is still running. The first attempt claims the message in Redis; a retry waits
for its outcome and may carry the finished passive reply back, so the bot runs once.
"""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Optional

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

# A running claim expires quickly, so a crash mid-turn does not block the key for long;
# a finished outcome is kept long enough to absorb WeChat's retries and late replays.
RUNNING_TTL_S = 60
DONE_TTL_S = 24 * 3600
POLL_INTERVAL_S = 0.1


@dataclass(frozen=True)
class Outcome:
    reply: Optional[str]  # the passive reply text, if the turn finished in time
    delivered_async: bool  # the answer went (or goes) through the customer-service API


class InboundLedger:
    def __init__(self, redis: Redis, keys: RedisKeys):
        self._redis = redis
        self._keys = keys

    async def claim(self, message_key: str) -> bool:
        """True for the first attempt at this message; False for a retry or a replay."""
        state = json.dumps({"state": "running", "since": time.time()})
        return bool(await self._redis.set(self._keys.wechat_dedup(message_key), state, nx=True, ex=RUNNING_TTL_S))

    async def finish(self, message_key: str, outcome: Outcome) -> None:
        state = {"state": "done", "reply": outcome.reply, "async": outcome.delivered_async}
        await self._redis.set(self._keys.wechat_dedup(message_key), json.dumps(state, ensure_ascii=False), ex=DONE_TTL_S)

    async def settle_unless_known(self, message_key: str, outcome: Outcome) -> None:
        """Record an outcome for a message answered while Redis was down, unless the ledger
        already knows the message (a claim or an outcome wins)."""
        state = {"state": "done", "reply": outcome.reply, "async": outcome.delivered_async}
        await self._redis.set(self._keys.wechat_dedup(message_key), json.dumps(state, ensure_ascii=False),
                              nx=True, ex=DONE_TTL_S)

    async def wait_for_outcome(self, message_key: str, timeout: float) -> Optional[Outcome]:
        deadline = time.monotonic() + timeout
        key = self._keys.wechat_dedup(message_key)
        while True:
            raw = await self._redis.get(key)
            state = json.loads(raw) if raw else None
            if state and state.get("state") == "done":
                return Outcome(state.get("reply"), bool(state.get("async")))
            if time.monotonic() >= deadline:
                return None
            await asyncio.sleep(POLL_INTERVAL_S)
