"""Customer-service messages to a worker, without ever losing the text.

WeChat allows a few customer-service messages per user-initiated window (45015 outside the
window, 45047 when the quota is used up). A text it refuses, or that cannot be sent for any
other reason, is kept in Redis and delivered with the reply to the worker's next message.
"""
from __future__ import annotations

import logging
from typing import List

import aiohttp
from redis.asyncio import Redis

from bot.redis_keys import RedisKeys
from channels.wechat.api_client import WeChatApiClient, WeChatApiError
from bot.log_privacy import pseudonym
from channels.wechat.replies import split_utf8

logger = logging.getLogger(__name__)
UNDELIVERED_TTL_S = 30 * 24 * 3600


class Outbox:
    def __init__(self, api: WeChatApiClient, redis: Redis, keys: RedisKeys):
        self._api = api
        self._redis = redis
        self._keys = keys

    async def send(self, openid: str, text: str) -> bool:
        """Send `text` (split past 2048 bytes); True when every part was delivered."""
        chunks = split_utf8(text)
        for index, chunk in enumerate(chunks):
            try:
                await self._api.send_text(openid, chunk)
            except (WeChatApiError, aiohttp.ClientError, TimeoutError) as error:
                # Keep this part and the rest, in order, for the worker's next message.
                logger.info("customer-service message to %s kept for later: %s", pseudonym(openid), _reason(error))
                await self.keep(openid, "\n".join(chunks[index:]))
                return False
        return True

    async def keep(self, openid: str, text: str) -> None:
        key = self._keys.wechat_undelivered(openid)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, text)
            pipe.expire(key, UNDELIVERED_TTL_S)
            await pipe.execute()

    async def take_undelivered(self, openid: str) -> List[str]:
        """Everything kept for this worker, oldest first, removed atomically."""
        key = self._keys.wechat_undelivered(openid)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lrange(key, 0, -1)
            pipe.delete(key)
            texts, _ = await pipe.execute()
        return list(texts)


def _reason(error: Exception) -> str:
    return f"errcode {error.errcode}" if isinstance(error, WeChatApiError) else error.__class__.__name__
