"""Internal notes staff keep on a worker's conversation (内部备注).

They live only here, in a Redis list per worker, and are shown only on console pages: no
code path hands them to the WeChat outbox or to Rasa. The list is one of the worker's
records (RedisKeys.worker_records), so export and erasure cover it.
"""
from __future__ import annotations

import json
import time
from typing import List

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

NOTE_MAX = 1000
KEPT = 200  # per worker, newest kept


class NoteError(ValueError):
    """A Chinese message for the staff member."""


class ConversationNotes:
    def __init__(self, redis: Redis, keys: RedisKeys):
        self._redis = redis
        self._keys = keys

    async def add(self, openid: str, staff: str, text: str) -> dict:
        text = (text or "").strip()
        if not text:
            raise NoteError("备注内容不能为空。")
        if len(text) > NOTE_MAX:
            raise NoteError(f"备注不能超过 {NOTE_MAX} 字。")
        note = {"at": time.time(), "staff": staff, "text": text}
        key = self._keys.console_conversation_notes(openid)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, json.dumps(note, ensure_ascii=False))
            pipe.ltrim(key, -KEPT, -1)
            await pipe.execute()
        return note

    async def list(self, openid: str) -> List[dict]:
        return [json.loads(raw) for raw in await self._redis.lrange(self._keys.console_conversation_notes(openid), 0, -1)]
