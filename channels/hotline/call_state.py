"""What the hotline keeps in Redis: the call's state, each turn's answer (a retried turn gets
the first answer and runs nothing), used signatures (a replayed request is refused) and the
bot's answers that came after a turn's deadline."""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

CALL_TTL_S = 24 * 3600
TURN_TTL_S = 24 * 3600
SIGNATURE_TTL_S = 2 * 300 + 60  # longer than the timestamp window: a replay is refused either way
RUNNING = "running"
POLL_S = 0.05


@dataclass
class CallState:
    call_id: str
    caller: str = ""
    callee: str = ""
    started: float = 0.0
    no_inputs: int = 0
    misheard: int = 0  # speech not understood, in a row; 2 → the digit menu
    digits_only: bool = False
    awaiting: str = ""  # "", menu, confirm, phone_offer, phone, ticket, ticket_phone
    pending_text: str = ""  # what a low-confidence confirmation would send to the bot
    ticket: str = ""
    more: str = ""  # the rest of a long answer, for "详细"
    transferred: str = ""
    last_seq: int = 0  # the newest turn the flow handled: a late answer to an older one is stale
    transcript: List[Dict[str, Any]] = field(default_factory=list)

    def heard(self, who: str, text: str, **extra: Any) -> None:
        self.transcript.append({"who": who, "text": text, "at": time.time(), **extra})
        del self.transcript[:-200]


class CallStore:
    def __init__(self, redis: Redis, keys: RedisKeys):
        self.redis = redis
        self.keys = keys

    # --- replays and retries ------------------------------------------------------------
    async def first_use_of(self, signature: str) -> bool:
        return bool(await self.redis.set(self.keys.hotline_signature(signature), "1", nx=True, ex=SIGNATURE_TTL_S))

    async def claim_turn(self, call_id: str, seq: int) -> bool:
        return bool(await self.redis.set(self.keys.hotline_turn(call_id, seq), RUNNING, nx=True, ex=TURN_TTL_S))

    async def finish_turn(self, call_id: str, seq: int, answer: Dict[str, Any]) -> None:
        await self.redis.set(self.keys.hotline_turn(call_id, seq), json.dumps(answer, ensure_ascii=False),
                             ex=TURN_TTL_S)

    async def answer_of(self, call_id: str, seq: int, wait_s: float) -> Optional[Dict[str, Any]]:
        """The first attempt's answer, waiting up to `wait_s` while it is still running."""
        deadline = time.monotonic() + wait_s
        while True:
            raw = await self.redis.get(self.keys.hotline_turn(call_id, seq))
            if raw and raw != RUNNING:
                return json.loads(raw)
            if time.monotonic() >= deadline:
                return None
            await asyncio.sleep(POLL_S)

    # --- the call -----------------------------------------------------------------------
    async def load(self, call_id: str) -> Optional[CallState]:
        raw = await self.redis.get(self.keys.hotline_call(call_id))
        return CallState(**json.loads(raw)) if raw else None

    async def save(self, state: CallState) -> None:
        await self.redis.set(self.keys.hotline_call(state.call_id), json.dumps(asdict(state), ensure_ascii=False),
                             ex=CALL_TTL_S)

    # --- answers that came after the deadline ------------------------------------------
    def lock(self, call_id: str):
        # Long enough for a slow bot turn; a crashed holder's lock expires by itself.
        return self.redis.lock(self.keys.hotline_call_lock(call_id), timeout=60, blocking_timeout=60)

    async def expect_late(self, call_id: str) -> None:
        key = self.keys.hotline_late_pending(call_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(key, "count", 1)
            pipe.hsetnx(key, "since", str(time.time()))
            pipe.expire(key, CALL_TTL_S)
            await pipe.execute()

    async def put_late(self, call_id: str, seq: int, actions: List[Dict[str, Any]]) -> None:
        key = self.keys.hotline_late(call_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, json.dumps({"seq": seq, "actions": actions}, ensure_ascii=False))
            pipe.expire(key, CALL_TTL_S)
            pipe.hincrby(self.keys.hotline_late_pending(call_id), "count", -1)
            await pipe.execute()

    async def take_late(self, call_id: str, wait_s: float) -> Tuple[List[Dict[str, Any]], int, float]:
        """(the late answers ready, each once, as {"seq", "actions"}; how many are still being worked out; how long
        the oldest of those has kept the caller waiting), waiting up to `wait_s` for one."""
        key, pending_key = self.keys.hotline_late(call_id), self.keys.hotline_late_pending(call_id)
        deadline = time.monotonic() + wait_s
        while True:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.lrange(key, 0, -1)
                pipe.delete(key)
                pipe.hgetall(pending_key)
                answers, _, pending = await pipe.execute()
            count = int(pending.get("count") or 0)
            if count <= 0 and pending:
                await self.redis.delete(pending_key)  # all delivered: the next wait starts afresh
            if answers or count <= 0 or time.monotonic() >= deadline:
                waited = time.time() - float(pending.get("since") or time.time()) if count > 0 else 0.0
                return [json.loads(raw) for raw in answers], max(count, 0), waited
            await asyncio.sleep(POLL_S)
