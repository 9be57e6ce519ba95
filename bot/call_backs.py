"""The call-back list (回访 by phone): appeal notices a caller could not receive, for staff to
tell them by calling back.

A phone has no push: when staff move an appeal filed by phone, its channel keeps the notice
for the caller's next call and puts it here. One entry per ticket gathers its notices (what
to tell the caller) and keeps the time of the first (since when they have been waiting).
An entry leaves the list when staff reached the caller or when the caller heard the notices
at the start of a call; a call nobody answered is counted on the entry, which stays listed
for another try. Each call-back goes to a capped log. Recording is WATCH/MULTI on the entry,
so two staff recording the same call-back at once: one wins, the other is told.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, List, Optional

from redis.asyncio import Redis
from redis.exceptions import WatchError

from bot.redis_keys import RedisKeys

NOTICES_KEPT = 10
DONE_KEPT = 5000
OPEN_SHOWN = 500
NOTE_MAX = 500
MAX_ATTEMPTS = 20
# Outcome → how staff read it. "heard": the caller called again and the IVR said the notices.
OUTCOMES = {"reached": "已联系上", "no_answer": "未接通", "heard": "来电时已播报"}
STAFF_OUTCOMES = ("reached", "no_answer")


class CallBackError(ValueError):
    """Refused input; `code` for the console's Chinese message. Nothing was written."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class CallBack:
    ticket: str
    phone: str
    since: float
    notices: List[str] = field(default_factory=list)
    attempts: int = 0  # calls nobody answered so far
    last_attempt_at: Optional[float] = None
    # Set once recorded:
    outcome: Optional[str] = None
    note: str = ""
    actor: Optional[str] = None
    done_at: Optional[float] = None

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome or "", "")


class CallBacks:
    def __init__(self, redis: Redis, keys: RedisKeys, clock: Callable[[], float] = time.time):
        self._redis = redis
        self._keys = keys
        self._clock = clock

    async def add(self, ticket: str, phone: str, text: str) -> None:
        """A notice the caller of `ticket` should hear; the entry's `since` stays the first one's."""
        now, keys = self._clock(), self._keys
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hsetnx(keys.hotline_callback(ticket), "since", repr(now))
            pipe.hset(keys.hotline_callback(ticket), "phone", phone)
            pipe.rpush(keys.hotline_callback_notices(ticket), text)
            pipe.ltrim(keys.hotline_callback_notices(ticket), -NOTICES_KEPT, -1)
            pipe.zadd(keys.hotline_callbacks(), {ticket: now}, nx=True)
            await pipe.execute()

    async def open(self, limit: int = OPEN_SHOWN) -> List[CallBack]:
        """Open call-backs, longest waiting first."""
        tickets = await self._redis.zrange(self._keys.hotline_callbacks(), 0, limit - 1)
        found = [await self.get(ticket) for ticket in tickets]
        return [entry for entry in found if entry is not None]

    async def get(self, ticket: str) -> Optional[CallBack]:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(self._keys.hotline_callback(ticket))
            pipe.lrange(self._keys.hotline_callback_notices(ticket), 0, -1)
            meta, notices = await pipe.execute()
        if not meta:
            return None
        last = meta.get("last_attempt_at")
        return CallBack(ticket, meta.get("phone", ""), float(meta.get("since") or 0), notices,
                        int(meta.get("attempts") or 0), float(last) if last else None)

    async def done(self, limit: int = 100) -> List[CallBack]:
        raw = await self._redis.lrange(self._keys.hotline_callbacks_done(), 0, limit - 1)
        return [CallBack(**json.loads(item)) for item in raw]

    async def close(self, ticket: str, outcome: str, note: str, actor: str) -> CallBack:
        """Record a call-back: "reached" and "heard" take it off the list, "no_answer" counts an
        attempt and leaves it there. CallBackError "not_open" when it is no longer listed."""
        note = (note or "").strip()
        if outcome not in OUTCOMES:
            raise CallBackError("invalid_outcome")
        if len(note) > NOTE_MAX:
            raise CallBackError("invalid_note")
        keys = self._keys
        for _ in range(MAX_ATTEMPTS):
            async with self._redis.pipeline(transaction=True) as pipe:
                await pipe.watch(keys.hotline_callback(ticket), keys.hotline_callback_notices(ticket))
                entry = await self.get(ticket)
                if entry is None:
                    raise CallBackError("not_open")
                now = self._clock()
                entry.outcome, entry.note, entry.actor, entry.done_at = outcome, note, actor, now
                pipe.multi()
                if outcome == "no_answer":
                    entry.attempts += 1
                    pipe.hset(keys.hotline_callback(ticket), mapping={"attempts": entry.attempts,
                                                                       "last_attempt_at": repr(now)})
                else:
                    pipe.zrem(keys.hotline_callbacks(), ticket)
                    pipe.delete(keys.hotline_callback(ticket), keys.hotline_callback_notices(ticket))
                pipe.lpush(keys.hotline_callbacks_done(), json.dumps(asdict(entry), ensure_ascii=False))
                pipe.ltrim(keys.hotline_callbacks_done(), 0, DONE_KEPT - 1)
                try:
                    await pipe.execute()
                    return entry
                except WatchError:
                    continue  # a notice came in (or someone recorded it): judge again
        raise CallBackError("busy")

    async def heard(self, phone: str, actor: str) -> List[CallBack]:
        """The caller heard their kept notices at the start of a call: nobody needs to call back."""
        closed = []
        for entry in await self.open():
            if entry.phone == phone:
                try:
                    closed.append(await self.close(entry.ticket, "heard", "", actor))
                except CallBackError:
                    pass  # closed by staff meanwhile
        return closed
