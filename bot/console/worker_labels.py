"""How staff pages name a worker: the name on their newest appeal, else a short pseudonym.

The pseudonym (职工-3F9A) is an HMAC of the OpenID under a random key made once per
deployment and kept in Redis, so it is stable across restarts and pages, yet cannot be
turned back into the OpenID or recomputed by anyone holding only the OpenID. The OpenID
itself is never the label.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Iterable, Optional

from redis.asyncio import Redis

from bot.appeals import Appeal
from bot.redis_keys import RedisKeys

PREFIX = "职工-"
HEX_DIGITS = 4


class WorkerLabels:
    def __init__(self, redis: Redis, keys: RedisKeys):
        self._redis = redis
        self._keys = keys
        self._key: Optional[bytes] = None

    async def _secret(self) -> bytes:
        if self._key is None:
            key_name = self._keys.console_pseudonym_key()
            # NX: of two consoles starting at once, both end up with the first one's key.
            await self._redis.set(key_name, secrets.token_hex(32), nx=True)
            self._key = bytes.fromhex(await self._redis.get(key_name))
        return self._key

    async def pseudonym(self, owner: Optional[str]) -> str:
        """职工-XXXX for an OpenID (or a phone, for appeals filed off WeChat)."""
        digest = hmac.new(await self._secret(), (owner or "").encode(), hashlib.sha256).hexdigest()
        return PREFIX + digest[:HEX_DIGITS].upper()

    async def label(self, owner: Optional[str], appeals: Iterable[Appeal] = ()) -> str:
        """The name on the newest of `appeals` (those the viewer may see) that has one, else the pseudonym."""
        for appeal in sorted(appeals, key=lambda appeal: appeal.created_at, reverse=True):
            if appeal.name and appeal.name.strip():
                return appeal.name.strip()
        return await self.pseudonym(owner)

    async def for_appeal(self, appeal: Appeal) -> str:
        return await self.label(appeal.openid or appeal.phone, [appeal])
