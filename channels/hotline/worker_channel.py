"""The hotline as the core sees it (bot/worker_channels.py).

A call cannot be reached once it has ended, so a notice about a phone appeal is kept under the
caller's number, said at the start of their next call from it, and listed for staff to call
back (回访 by phone). Callers send no files and share no location.
"""
from __future__ import annotations

import hashlib
import json
import re
import time
from typing import Any, Dict, List, Optional, Tuple

from redis.asyncio import Redis

from bot import worker_channels
from bot.redis_keys import RedisKeys
from bot.settings import Settings
from bot.worker_channels import MediaUnavailable

SENDER_PREFIX = "hotline-"
# Appeals and the human queue take worker ids of letters, digits, '_' and '-' (up to 64).
PLAIN_CALL_ID = re.compile(r"[A-Za-z0-9_-]{1,56}")
NOTICES_KEPT = 10
NOTICE_TTL_S = 30 * 24 * 3600


def sender_id(call_id: str) -> str:
    """Rasa's sender id of one call: each call is its own conversation (and transcript)."""
    if PLAIN_CALL_ID.fullmatch(call_id):
        return f"{SENDER_PREFIX}{call_id}"
    return f"{SENDER_PREFIX}{hashlib.sha256(call_id.encode()).hexdigest()[:32]}"


class HotlineNotices:
    """Notices kept per caller number, and the staff call-back list."""

    def __init__(self, redis: Redis, keys: RedisKeys):
        self._redis = redis
        self._keys = keys

    async def keep(self, phone: str, ticket: str, text: str) -> None:
        key = self._keys.hotline_notices(phone)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, text)
            pipe.ltrim(key, -NOTICES_KEPT, -1)
            pipe.expire(key, NOTICE_TTL_S)
            pipe.zadd(self._keys.hotline_callbacks(), {json.dumps({"phone": phone, "ticket": ticket},
                                                                  ensure_ascii=False): time.time()})
            await pipe.execute()

    async def take(self, phone: str) -> List[str]:
        """The kept notices for this number, once (the caller heard them)."""
        if not phone:
            return []
        key = self._keys.hotline_notices(phone)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lrange(key, 0, -1)
            pipe.delete(key)
            texts, _ = await pipe.execute()
        return texts

    async def callbacks(self, limit: int = 100) -> List[Dict[str, Any]]:
        raw = await self._redis.zrange(self._keys.hotline_callbacks(), 0, limit - 1, withscores=True)
        return [{**json.loads(item), "since": score} for item, score in raw]


class HotlineWorkers:
    name = "hotline"
    delivered_note = ""
    kept_note = "来电职工的通知已保存，将在其下次来电时播报，并列入电话回访名单。"
    asks_satisfaction = False

    def __init__(self, settings: Optional[Settings], connection: Optional[tuple] = None):
        if connection is None:
            settings = settings or Settings.from_env()
            connection = (Redis.from_url(settings.redis.url, decode_responses=True), RedisKeys(settings.key_prefix))
            self._owned = connection[0]
        else:
            self._owned = None
        self.notices = HotlineNotices(*connection)

    def owns(self, worker_id: str) -> bool:
        return bool(worker_id) and worker_id.startswith(SENDER_PREFIX)

    async def send_text(self, worker_id: str, text: str) -> bool:
        # The call is over (or never reachable by text): nothing is delivered now.
        return False

    async def tell_about_appeal(self, appeal: Any, text: str) -> bool:
        if appeal.phone:
            await self.notices.keep(appeal.phone, appeal.ticket_id, text)
        return False

    async def media(self, worker_id: str) -> List[Dict[str, Any]]:
        return []

    async def fetch_media(self, media_id: str) -> Tuple[bytes, str]:
        raise MediaUnavailable("电话来电没有文件。")

    async def location(self, worker_id: str) -> Optional[Dict[str, Any]]:
        return None

    async def close(self) -> None:
        if self._owned is not None:
            await self._owned.close()


worker_channels.register(HotlineWorkers.name, lambda settings, connection: HotlineWorkers(settings, connection))
