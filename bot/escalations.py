"""The human queue: conversations handed from the bot to union staff, and emergency alerts.

Actions add to it (request_human, repeated misunderstanding, sustained anger, emergencies);
the staff console reads it, takes conversations over and hands them back.

Every change is read-modify-write of one worker's record under WATCH/MULTI, retried when
another writer got there first (as in bot/appeals/store.py). So two staff pressing 接管 on
the same conversation at once never both win: the second is judged against the first's
write and told who holds it. Appeals are read only through the appeal store.
"""
from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import asdict, dataclass, fields, replace
from typing import Callable, List, Optional

from redis.asyncio import Redis
from redis.exceptions import WatchError

from bot.appeals import AppealStore
from bot.redis_keys import RedisKeys

PRIORITIES = {"emergency": 0, "urgent": 1, "normal": 2}
WAITING, TAKEN = "waiting", "taken"
# The queue's score orders by priority, then by how long the worker has waited.
_PRIORITY_SPAN = 10 ** 11
# Each conflict means another writer succeeded, so this bounds the wait, not correctness.
MAX_ATTEMPTS = 50


@dataclass
class Escalation:
    openid: str
    reason: str
    priority: str
    since: float
    state: str = WAITING  # waiting → taken → (removed when handed back)
    ticket_id: Optional[str] = None
    staff: Optional[str] = None
    excerpt: Optional[str] = None
    # The canonical district whose union staff may see the conversation (None: city only).
    district: Optional[str] = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


_FIELDS = {f.name for f in fields(Escalation)}


class EscalationTaken(Exception):
    """Another staff member holds the conversation; `escalation` says who."""

    def __init__(self, escalation: Escalation):
        super().__init__(escalation.staff)
        self.escalation = escalation


class EscalationBusy(Exception):
    """Too many concurrent writers on one record; the caller may retry."""


def _parse(raw: Optional[str]) -> Optional[Escalation]:
    if not raw:
        return None
    # Unknown fields (a newer writer) are ignored so this reader never breaks on them.
    return Escalation(**{key: value for key, value in json.loads(raw).items() if key in _FIELDS})


