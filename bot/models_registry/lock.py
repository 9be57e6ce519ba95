"""One training at a time: a Redis lock with an owner (the run id) and a TTL.

The trainer refreshes the TTL while it runs; if it dies (kill -9, power cut) the lock expires
by itself within TTL seconds, so a crash never blocks retraining for good. Refresh and release
check the owner atomically, so a run whose lock expired cannot release or extend another's.
"""
from __future__ import annotations

from typing import Optional

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

TTL_SECONDS = 60
REFRESH_SECONDS = 15

_IF_OWNER_EXPIRE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_IF_OWNER_DELETE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class TrainingLock:
    def __init__(self, redis: Redis, keys: RedisKeys, ttl: int = TTL_SECONDS):
        self._redis = redis
        self._key = keys.training_lock()
        self._ttl_ms = ttl * 1000

    async def acquire(self, owner: str) -> bool:
        return bool(await self._redis.set(self._key, owner, nx=True, px=self._ttl_ms))

    async def refresh(self, owner: str) -> bool:
        """False when the lock is no longer ours (expired, or released by a cancel)."""
        return bool(await self._redis.eval(_IF_OWNER_EXPIRE, 1, self._key, owner, self._ttl_ms))

    async def release(self, owner: str) -> bool:
        return bool(await self._redis.eval(_IF_OWNER_DELETE, 1, self._key, owner))

    async def holder(self) -> Optional[str]:
        return await self._redis.get(self._key)


def keep_alive(redis_sync, keys: RedisKeys, owner: str, stop, ttl: int = TTL_SECONDS,
               every: float = REFRESH_SECONDS) -> None:
    """Thread body for the trainer: refresh the lock until `stop` (a threading.Event) is set.
    A thread, not a task: loading and running TensorFlow holds the trainer's event loop for
    longer than the TTL. Stops refreshing once the lock is not ours any more (cancelled)."""
    while not stop.wait(every):
        if not redis_sync.eval(_IF_OWNER_EXPIRE, 1, keys.training_lock(), owner, ttl * 1000):
            return
