"""Login throttling: too many failures for one username from one address, or from one
address over all usernames, lock that pair (or address) out for the rest of the window.

Counters live in Redis under a hash of the subject (usernames typed into the form never
become key names) and expire with the window, counted from the first failure.
"""
from __future__ import annotations

import hashlib
from typing import Tuple

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

WINDOW_S = 15 * 60
MAX_PER_USER_AND_ADDRESS = 5
MAX_PER_ADDRESS = 30  # password spraying over many usernames from one place


class LoginThrottle:
    def __init__(self, redis: Redis, keys: RedisKeys, window_s: int = WINDOW_S):
        self._redis = redis
        self._keys = keys
        self._window = window_s

    def _subjects(self, username: str, address: str) -> Tuple[str, str]:
        pair = hashlib.sha256(f"user\0{username.lower()}\0{address}".encode()).hexdigest()[:40]
        alone = hashlib.sha256(f"addr\0{address}".encode()).hexdigest()[:40]
        return self._keys.console_login_failures(pair), self._keys.console_login_failures(alone)

    async def blocked(self, username: str, address: str) -> bool:
        pair_key, address_key = self._subjects(username, address)
        pair, alone = await self._redis.mget([pair_key, address_key])
        return int(pair or 0) >= MAX_PER_USER_AND_ADDRESS or int(alone or 0) >= MAX_PER_ADDRESS

    async def failed(self, username: str, address: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            for key in self._subjects(username, address):
                # SET NX EX starts the window at the first failure; INCR keeps the TTL.
                pipe.set(key, 0, ex=self._window, nx=True)
                pipe.incr(key)
            await pipe.execute()

    async def succeeded(self, username: str, address: str) -> None:
        await self._redis.delete(self._subjects(username, address)[0])