class EscalationStore:
    def __init__(self, redis: Redis, keys: RedisKeys, clock: Callable[[], float] = time.time,
                 appeals: Optional[AppealStore] = None):
        self._redis = redis
        self._keys = keys
        self._clock = clock
        self._appeals = appeals or AppealStore(redis, keys)

    async def escalate(self, openid: str, reason: str, priority: str = "normal",
                       ticket_id: Optional[str] = None, excerpt: Optional[str] = None,
                       district: Optional[str] = None) -> Escalation:
        """Queue the worker for a person; an existing escalation keeps its place unless this is more urgent.

        `district` decides which district union's staff see the conversation; when it is not
        given, the district of the appeal `ticket_id` (if any) is used. A more urgent reason
        raises the priority of a conversation already taken without taking it from its staff.
        """
        if priority not in PRIORITIES:
            raise ValueError(f"unknown priority {priority!r}")
        if district is None and ticket_id:
            appeal = await self._appeals.get(ticket_id)
            district = appeal.district if appeal is not None else None

        def change(current: Optional[Escalation]) -> Optional[Escalation]:
            if current and PRIORITIES[current.priority] <= PRIORITIES[priority]:
                return None
            return Escalation(
                openid, reason, priority, current.since if current else self._clock(),
                state=current.state if current else WAITING, ticket_id=ticket_id,
                staff=current.staff if current else None, excerpt=(excerpt or "")[:200] or None,
                district=district if district is not None or current is None else current.district)

        return await self._change(openid, change)

    async def get(self, openid: str) -> Optional[Escalation]:
        return _parse(await self._redis.get(self._keys.handoff(openid)))

    async def waiting(self, limit: int = 100) -> List[Escalation]:
        openids = await self._redis.zrange(self._keys.handoff_queue(), 0, limit - 1)
        found = [await self.get(openid) for openid in openids]
        return [e for e in found if e is not None]

    async def waiting_since_before(self, cutoff: float) -> List[str]:
        """OpenIDs queued before `cutoff` (retention): per priority, the score range below it."""
        found: List[str] = []
        for rank in PRIORITIES.values():
            low = rank * _PRIORITY_SPAN
            found += await self._redis.zrangebyscore(self._keys.handoff_queue(), low, f"({low + cutoff!r}")
        return found

    async def take(self, openid: str, staff: str, steal: bool = False) -> Optional[Escalation]:
        """The conversation is `staff`'s; None when nobody is waiting for a person.

        Raises EscalationTaken when someone else holds it, unless `steal` (an admin)."""

        def change(current: Optional[Escalation]) -> Optional[Escalation]:
            if current is None:
                return None
            if current.state == TAKEN and current.staff not in (None, staff) and not steal:
                raise EscalationTaken(current)
            if current.state == TAKEN and current.staff == staff:
                return None
            return replace(current, state=TAKEN, staff=staff)

        return await self._change(openid, change)

    async def untake(self, openid: str, staff: str) -> None:
        """Undo `take` (the bot could not be paused): waiting again, if `staff` still holds it."""

        def change(current: Optional[Escalation]) -> Optional[Escalation]:
            if current is None or current.state != TAKEN or current.staff != staff:
                return None
            return replace(current, state=WAITING, staff=None)

        await self._change(openid, change)

    async def release(self, openid: str, staff: Optional[str] = None) -> None:
        """The conversation is handed back to the bot. With `staff`, only if nobody else
        holds it (EscalationTaken otherwise); without, unconditionally (admins, retention)."""
        key = self._keys.handoff(openid)
        for attempt in range(MAX_ATTEMPTS):
            async with self._redis.pipeline(transaction=True) as pipe:
                await pipe.watch(key)
                current = _parse(await pipe.get(key))
                if staff is not None and current and current.state == TAKEN and current.staff != staff:
                    raise EscalationTaken(current)
                pipe.multi()
                pipe.delete(key)
                pipe.zrem(self._keys.handoff_queue(), openid)
                try:
                    await pipe.execute()
                    return
                except WatchError:
                    pass
            await _backoff(attempt)
        raise EscalationBusy(openid)

    async def alert(self, openid: str, text: str, ticket_id: Optional[str], crisis_terms: List[str]) -> dict:
        alert = {"id": uuid.uuid4().hex, "openid": openid, "text": text[:500], "ticket_id": ticket_id,
                 "crisis_terms": crisis_terms, "at": self._clock()}
        await self._redis.rpush(self._keys.alerts(), json.dumps(alert, ensure_ascii=False))
        return alert

    async def alerts(self, limit: int = 50) -> List[dict]:
        return [json.loads(raw) for raw in reversed(await self._redis.lrange(self._keys.alerts(), -limit, -1))]

    # --- internals ---------------------------------------------------------------------
    async def _change(self, openid: str,
                      change: Callable[[Optional[Escalation]], Optional[Escalation]]) -> Optional[Escalation]:
        """Apply `change` to the current record atomically (None from `change`: leave it)."""
        for attempt in range(MAX_ATTEMPTS):
            written, done = await self._try_change(openid, change)
            if done:
                return written
            await _backoff(attempt)
        raise EscalationBusy(openid)

    async def _try_change(self, openid: str, change) -> tuple:
        key = self._keys.handoff(openid)
        async with self._redis.pipeline(transaction=True) as pipe:
            await pipe.watch(key)
            current = _parse(await pipe.get(key))
            after = change(current)  # may raise: nothing written
            if after is None:
                return current, True
            pipe.multi()
            pipe.set(key, after.to_json())
            pipe.zadd(self._keys.handoff_queue(), {openid: PRIORITIES[after.priority] * _PRIORITY_SPAN + after.since})
            try:
                await pipe.execute()
            except WatchError:
                return None, False
            return after, True


async def _backoff(attempt: int) -> None:
    # Spread the retries so colliding writers do not collide again in lockstep.
    await asyncio.sleep(random.uniform(0, 0.002 * (attempt + 1)))
