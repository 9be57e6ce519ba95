"""One conversation's events in Redis: an append-only list plus a small hash (async I/O only).

Per-turn cost is independent of history: a save is one script call that appends the new
events (checked against the count the caller read, so two writers can never interleave
silently), and a turn's read returns the snapshot and the window, indexed from the list's
tail (LRANGE with negative offsets costs the window's length, not the list's).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, AsyncIterator, Dict, List, Optional, Sequence

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

PAGE = 500  # events per LRANGE when reading whole histories

# KEYS: meta, events. ARGV: expected count, ttl seconds, new checkpoint ("" = unchanged),
# snapshot JSON, then the events. Returns the new count, or -1 - actual count on a conflict.
_APPEND = """
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
if count ~= tonumber(ARGV[1]) then return -1 - count end
local n = #ARGV - 4
for i = 5, #ARGV, 500 do
  redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 499, #ARGV)))
end
count = count + n
redis.call('HSET', KEYS[1], 'count', count)
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[1], 'checkpoint', ARGV[3], 'snapshot', ARGV[4])
elseif redis.call('HEXISTS', KEYS[1], 'checkpoint') == 0 then
  redis.call('HSET', KEYS[1], 'checkpoint', 0, 'snapshot', '[]')
end
local ttl = tonumber(ARGV[2])
redis.call('EXPIRE', KEYS[1], ttl)
if count > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
return count
"""

# KEYS: meta, events. Returns {count, checkpoint, snapshot, events since the checkpoint...}.
_WINDOW = """
local meta = redis.call('HMGET', KEYS[1], 'count', 'checkpoint', 'snapshot')
if not meta[1] then return false end
local count = tonumber(meta[1])
local checkpoint = tonumber(meta[2] or '0')
local result = {count, checkpoint, meta[3] or '[]'}
if count > checkpoint then
  local events = redis.call('LRANGE', KEYS[2], checkpoint - count, -1)
  for i = 1, #events do result[#result + 1] = events[i] end
end
return result
"""


class ConflictingWrite(RuntimeError):
    """Another writer appended to the conversation since it was read."""

    def __init__(self, actual: int):
        super().__init__(f"conversation has {actual} events, not the count read")
        self.actual = actual


@dataclass(frozen=True)
class Window:
    count: int  # events stored in all
    checkpoint: int  # index of the first event in `events`
    snapshot: List[Dict[str, Any]]  # the dialogue state at the checkpoint, as event dicts
    events: List[Dict[str, Any]]  # events[checkpoint:count]


class EventLog:
    def __init__(self, redis: Redis, keys: RedisKeys, ttl_s: int):
        self._redis = redis
        self._keys = keys
        self._ttl_s = ttl_s
        self._append = redis.register_script(_APPEND)
        self._window = redis.register_script(_WINDOW)

    @property
    def redis(self) -> Redis:
        return self._redis

    async def window(self, sender_id: str) -> Optional[Window]:
        raw = await self._window(keys=self._keys_of(sender_id))
        if not raw:
            return None
        count, checkpoint, snapshot, *events = raw
        return Window(int(count), int(checkpoint), json.loads(snapshot), [json.loads(e) for e in events])

    async def append(self, sender_id: str, expected: int, events: Sequence[Dict[str, Any]],
                     checkpoint: Optional[int] = None, snapshot: Sequence[Dict[str, Any]] = ()) -> int:
        """Append `events` if `expected` events are stored; returns the new count."""
        args = [expected, self._ttl_s, "" if checkpoint is None else checkpoint, _dumps(list(snapshot))]
        result = int(await self._append(keys=self._keys_of(sender_id), args=args + [_dumps(e) for e in events]))
        if result < 0:
            raise ConflictingWrite(-1 - result)
        return result

    async def count(self, sender_id: str) -> int:
        return int(await self._redis.hget(self._keys.tracker_meta(sender_id), "count") or 0)

    async def last_event(self, sender_id: str) -> Optional[Dict[str, Any]]:
        raw = await self._redis.lindex(self._keys.tracker_events(sender_id), -1)
        return json.loads(raw) if raw else None

    async def page(self, sender_id: str, start: int, stop: int) -> List[Dict[str, Any]]:
        """Events [start, stop) of the conversation (console pages, exports)."""
        if stop <= start:
            return []
        raw = await self._redis.lrange(self._keys.tracker_events(sender_id), start, stop - 1)
        return [json.loads(e) for e in raw]

    async def all_events(self, sender_id: str) -> List[Dict[str, Any]]:
        """The whole history, read page by page so no single reply is huge."""
        events: List[Dict[str, Any]] = []
        async for page in self.pages(sender_id):
            events.extend(page)
        return events

    async def pages(self, sender_id: str, size: int = PAGE) -> AsyncIterator[List[Dict[str, Any]]]:
        total, start = await self.count(sender_id), 0
        while start < total:
            page = await self.page(sender_id, start, min(total, start + size))
            if not page:
                return
            yield page
            start += len(page)

    async def exists(self, sender_id: str) -> bool:
        return bool(await self._redis.exists(self._keys.tracker_meta(sender_id)))

    async def has_key(self, key: str) -> bool:
        return bool(await self._redis.exists(key))

    async def senders(self) -> List[str]:
        """Every stored conversation (SCAN: for exports, never on the turn path)."""
        prefix = self._keys.tracker_meta("")
        return [key[len(prefix):] async for key in self._redis.scan_iter(self._keys.tracker_meta_pattern(), count=500)]

    async def import_history(self, sender_id: str, legacy_key: str, build) -> bool:
        """Move a legacy whole-tracker JSON into the log, atomically and at most once.

        `build(raw_json)` returns (events, checkpoint, snapshot). The legacy key is deleted in
        the same transaction that writes the log, so nothing is lost and nothing is doubled;
        if the log already exists the legacy key is left alone (returns False).
        """
        meta, events_key = self._keys_of(sender_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            await pipe.watch(meta, legacy_key)
            if await pipe.exists(meta) or not await pipe.exists(legacy_key):
                return False
            events, checkpoint, snapshot = build(await pipe.get(legacy_key))
            pipe.multi()
            pipe.delete(events_key)
            for start in range(0, len(events), PAGE):
                pipe.rpush(events_key, *[_dumps(e) for e in events[start:start + PAGE]])
            pipe.hset(meta, mapping={"count": len(events), "checkpoint": checkpoint, "snapshot": _dumps(snapshot)})
            pipe.expire(meta, self._ttl_s)
            if events:
                pipe.expire(events_key, self._ttl_s)
            pipe.delete(legacy_key)
            await pipe.execute()
        return True

    def _keys_of(self, sender_id: str) -> List[str]:
        return [self._keys.tracker_meta(sender_id), self._keys.tracker_events(sender_id)]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
