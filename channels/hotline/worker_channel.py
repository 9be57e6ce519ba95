"""The hotline as the core sees it (bot/worker_channels.py).

A call cannot be reached once it has ended, so a notice about a phone appeal is kept under the
caller's number, said at the start of their next call from it, and listed for staff to call
back (回访 by phone). Callers send no files and share no location.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Dict, List, Optional, Tuple

from redis.asyncio import Redis

from bot import worker_channels
from bot.appeals.phones import normalize_mobile
from bot.call_backs import CallBacks
from bot.redis_keys import RedisKeys
from bot.settings import Settings
from bot.worker_channels import MediaUnavailable
from channels.hotline.call_state import CallStore

SENDER_PREFIX = "hotline-"
# Appeals and the human queue take worker ids of letters, digits, '_' and '-' (up to 64).
PLAIN_CALL_ID = re.compile(r"[A-Za-z0-9_-]{1,56}")
NOTICES_KEPT = 10
NOTICE_TTL_S = 30 * 24 * 3600
HEARD_BY = "语音导航"  # the actor of a call-back closed because the caller heard the notice on a call


def sender_id(call_id: str) -> str:
    """Rasa's sender id of one call: each call is its own conversation (and transcript)."""
    if PLAIN_CALL_ID.fullmatch(call_id):
        return f"{SENDER_PREFIX}{call_id}"
    return f"{SENDER_PREFIX}{hashlib.sha256(call_id.encode()).hexdigest()[:32]}"


class HotlineNotices:
    """Notices kept per caller number for their next call, and the staff call-back list."""

    def __init__(self, redis: Redis, keys: RedisKeys):
        self._redis = redis
        self._keys = keys
        self.call_backs = CallBacks(redis, keys)

    async def keep(self, phone: str, ticket: str, text: str) -> None:
        key = self._keys.hotline_notices(phone)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, text)
            pipe.ltrim(key, -NOTICES_KEPT, -1)
            pipe.expire(key, NOTICE_TTL_S)
            await pipe.execute()
        await self.call_backs.add(ticket, phone, text)

    async def take(self, caller: str) -> List[str]:
        """The kept notices for this number, once (the caller heard them): their call-backs are done."""
        phone = normalize_mobile(caller) if caller else None
        if not phone:
            return []
        key = self._keys.hotline_notices(phone)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lrange(key, 0, -1)
            pipe.delete(key)
            texts, _ = await pipe.execute()
        if texts:
            await self.call_backs.heard(phone, HEARD_BY)
        return texts


class HotlineWorkers:
    name = "hotline"
    delivered_note = ""
    kept_note = "来电职工的通知已保存，将在其下次来电时播报，并列入电话回访名单。"
    asks_satisfaction = False
    by_phone = True

    def __init__(self, settings: Optional[Settings], connection: Optional[tuple] = None):
        if connection is None:
            settings = settings or Settings.from_env()
            connection = (Redis.from_url(settings.redis.url, decode_responses=True), RedisKeys(settings.key_prefix))
            self._owned = connection[0]
        else:
            self._owned = None
        self.notices = HotlineNotices(*connection)
        self._calls = CallStore(*connection)

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

    async def caller_phone(self, worker_id: str) -> Optional[str]:
        """The caller's number, from the call's state (a plain call id is in the worker id)."""
        call_id = worker_id.removeprefix(SENDER_PREFIX)
        if not self.owns(worker_id) or not PLAIN_CALL_ID.fullmatch(call_id):
            return None
        state = await self._calls.load(call_id)
        return normalize_mobile(state.caller) if state and state.caller else None

    async def close(self) -> None:
        if self._owned is not None:
            await self._owned.close()


worker_channels.register(HotlineWorkers.name, lambda settings, connection: HotlineWorkers(settings, connection))
