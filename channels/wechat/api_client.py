"""Async client for the WeChat API calls the channel makes (aiohttp, never blocking).

One access token for all processes lives in Redis. It is fetched with `stable_token`
(which returns the same token while it is valid) by whoever holds the refresh lock; a call
rejected for a bad token (40001/42001/40014) refreshes once, under the lock, and retries once.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple, TypeVar

import aiohttp
from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

logger = logging.getLogger(__name__)
T = TypeVar("T")

TOKEN_ERRORS = {40001, 42001, 40014}
QUOTA_ERRORS = {45015, 45047}  # outside the 48 h window / quota for the window used up
TYPING_REFUSED = {45080, 45081}  # too late after the user's message / already typing
TOKEN_MARGIN_S = 300  # refresh five minutes before WeChat expires the token
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=5)
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


class WeChatApiError(Exception):
    def __init__(self, errcode: int, errmsg: str = ""):
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode = errcode


class WeChatApiClient:
    def __init__(self, base_url: str, appid: str, secret: str, redis: Redis, keys: RedisKeys):
        self._base = base_url.rstrip("/")
        self._appid = appid
        self._secret = secret
        self._redis = redis
        self._keys = keys
        self._session: Optional[aiohttp.ClientSession] = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=REQUEST_TIMEOUT)
        return self._session

    # --- access token -----------------------------------------------------------------
    async def access_token(self, stale: Optional[str] = None) -> str:
        """The shared token; with `stale`, a fresh one unless another process already replaced it."""
        key = self._keys.wechat_access_token(self._appid)
        cached = await self._redis.get(key)
        if cached and cached != stale:
            return cached
        async with self._redis.lock(self._keys.wechat_token_lock(self._appid), timeout=15, blocking_timeout=15):
            cached = await self._redis.get(key)
            if cached and cached != stale:
                return cached
            token, lifetime = await self._fetch_token(force_refresh=stale is not None)
            await self._redis.set(key, token, ex=max(60, lifetime - TOKEN_MARGIN_S))
            return token

    async def _fetch_token(self, force_refresh: bool) -> Tuple[str, int]:
        payload = {"grant_type": "client_credential", "appid": self._appid, "secret": self._secret,
                   "force_refresh": force_refresh}
        async with self._http().post(f"{self._base}/cgi-bin/stable_token", json=payload) as response:
            data = await response.json(content_type=None)
        if "access_token" not in data:
            raise WeChatApiError(int(data.get("errcode", -1)), data.get("errmsg", "no access_token"))
        return data["access_token"], int(data.get("expires_in", 7200))

    # --- calls ------------------------------------------------------------------------
    async def _authorized(self, send: Callable[[str], Awaitable[T]]) -> T:
        """`send(token)`; a bad-token error refreshes the token once (under the lock) and retries once."""
        token = await self.access_token()
        try:
            return await send(token)
        except WeChatApiError as error:
            if error.errcode not in TOKEN_ERRORS:
                raise
        return await send(await self.access_token(stale=token))

    async def _call(self, method: str, path: str, payload: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        async def send(token: str) -> Dict[str, Any]:
            async with self._http().request(method, f"{self._base}{path}", params={"access_token": token},
                                            data=_utf8_json(payload), headers=JSON_HEADERS) as response:
                return _checked(await response.json(content_type=None))

        return await self._authorized(send)

    async def send_text(self, openid: str, content: str) -> None:
        await self._call("POST", "/cgi-bin/message/custom/send",
                         {"touser": openid, "msgtype": "text", "text": {"content": content}})

    async def typing(self, openid: str) -> bool:
        """Show "正在输入"; False when WeChat's rules refuse it (that is not an error)."""
        try:
            await self._call("POST", "/cgi-bin/message/custom/typing", {"touser": openid, "command": "Typing"})
        except WeChatApiError as error:
            if error.errcode in TYPING_REFUSED:
                return False
            raise
        return True

    async def create_menu(self, menu: Dict[str, Any]) -> None:
        await self._call("POST", "/cgi-bin/menu/create", menu)

    async def download_media(self, media_id: str) -> Tuple[bytes, str]:
        """The bytes and content type of a temporary media file (image, voice, file)."""
        async def send(token: str) -> Tuple[bytes, str]:
            url = f"{self._base}/cgi-bin/media/get"
            async with self._http().get(url, params={"access_token": token, "media_id": media_id}) as response:
                content_type = response.headers.get("Content-Type", "")
                body = await response.read()
            if "json" in content_type or "text/plain" in content_type:
                _checked(_json(body))  # WeChat answers errors as JSON
            return body, content_type

        return await self._authorized(send)


def _utf8_json(payload: Optional[Dict[str, Any]]) -> Optional[bytes]:
    # WeChat refuses \uXXXX escapes in some APIs (menu/create: 40033): send UTF-8 as is.
    return None if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")


def _checked(data: Dict[str, Any]) -> Dict[str, Any]:
    errcode = int(data.get("errcode", 0) or 0)
    if errcode:
        raise WeChatApiError(errcode, data.get("errmsg", ""))
    return data


def _json(body: bytes) -> Dict[str, Any]:
    try:
        return json.loads(body)
    except ValueError:
        return {"errcode": -1, "errmsg": "unreadable response"}
