"""The async Redis client of the turn path (tracker store, lock store).

After Redis restarts, every pooled connection is dead; without a retry, the first command on
each one fails and that worker's turn is lost to the busy text. One immediate retry on a fresh
connection makes a restart invisible. The commands sent through it are safe to repeat: the
tracker append checks the stored count, a lock ticket that is issued twice simply expires.
"""
from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError


def async_client(url: str) -> Redis:
    return Redis.from_url(url, decode_responses=True, retry=Retry(NoBackoff(), 1),
                          retry_on_error=[RedisConnectionError])
