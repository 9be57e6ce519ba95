"""Rasa lock store on redis.asyncio: one conversation's turns run one at a time, in order.

Configured in bot/endpoints.yml as `lock_store: type: bot.trackers.lock_store.AsyncRedisLockStore`.

Rasa's RedisLockStore keeps a JSON list of tickets per conversation and reads and rewrites it
with a synchronous client several times per turn, on the event loop, and a waiting turn polls
it once a second. Here a ticket is a member of a per-conversation sorted set scored by its
expiry, taken and released by single script calls, and a waiting turn polls with a short,
growing interval. Cost per turn: three to four commands, independent of history and of the
number of conversations.

A holder that dies releases its place when its ticket expires, and that must be soon: with
several Rasa servers (bot/rasa_server.py) one can be killed in the middle of a turn, and the
worker's next message, served by another server, waits for that ticket. So a ticket lives only
LIVENESS_S unless its process keeps it alive (a heartbeat every HEARTBEAT_S while the turn waits
or runs), up to Rasa's lock lifetime in all, as before: a killed holder blocks its conversation
for about LIVENESS_S instead of a minute, and a live turn is never overtaken. Since heartbeats
move expiries, the order of turns is the tickets' numbers, not their scores.
"""
from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from redis.asyncio import Redis

from bot.redis_connection import async_client
from bot.redis_keys import RedisKeys
from bot.settings import Settings

FIRST_POLL_S = 0.01
MAX_POLL_S = 0.2
# A ticket's life without a heartbeat. Long enough for an event loop stalled by a busy CPU
# (a heartbeat missed is not a turn lost), short enough for the 10 s of recovery after a kill.
LIVENESS_S = 8.0
HEARTBEAT_S = 1.0

# KEYS: tickets, counter. ARGV: now, life (seconds until the next heartbeat must come).
# Returns the new ticket number. Scores are expiries; the keys outlive the longest ticket.
_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local ticket = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ticket)
local ttl = math.ceil(tonumber(ARGV[2])) + 1
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
return ticket
"""

# KEYS: tickets, counter. ARGV: now, ticket, life. The heartbeat: a live ticket expires later.
_KEEP = """
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], 'XX', tonumber(ARGV[1]) + tonumber(ARGV[3]), ARGV[2])
local ttl = math.ceil(tonumber(ARGV[3])) + 1
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
return 1
"""

# KEYS: tickets. ARGV: now, ticket. 1 = the ticket is first in line; 0 = wait; -1 = expired.
# Heartbeats move expiries, so the line is the order of ticket numbers (a handful at most).
_IS_FIRST = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return -1 end
local mine = tonumber(ARGV[2])
for _, ticket in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if tonumber(ticket) < mine then return 0 end
end
return 1
"""

# KEYS: tickets, counter. ARGV: ticket.
_RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2]) end
return 1
"""


class AsyncRedisLockStore(LockStore):
    def __init__(self, endpoint_config: Any = None, redis_url: Optional[Text] = None,
                 liveness: float = LIVENESS_S, heartbeat: float = HEARTBEAT_S) -> None:
        settings = Settings.from_env()
        self._liveness, self._heartbeat = liveness, heartbeat
        self._url = redis_url or settings.redis.url
        self._keys = RedisKeys(settings.key_prefix)
        self._redis: Optional[Redis] = None  # created on first use, inside the server's loop
        self._scripts: dict = {}
        self._loaded = False

    def _client(self) -> Redis:
        if self._redis is None:
            self._redis = async_client(self._url)
            self._scripts = {name: self._redis.register_script(body)
                             for name, body in (("take", _TAKE), ("keep", _KEEP), ("first", _IS_FIRST),
                                                ("release", _RELEASE))}
        return self._redis

    def _lock_keys(self, conversation_id: Text):
        return [self._keys.conversation_lock(conversation_id), self._keys.conversation_lock_counter(conversation_id)]

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        self._client()
        await self._load_scripts()
        keys = self._lock_keys(conversation_id)
        life = min(self._liveness, lock_lifetime)
        ticket = int(await self._scripts["take"](keys=keys, args=[time.time(), life]))
        # Kept alive while this process lives, for at most Rasa's lifetime (a hung turn still lets go).
        heartbeat = asyncio.ensure_future(self._keep_alive(keys, ticket, time.time() + lock_lifetime - life))
        try:
            await self._wait_for_turn(conversation_id, ticket)
            yield TicketLock(conversation_id)
        finally:
            heartbeat.cancel()
            await self._scripts["release"](keys=keys, args=[ticket])

    async def _load_scripts(self) -> None:
        """Into Redis before the first ticket: otherwise the first turns' calls each meet NOSCRIPT
        and load and retry, and Redis may number their tickets in another order than they asked."""
        if not self._loaded:
            for script in self._scripts.values():
                await self._redis.script_load(script.script)
            self._loaded = True

    async def _keep_alive(self, keys, ticket: int, until: float) -> None:
        while True:
            await asyncio.sleep(self._heartbeat)
            now = time.time()
            if now >= until:
                return
            try:
                if not int(await self._scripts["keep"](keys=keys, args=[now, ticket, min(self._liveness, until - now)])):
                    return
            except Exception:  # Redis hiccup: the next beat tries again; the turn itself reports errors
                continue

    async def _wait_for_turn(self, conversation_id: Text, ticket: int) -> None:
        pause = FIRST_POLL_S
        while True:
            state = int(await self._scripts["first"](keys=self._lock_keys(conversation_id)[:1],
                                                     args=[time.time(), ticket]))
            if state == 1:
                return
            if state < 0:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            await asyncio.sleep(pause)
            pause = min(MAX_POLL_S, pause * 2)

    # Rasa's synchronous ticket-lock API is not used by this store's `lock()`.
    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return None

    def delete_lock(self, conversation_id: Text) -> None:
        return None

    def save_lock(self, lock: TicketLock) -> None:
        return None
