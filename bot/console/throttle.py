"""Login throttling, counted before it is decided.

Every attempt is counted first, in one Lua script, and only then allowed or refused; so
fifty wrong passwords sent at once are fifty counts, and only the first few reach the
password check. Two counters per attempt:

- the account from this address: MAX_PER_ACCOUNT_AND_ADDRESS failures lock that pair only,
  so an attacker guessing one account locks out nobody else, not even that account's owner
  at another address;
- the account from everywhere: MAX_PER_ACCOUNT stops guessing spread over many addresses.
  Attempts already refused for their pair are not counted here, so one address alone can
  never lock an account for everyone.

Nothing is keyed by address alone: behind a reverse proxy (see TRUSTED_PROXIES) many staff
share one address, and one attacker must not lock all of them out. Counters live under a
hash of the subject (typed usernames never become key names) and expire with the window,
counted from the first attempt, so their number is bounded by the login rate times the window.
"""
from __future__ import annotations

import hashlib
from typing import Tuple

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

WINDOW_S = 15 * 60
MAX_PER_ACCOUNT_AND_ADDRESS = 5
MAX_PER_ACCOUNT = 30

# KEYS: pair, account · ARGV: window, pair limit → {pair count, account count (0: not counted)}
_COUNT_LUA = """
local function count(key)
  local n = redis.call('INCR', key)
  if n == 1 or redis.call('TTL', key) < 0 then redis.call('EXPIRE', key, ARGV[1]) end
  return n
end
local pair = count(KEYS[1])
if pair > tonumber(ARGV[2]) then return {pair, 0} end
return {pair, count(KEYS[2])}
"""
# KEYS: pair, account. A success clears the pair and takes its own count off the account.
_SUCCESS_LUA = """
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 1
"""


class LoginThrottle:
    def __init__(self, redis: Redis, keys: RedisKeys, window_s: int = WINDOW_S):
        self._redis = redis
        self._keys = keys
        self._window = window_s
        self._count = redis.register_script(_COUNT_LUA)
        self._success = redis.register_script(_SUCCESS_LUA)

    def _subjects(self, username: str, address: str) -> Tuple[str, str]:
        pair = hashlib.sha256(f"user\0{username.lower()}\0{address}".encode()).hexdigest()[:40]
        account = hashlib.sha256(f"account\0{username.lower()}".encode()).hexdigest()[:40]
        return self._keys.console_login_failures(pair), self._keys.console_login_failures(account)

    async def attempt(self, username: str, address: str) -> bool:
        """Count this attempt; True when the password may be checked, False when locked out."""
        pair, account = await self._count(keys=list(self._subjects(username, address)),
                                          args=[self._window, MAX_PER_ACCOUNT_AND_ADDRESS])
        return pair <= MAX_PER_ACCOUNT_AND_ADDRESS and 0 < account <= MAX_PER_ACCOUNT

    async def succeeded(self, username: str, address: str) -> None:
        await self._success(keys=list(self._subjects(username, address)))

    async def counts(self, username: str, address: str) -> Tuple[int, int]:
        """(this account from this address, this account from everywhere) in the window."""
        values = await self._redis.mget(list(self._subjects(username, address)))
        return tuple(int(value or 0) for value in values)
