"""常用回复: texts admins prepare once and staff insert into a reply to a worker.

One Redis hash, reply id -> JSON. Admins create, edit and delete them (audited by the view);
staff only read them. Bad input raises CannedReplyError and writes nothing.
"""
from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import asdict, dataclass
from typing import List, Optional

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

TITLE_MAX = 30
TEXT_MAX = 1000  # the reply box's own limit (views_conversation.REPLY_MAX)
KEPT_MAX = 200
ID = re.compile(r"[0-9a-f]{12}")


class CannedReplyError(ValueError):
    """A Chinese message for the admin."""


@dataclass
class CannedReply:
    id: str
    title: str
    text: str
    updated_at: float
    updated_by: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def _checked(title: str, text: str) -> tuple:
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise CannedReplyError("请填写标题。")
    if len(title) > TITLE_MAX:
        raise CannedReplyError(f"标题不能超过 {TITLE_MAX} 字。")
    if not text:
        raise CannedReplyError("请填写回复内容。")
    if len(text) > TEXT_MAX:
        raise CannedReplyError(f"回复内容不能超过 {TEXT_MAX} 字。")
    return title, text


class CannedReplies:
    def __init__(self, redis: Redis, keys: RedisKeys):
        self._redis = redis
        self._key = keys.console_canned_replies()

    async def list(self) -> List[CannedReply]:
        found = [CannedReply(**json.loads(raw)) for raw in (await self._redis.hgetall(self._key)).values()]
        return sorted(found, key=lambda reply: reply.title)

    async def get(self, reply_id: Optional[str]) -> Optional[CannedReply]:
        if not ID.fullmatch(reply_id or ""):
            return None
        raw = await self._redis.hget(self._key, reply_id)
        return CannedReply(**json.loads(raw)) if raw else None

    async def create(self, title: str, text: str, by: str) -> CannedReply:
        title, text = _checked(title, text)
        if await self._redis.hlen(self._key) >= KEPT_MAX:
            raise CannedReplyError(f"常用回复最多 {KEPT_MAX} 条，请先删除不用的。")
        reply = CannedReply(uuid.uuid4().hex[:12], title, text, time.time(), by)
        await self._redis.hset(self._key, reply.id, reply.to_json())
        return reply

    async def update(self, reply_id: str, title: str, text: str, by: str) -> Optional[CannedReply]:
        """None when there is no such reply (deleted meanwhile): nothing is written then."""
        title, text = _checked(title, text)
        if await self.get(reply_id) is None:
            return None
        reply = CannedReply(reply_id, title, text, time.time(), by)
        await self._redis.hset(self._key, reply_id, reply.to_json())
        return reply

    async def delete(self, reply_id: str) -> bool:
        return bool(ID.fullmatch(reply_id or "")) and bool(await self._redis.hdel(self._key, reply_id))
