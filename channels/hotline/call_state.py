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
    async def expect_late(self, call_id: str) -> None:
        await self.redis.set(self.keys.hotline_late(call_id), f"{RUNNING}:{time.time()}", ex=CALL_TTL_S)

    async def put_late(self, call_id: str, actions: List[Dict[str, Any]]) -> None:
        await self.redis.set(self.keys.hotline_late(call_id), json.dumps(actions, ensure_ascii=False), ex=CALL_TTL_S)

    async def take_late(self, call_id: str, wait_s: float) -> Tuple[Optional[List[Dict[str, Any]]], float]:
        """(a late answer, once; [] while it is still being worked out; None when none is
        expected) and for how many seconds the caller has been waiting for it."""
        key = self.keys.hotline_late(call_id)
        deadline = time.monotonic() + wait_s
        while True:
            raw = await self.redis.get(key)
            if raw is None:
                return None, 0.0
            if not raw.startswith(RUNNING):
                await self.redis.delete(key)
                return json.loads(raw), 0.0
            if time.monotonic() >= deadline:
                return [], time.time() - float(raw.partition(":")[2] or 0)
            await asyncio.sleep(POLL_S)
