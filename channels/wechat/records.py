"""What the channel remembers about a worker: media sent, last location, subscription."""
from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

MEDIA_KEPT = 50  # newest media ids per worker (WeChat keeps temporary media for 3 days)


class WeChatRecords:
    def __init__(self, redis: Redis, keys: RedisKeys):
        self._redis = redis
        self._keys = keys

    async def apply(self, openid: str, record: Dict[str, Any]) -> None:
        if "media" in record:
            await self.add_media(openid, record["media"])
        if "location" in record:
            await self.set_location(openid, record["location"])
        if "follow" in record:
            await self.follow(openid, record["follow"].get("scene"))
        if record.get("unfollow"):
            await self.unfollow(openid)

    async def add_media(self, openid: str, media: Dict[str, Any]) -> None:
        key = self._keys.wechat_media(openid)
        entry = json.dumps({**media, "at": time.time()}, ensure_ascii=False)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, entry)
            pipe.ltrim(key, -MEDIA_KEPT, -1)
            await pipe.execute()

    async def media(self, openid: str) -> List[Dict[str, Any]]:
        return [json.loads(raw) for raw in await self._redis.lrange(self._keys.wechat_media(openid), 0, -1)]

    async def set_location(self, openid: str, location: Dict[str, Any]) -> None:
        value = json.dumps({**location, "at": time.time()}, ensure_ascii=False)
        await self._redis.set(self._keys.wechat_location(openid), value)

    async def location(self, openid: str) -> Optional[Dict[str, Any]]:
        raw = await self._redis.get(self._keys.wechat_location(openid))
        return json.loads(raw) if raw else None

    async def follow(self, openid: str, scene: Optional[str]) -> None:
        fields = {"subscribed": "1", "since": str(time.time())}
        if scene:
            fields["scene"] = scene
        await self._redis.hset(self._keys.wechat_follower(openid), mapping=fields)

    async def unfollow(self, openid: str) -> None:
        await self._redis.hset(self._keys.wechat_follower(openid),
                               mapping={"subscribed": "0", "until": str(time.time())})

    async def follower(self, openid: str) -> Dict[str, str]:
        return await self._redis.hgetall(self._keys.wechat_follower(openid))
