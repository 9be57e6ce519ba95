"""A worker's captured messages under the personal-data rules (bot/personal_data.py): exported
and erased with the conversation on request, and swept past RETENTION_DAYS.

The stream holds no OpenID, only the keyed pseudonym (bot/capture/record.py); knowing the
OpenID of the request, the same key finds the worker's records. This wraps the conversation
hook (TrackerHook), so the console's export/erase and the retention sweep cover both without
a second code path.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from redis.asyncio import Redis

from bot.capture.record import decode, pseudonym
from bot.redis_keys import RedisKeys

PAGE = 1000


class CapturedMessagesHook:
    def __init__(self, conversations: Any, redis: Redis, keys: RedisKeys, pseudonym_key: bytes):
        self._conversations = conversations  # the TrackerHook of the conversation store
        self._redis = redis
        self._stream = keys.capture_stream()
        self._erasures = keys.capture_erasures()
        self._key = pseudonym_key

    async def _ids_of(self, openid: str) -> List[tuple]:
        sender, found, start = pseudonym(self._key, openid), [], "-"
        while True:
            batch = await self._redis.xrange(self._stream, min=start, max="+", count=PAGE)
            found += [(stream_id, fields) for stream_id, fields in batch if fields.get("sender") == sender]
            if len(batch) < PAGE:
                return found
            start = f"({batch[-1][0]}"

    async def export(self, openid: str) -> Optional[Dict[str, Any]]:
        conversation = await self._conversations.export(openid)
        captured = [decode(fields) for _, fields in await self._ids_of(openid)]
        if not captured:
            return conversation
        return {**(conversation or {"sender_id": openid}), "captured_messages": captured}

    async def erase(self, openid: str) -> bool:
        erased = await self._conversations.erase(openid)
        ids = [stream_id for stream_id, _ in await self._ids_of(openid)]
        if ids:
            await self._redis.xdel(self._stream, *ids)
            await self._redis.incr(self._erasures)  # the inbox's cache must not keep showing them
        return erased or bool(ids)

    async def sweep(self, cutoff: float) -> int:
        removed = await self._conversations.sweep(cutoff)
        await self._redis.xtrim(self._stream, minid=f"{int(cutoff * 1000)}-0", approximate=False)
        return removed
