"""Browser sessions kept in Redis, behind an HttpOnly, SameSite=Strict cookie.

The cookie holds a random 256-bit token; Redis holds the session under the token's SHA-256,
so a copy of the database does not hand out live sessions. Signing in rotates the token
(no session fixation); signing out deletes the session on the server. Sessions end after
IDLE_TTL_S without a request, and in any case MAX_AGE_S after signing in.

Nothing is stored for a visitor who has not signed in: the login form's CSRF token lives
only in its own cookie (double submit, SameSite=Strict), so anonymous requests cannot grow
Redis. Each account keeps an index of its sessions, so a password change or reset can end
all the others; a session revoked while one of its requests is in flight is never written
back (SET XX), so it cannot come back to life.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import time
from typing import Any, Awaitable, Callable, Optional

from aiohttp import web
from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"
IDLE_TTL_S = 2 * 60 * 60
MAX_AGE_S = 12 * 60 * 60

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Session:
    """One request's view of the session; written back only when something changed."""

    def __init__(self, token: Optional[str], data: Optional[dict], login_csrf: Optional[str] = None):
        # Only a signed-in session is stored; before that the token stays unset.
        self.token = token if data is not None else None
        self.data: dict = data if data is not None else {}
        self.changed = False
        self.old_token: Optional[str] = None
        self.invalidated = False
        self.login_csrf = login_csrf if login_csrf and len(login_csrf) <= 100 else None
        self.login_csrf_new = False

    @property
    def username(self) -> Optional[str]:
        return self.data.get("username")

    @property
    def csrf_token(self) -> str:
        """The token forms must send back (made on first use)."""
        if not self.username:
            if not self.login_csrf:
                self.login_csrf, self.login_csrf_new = secrets.token_urlsafe(32), True
            return self.login_csrf
        if "csrf" not in self.data:
            self["csrf"] = secrets.token_urlsafe(32)
        return self.data["csrf"]

    @property
    def expected_csrf(self) -> Optional[str]:
        """The token a POST must carry: the session's, or before signing in the login cookie's."""
        return self.data.get("csrf") if self.username else self.login_csrf

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value
        self.changed = True

    def pop(self, key: str, default: Any = None) -> Any:
        if key in self.data:
            self.changed = True
        return self.data.pop(key, default)

    def sign_in(self, username: str) -> None:
        """A fresh token and CSRF token for the signed-in user; the anonymous session ends."""
        self.old_token, self.token = self.token, None
        self.data = {"username": username, "auth_at": time.time(), "csrf": secrets.token_urlsafe(32)}
        self.changed = True

    def invalidate(self) -> None:
        self.invalidated = True

    def flash(self, text: str, level: str = "info") -> None:
        self["flash"] = [*self.data.get("flash", []), {"level": level, "text": text}]

    def take_flashes(self) -> list:
        return self.pop("flash", []) or []


class SessionStore:
    def __init__(self, redis: Redis, keys: RedisKeys):
        self._redis = redis
        self._keys = keys

    @staticmethod
    def _hash(token: str) -> str:
        return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()

    def _key(self, token: str) -> str:
        return self._keys.console_session(self._hash(token))

    async def load(self, token: Optional[str]) -> Optional[dict]:
        if not token or len(token) > 100:
            return None
        raw = await self._redis.get(self._key(token))
        if not raw:
            return None
        data = json.loads(raw)
        if not data.get("username"):
            return None  # stored by an older version for an anonymous visitor
        if time.time() - data.get("auth_at", 0) > MAX_AGE_S:
            await self.delete(token, data["username"])
            return None
        return data

    async def create(self, token: str, data: dict) -> None:
        """A session just signed in: stored and added to its account's index."""
        index = self._keys.console_account_sessions(data["username"])
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key(token), json.dumps(data, ensure_ascii=False), ex=IDLE_TTL_S)
            pipe.sadd(index, self._hash(token))
            pipe.expire(index, MAX_AGE_S)
            await pipe.execute()

    async def save(self, token: str, data: dict) -> bool:
        """Write back a changed session; False when it was revoked meanwhile (nothing written)."""
        return bool(await self._redis.set(self._key(token), json.dumps(data, ensure_ascii=False),
                                          ex=IDLE_TTL_S, xx=True))

    async def touch(self, token: str) -> None:
        await self._redis.expire(self._key(token), IDLE_TTL_S)

    async def delete(self, token: str, username: Optional[str] = None) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._key(token))
            if username:
                pipe.srem(self._keys.console_account_sessions(username), self._hash(token))
            await pipe.execute()

    async def revoke_all(self, username: str, keep: Optional[str] = None) -> int:
        """End every session of `username` but `keep` (a token); returns how many ended."""
        index = self._keys.console_account_sessions(username)
        kept = self._hash(keep) if keep else None
        hashes = [value for value in await self._redis.smembers(index) if value != kept]
        if not hashes:
            return 0
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(*(self._keys.console_session(value) for value in hashes))
            pipe.srem(index, *hashes)
            ended, _ = await pipe.execute()
        return ended


SESSION = "console.session"  # request key


def get_session(request: web.Request) -> Session:
    return request[SESSION]


def session_middleware(store_key: web.AppKey, secure: bool):
    """Load the session before the handler; save it and set the cookie after."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        store: SessionStore = request.app[store_key]
        token = request.cookies.get(COOKIE)
        session = Session(token, await store.load(token), request.cookies.get(LOGIN_CSRF_COOKIE))
        request[SESSION] = session
        try:
            response = await handler(request)
        except web.HTTPException as response_error:
            # Redirects and error pages still carry the session (flash messages, sign-in).
            await _finish(store, session, response_error, secure, token)
            raise
        await _finish(store, session, response, secure, token)
        return response

    return middleware


async def _finish(store: SessionStore, session: Session, response: web.StreamResponse,
                  secure: bool, sent_token: Optional[str]) -> None:
    if response.prepared:
        return  # a streamed response (media): nothing can be added any more
    cookie = {"path": "/", "httponly": True, "secure": secure, "samesite": "Strict"}
    if session.old_token:
        await store.delete(session.old_token)
    if session.invalidated:
        if session.token:
            await store.delete(session.token, session.username)
        response.del_cookie(COOKIE, path="/")
        return
    if not session.username:
        # Anonymous: nothing on the server; the login form's CSRF token only in its cookie.
        if session.login_csrf_new:
            response.set_cookie(LOGIN_CSRF_COOKIE, session.login_csrf, **cookie)
        return
    if session.token is None:
        session.token = secrets.token_urlsafe(32)
        await store.create(session.token, session.data)
        response.del_cookie(LOGIN_CSRF_COOKIE, path="/")
    elif session.changed:
        if not await store.save(session.token, session.data):
            response.del_cookie(COOKIE, path="/")  # revoked while this request ran
            return
    else:
        await store.touch(session.token)
    if session.token != sent_token:
        response.set_cookie(COOKIE, session.token, **cookie)
