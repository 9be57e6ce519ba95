"""Internal notes staff keep on a worker's conversation (内部备注).

They live only here, in a Redis list per worker, and are shown only on console pages: no
code path hands them to the WeChat outbox or to Rasa. The list is one of the worker's
records (RedisKeys.worker_records), so export and erasure cover it.
"""
from __future__ import annotations

import time
from typing import List

from redis.asyncio import Redis

from bot.console.capped_list import CappedJsonList
from bot.redis_keys import RedisKeys

NOTE_MAX = 1000
KEPT = 200  # per worker, newest kept


class NoteError(ValueError):
    """A Chinese message for the staff member."""


class ConversationNotes:
    def __init__(self, redis: Redis, keys: RedisKeys):
        self._log = CappedJsonList(redis, keys.console_conversation_notes, KEPT)

    async def add(self, openid: str, staff: str, text: str) -> dict:
        text = (text or "").strip()
        if not text:
            raise NoteError("备注内容不能为空。")
        if len(text) > NOTE_MAX:
            raise NoteError(f"备注不能超过 {NOTE_MAX} 字。")
        return await self._log.append(openid, {"at": time.time(), "staff": staff, "text": text})

    async def list(self, openid: str) -> List[dict]:
        return await self._log.entries(openid)
