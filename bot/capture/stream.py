"""Reading the capture stream (the records of bot/capture/record.py), newest first.

Parsing stream replies is the slow part (redis-py's parser: about 0.35 s per 1,000 records on
this machine under load), so the console keeps the newest records in memory (`RecentRecords`)
and reads only what is new on each page view. Records leave the cache as the stream is trimmed
(its first id moves) or when a worker's records are erased (the erasure counter changes).
"""
from __future__ import annotations

import asyncio
import collections
from typing import Any, Deque, Dict, List, Optional, Set, Tuple

from redis.asyncio import Redis

from bot.capture.record import decode
from bot.redis_keys import RedisKeys

PAGE = 1000


def _id(stream_id: str) -> Tuple[int, int]:
    milliseconds, _, sequence = stream_id.partition("-")
    return int(milliseconds), int(sequence or 0)


async def recent_records(redis: Redis, keys: RedisKeys, limit: int) -> List[Dict[str, Any]]:
    """Up to `limit` records, newest first, each once (a writer retry may have stored a record
    twice: the same `mid`). Each record gets its stream id as `id`."""
    records: List[Dict[str, Any]] = []
    seen = set()
    end = "+"
    while len(records) < limit:
        batch = await redis.xrevrange(keys.capture_stream(), max=end, min="-", count=PAGE)
        if not batch:
            break
        for stream_id, fields in batch:
            record = decode(fields)
            if record["mid"] and record["mid"] in seen:
                continue
            seen.add(record["mid"])
            records.append({**record, "id": stream_id})
        if len(batch) < PAGE:
            break
        end = f"({batch[-1][0]}"
    return records[:limit]


class RecentRecords:
    """The newest `limit` records in memory, topped up with what is new at each read."""

    def __init__(self, redis: Redis, keys: RedisKeys, limit: int):
        self._redis = redis
        self._keys = keys
        self._limit = limit
        self._records: Deque[Dict[str, Any]] = collections.deque()  # oldest first
        self._mids: Set[str] = set()
        self._last_id: Optional[str] = None
        self._erasures: Optional[str] = None
        self._lock = asyncio.Lock()

    async def newest_first(self) -> List[Dict[str, Any]]:
        async with self._lock:
            erasures = await self._redis.get(self._keys.capture_erasures())
            if self._last_id is None or erasures != self._erasures:
                await self._reload()
                self._erasures = erasures
            else:
                await self._top_up()
            await self._drop_trimmed()
            return list(reversed(self._records))

    async def _reload(self) -> None:
        self._records.clear()
        self._mids.clear()
        for record in reversed(await recent_records(self._redis, self._keys, self._limit)):
            self._append(record)
        self._last_id = self._records[-1]["id"] if self._records else "0-0"

    async def _top_up(self) -> None:
        while True:
            batch = await self._redis.xrange(self._keys.capture_stream(), min=f"({self._last_id}", max="+",
                                             count=PAGE)
            for stream_id, fields in batch:
                self._append({**decode(fields), "id": stream_id})
                self._last_id = stream_id
            if len(batch) < PAGE:
                return

    def _append(self, record: Dict[str, Any]) -> None:
        if record["mid"] and record["mid"] in self._mids:
            # A writer retry stored it twice: keep the newer copy, the one trimming removes last
            # (rare, so a linear search is fine).
            self._records = collections.deque(r for r in self._records if r["mid"] != record["mid"])
        self._mids.add(record["mid"])
        self._records.append(record)
        while len(self._records) > self._limit:
            self._mids.discard(self._records.popleft()["mid"])

    async def _drop_trimmed(self) -> None:
        first = await self._redis.xrange(self._keys.capture_stream(), count=1)
        oldest = _id(first[0][0]) if first else None
        while self._records and (oldest is None or _id(self._records[0]["id"]) < oldest):
            self._mids.discard(self._records.popleft()["mid"])
