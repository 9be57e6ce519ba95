"""What staff wrote to a worker from the console, so the transcript shows it beside the bot's
messages (those go through the WeChat customer-service API, not through Rasa)."""
from __future__ import annotations

import time
from typing import List

from redis.asyncio import Redis

from bot.console.capped_list import CappedJsonList
from bot.redis_keys import RedisKeys

KEPT = 500  # per worker, newest kept


class StaffReplies:
    def __init__(self, redis: Redis, keys: RedisKeys):
        self._log = CappedJsonList(redis, keys.console_staff_replies, KEPT)

    async def add(self, openid: str, staff: str, text: str, delivered: bool) -> dict:
        return await self._log.append(openid, {"at": time.time(), "staff": staff, "text": text, "delivered": delivered})

    async def list(self, openid: str) -> List[dict]:
        return await self._log.entries(openid)
