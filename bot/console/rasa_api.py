"""The parts of Rasa's HTTP API the console uses: read a conversation, pause and resume it.

Rasa runs with `--enable-api --auth-token=…`; the token goes in the `token` query parameter.
"""
from __future__ import annotations

import logging
from urllib.parse import quote

import aiohttp

logger = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=10)


class RasaUnavailable(Exception):
    """Rasa could not be reached or refused the call; the message is for the log."""


class RasaClient:
    def __init__(self, http: aiohttp.ClientSession, base_url: str, token: str):
        self._http = http
        self._base = base_url.rstrip("/")
        self._token = token

    def _url(self, openid: str, tail: str) -> str:
        return f"{self._base}/conversations/{quote(openid, safe='')}/{tail}"

    async def tracker(self, openid: str) -> dict:
        """The conversation's tracker: events (user messages with parse_data, bot messages …) and slots."""
        return await self._call("GET", self._url(openid, "tracker"))

    async def pause(self, openid: str) -> None:
        await self._call("POST", self._url(openid, "tracker/events"), [{"event": "pause"}])

    async def resume(self, openid: str) -> None:
        await self._call("POST", self._url(openid, "tracker/events"), [{"event": "resume"}])

    async def _call(self, method: str, url: str, body=None) -> dict:
        if not self._token:
            raise RasaUnavailable("RASA_API_TOKEN is not set")
        try:
            async with self._http.request(method, url, params={"token": self._token}, json=body,
                                          timeout=TIMEOUT) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"{method} {response.url.path.split('/')[-1]}: HTTP {response.status}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailable(f"{method}: {error.__class__.__name__}") from None
