"""The human queue: conversations handed from the bot to union staff, and emergency alerts.

Actions add to it (request_human, repeated misunderstanding, sustained anger, emergencies);
the staff console reads it, takes conversations over and hands them back.
"""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict, dataclass, fields
from typing import Callable, List, Optional

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

PRIORITIES = {"emergency": 0, "urgent": 1, "normal": 2}
# The queue's score orders by priority, then by how long the worker has waited.
_PRIORITY_SPAN = 10 ** 11


@dataclass
class Escalation:
    openid: str
    reason: str
    priority: str
    since: float
    state: str = "waiting"  # waiting → taken → (removed when handed back)
    ticket_id: Optional[str] = None
    staff: Optional[str] = None
    excerpt: Optional[str] = None
    # The canonical district whose union staff may see the conversation (None: city only).
    district: Optional[str] = None


_FIELDS = {f.name for f in fields(Escalation)}


class EscalationStore:
    def __init__(self, redis: Redis, keys: RedisKeys, clock: Callable[[], float] = time.time):
        self._redis = redis
        self._keys = keys
        self._clock = clock

    async def escalate(self, openid: str, reason: str, priority: str = "normal",
                       ticket_id: Optional[str] = None, excerpt: Optional[str] = None,
                       district: Optional[str] = None) -> Escalation:
        """Queue the worker for a person; an existing escalation keeps its place unless this is more urgent.

        `district` decides which district union's staff see the conversation; when it is not
        given, the district of the appeal `ticket_id` (if any) is used.
        """
        if priority not in PRIORITIES:
            raise ValueError(f"unknown priority {priority!r}")
        current = await self.get(openid)
        if current and PRIORITIES[current.priority] <= PRIORITIES[priority]:
            return current
        since = current.since if current else self._clock()
        if district is None and ticket_id:
            district = await self._appeal_district(ticket_id)
        if district is None and current is not None:
            district = current.district
        escalation = Escalation(openid, reason, priority, since, ticket_id=ticket_id,
                                excerpt=(excerpt or "")[:200] or None, district=district)
        score = PRIORITIES[priority] * _PRIORITY_SPAN + since
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._keys.handoff(openid), json.dumps(asdict(escalation), ensure_ascii=False))
            pipe.zadd(self._keys.handoff_queue(), {openid: score})
            await pipe.execute()
        return escalation

    async def get(self, openid: str) -> Optional[Escalation]:
        raw = await self._redis.get(self._keys.handoff(openid))
        if not raw:
            return None
        # Unknown fields (a newer writer) are ignored so this reader never breaks on them.
        data = json.loads(raw)
        return Escalation(**{key: value for key, value in data.items() if key in _FIELDS})

    async def _appeal_district(self, ticket_id: str) -> Optional[str]:
        raw = await self._redis.get(self._keys.appeal(ticket_id))
        return json.loads(raw).get("district") if raw else None

    async def waiting(self, limit: int = 100) -> List[Escalation]:
        openids = await self._redis.zrange(self._keys.handoff_queue(), 0, limit - 1)
        found = [await self.get(openid) for openid in openids]
        return [e for e in found if e is not None]

    async def take(self, openid: str, staff: str) -> Optional[Escalation]:
        escalation = await self.get(openid)
        if escalation is None:
            return None
        escalation.state, escalation.staff = "taken", staff
        await self._redis.set(self._keys.handoff(openid), json.dumps(asdict(escalation), ensure_ascii=False))
        return escalation

    async def release(self, openid: str) -> None:
        """The conversation is handed back to the bot."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._keys.handoff(openid))
            pipe.zrem(self._keys.handoff_queue(), openid)
            await pipe.execute()

    async def alert(self, openid: str, text: str, ticket_id: Optional[str], crisis_terms: List[str]) -> dict:
        alert = {"id": uuid.uuid4().hex, "openid": openid, "text": text[:500], "ticket_id": ticket_id,
                 "crisis_terms": crisis_terms, "at": self._clock()}
        await self._redis.rpush(self._keys.alerts(), json.dumps(alert, ensure_ascii=False))
        return alert

    async def alerts(self, limit: int = 50) -> List[dict]:
        return [json.loads(raw) for raw in reversed(await self._redis.lrange(self._keys.alerts(), -limit, -1))]
