"""A worker's newest entries of one kind (staff replies, internal notes) as JSON in one Redis
list, trimmed on every append so no list grows without bound."""
from __future__ import annotations

import json
from typing import Callable, List

from redis.asyncio import Redis


class CappedJsonList:
    def __init__(self, redis: Redis, key_of: Callable[[str], str], kept: int):
        self._redis = redis
        self._key_of = key_of
        self._kept = kept

    async def append(self, owner: str, entry: dict) -> dict:
        key = self._key_of(owner)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, json.dumps(entry, ensure_ascii=False))
            pipe.ltrim(key, -self._kept, -1)
            await pipe.execute()
        return entry

    async def entries(self, owner: str) -> List[dict]:
        return [json.loads(raw) for raw in await self._redis.lrange(self._key_of(owner), 0, -1)]
