"""What staff wrote to a worker from the console, so the transcript shows it beside the bot's
messages (those go through the WeChat customer-service API, not through Rasa)."""
from __future__ import annotations

import json
import time
from typing import List

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

KEPT = 500  # per worker, newest kept


class StaffReplies:
    def __init__(self, redis: Redis, keys: RedisKeys):
        self._redis = redis
        self._keys = keys

    async def add(self, openid: str, staff: str, text: str, delivered: bool) -> dict:
        reply = {"at": time.time(), "staff": staff, "text": text, "delivered": delivered}
        key = self._keys.console_staff_replies(openid)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, json.dumps(reply, ensure_ascii=False))
            pipe.ltrim(key, -KEPT, -1)
            await pipe.execute()
        return reply

    async def list(self, openid: str) -> List[dict]:
        return [json.loads(raw) for raw in await self._redis.lrange(self._keys.console_staff_replies(openid), 0, -1)]
