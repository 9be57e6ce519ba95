"""Browser sessions kept in Redis, behind an HttpOnly, SameSite=Strict cookie.

The cookie holds a random 256-bit token; Redis holds the session under the token's SHA-256,
so a copy of the database does not hand out live sessions. Signing in rotates the token
(no session fixation); signing out deletes the session on the server. Sessions end after
IDLE_TTL_S without a request, and in any case MAX_AGE_S after signing in.
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
ANONYMOUS_TTL_S = 30 * 60  # a login form left open
IDLE_TTL_S = 2 * 60 * 60
MAX_AGE_S = 12 * 60 * 60

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Session:
    """One request's view of the session; written back only when something changed."""

    def __init__(self, token: Optional[str], data: Optional[dict]):
        # A new session is stored only once something is put in it (a CSRF token for the
        # login form, a flash message): a bare request for a stylesheet writes nothing.
        self.token = token if data is not None else None
        self.data: dict = data if data is not None else {}
        self.changed = False
        self.old_token: Optional[str] = None
        self.invalidated = False

    @property
    def username(self) -> Optional[str]:
        return self.data.get("username")

    @property
    def csrf_token(self) -> str:
        if "csrf" not in self.data:
            self["csrf"] = secrets.token_urlsafe(32)
        return self.data["csrf"]

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

    def _key(self, token: str) -> str:
        return self._keys.console_session(hashlib.sha256(token.encode("ascii", "replace")).hexdigest())

    async def load(self, token: Optional[str]) -> Optional[dict]:
        if not token or len(token) > 100:
            return None
        raw = await self._redis.get(self._key(token))
        if not raw:
            return None
        data = json.loads(raw)
        if data.get("username") and time.time() - data.get("auth_at", 0) > MAX_AGE_S:
            await self.delete(token)
            return None
        return data

    async def save(self, token: str, data: dict) -> None:
        ttl = IDLE_TTL_S if data.get("username") else ANONYMOUS_TTL_S
        await self._redis.set(self._key(token), json.dumps(data, ensure_ascii=False), ex=ttl)

    async def touch(self, token: str) -> None:
        await self._redis.expire(self._key(token), IDLE_TTL_S)

    async def delete(self, token: str) -> None:
        await self._redis.delete(self._key(token))


SESSION = "console.session"  # request key


def get_session(request: web.Request) -> Session:
    return request[SESSION]


def session_middleware(store_key: web.AppKey, secure: bool):
    """Load the session before the handler; save it and set the cookie after."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        store: SessionStore = request.app[store_key]
        token = request.cookies.get(COOKIE)
        session = Session(token, await store.load(token))
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
    if session.old_token:
        await store.delete(session.old_token)
    if session.invalidated:
        if session.token:
            await store.delete(session.token)
        response.del_cookie(COOKIE, path="/")
        return
    if session.token is None:
        if not session.changed:
            return
        session.token = secrets.token_urlsafe(32)
    if session.changed:
        await store.save(session.token, session.data)
    elif session.username:
        await store.touch(session.token)
    if session.token != sent_token:
        response.set_cookie(COOKIE, session.token, path="/", httponly=True, secure=secure, samesite="Strict")
