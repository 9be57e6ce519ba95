"""Evidence a worker sends after filing goes to their open appeal, not just into storage.

While an appeal form is being filled in, media belong to that new appeal (the submit action
attaches them), so the form marks the worker as filing; otherwise a photo or file is attached
at once to the worker's newest open appeal and the reply names the ticket.
"""
from __future__ import annotations

from typing import Optional

from redis.asyncio import Redis

from bot.appeals.errors import AppealError
from bot.appeals.store import AppealStore
from bot.redis_keys import RedisKeys

FILING_MARK_S = 30 * 60  # a form left unfinished longer than this no longer holds media back


class FilingMarks:
    """Who is filling in an appeal form right now (one short-lived key per worker)."""

    def __init__(self, redis: Redis, keys: RedisKeys):
        self._redis = redis
        self._keys = keys

    async def start(self, openid: str) -> None:
        await self._redis.set(self._keys.appeal_filing(openid), "1", ex=FILING_MARK_S)

    async def stop(self, openid: str) -> None:
        await self._redis.delete(self._keys.appeal_filing(openid))

    async def filing(self, openid: str) -> bool:
        return bool(await self._redis.exists(self._keys.appeal_filing(openid)))


async def attach_to_open_appeal(store: AppealStore, marks: FilingMarks, openid: str, media: dict) -> Optional[str]:
    """The ticket the media was attached to, or None (filing now, no open appeal, or refused)."""
    if not openid or not media.get("media_id") or await marks.filing(openid):
        return None
    appeal = await store.newest_open(openid)
    if appeal is None:
        return None
    try:
        await store.attach_evidence(appeal.ticket_id, media)
    except AppealError:
        return None  # closed meanwhile, or already full: kept in the worker's media only
    return appeal.ticket_id
