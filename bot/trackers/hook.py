"""The tracker store's part in personal-data requests and retention (bot/personal_data.py's
TrackerHook): export, erase and sweep whole conversations. Batch work, never on the turn path
(the sweep SCANs the key space).

Conversations also expire by themselves: every save refreshes an EXPIRE of RETENTION_DAYS on
the conversation's keys. The sweep removes silent ones at once when the cutoff is set shorter,
and old trackers still in Rasa's RedisTrackerStore format.
"""
from __future__ import annotations

import json
from typing import Optional

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys
from bot.trackers.event_log import EventLog


class EventLogTrackerHook:
    def __init__(self, redis: Redis, keys: RedisKeys, ttl_s: int):
        self._redis = redis
        self._keys = keys
        self._log = EventLog(redis, keys, ttl_s)

    async def export(self, openid: str) -> Optional[dict]:
        """Every event of the conversation (both storage formats), oldest first."""
        events = await self._log.all_events(openid)
        legacy = await self._redis.get(self._keys.legacy_tracker(openid))
        if legacy:
            events = (json.loads(legacy).get("events") or []) + events
        return {"sender_id": openid, "events": events} if events else None

    async def erase(self, openid: str) -> bool:
        removed = await self._redis.delete(
            self._keys.tracker_meta(openid), self._keys.tracker_events(openid), self._keys.legacy_tracker(openid),
            self._keys.conversation_lock(openid), self._keys.conversation_lock_counter(openid))
        return bool(removed)

    async def sweep(self, cutoff: float) -> int:
        """Delete conversations whose latest event is older than `cutoff` (Unix time)."""
        removed = 0
        for openid in await self._log.senders():
            last = await self._log.last_event(openid)
            if last is None or float(last.get("timestamp") or 0) < cutoff:
                removed += await self.erase(openid)
        prefix = RedisKeys.legacy_tracker("")
        async for key in self._redis.scan_iter(RedisKeys.legacy_tracker_pattern(), count=500):
            events = json.loads(await self._redis.get(key) or "{}").get("events") or []
            if not events or float(events[-1].get("timestamp") or 0) < cutoff:
                removed += await self.erase(key[len(prefix):])
        return removed
