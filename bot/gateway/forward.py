"""Forward one HTTP request unchanged to the Rasa server and bring its answer back.

Method, path, query string, headers and body go as they came (only the hop-by-hop headers,
which describe this connection and not the request, are left out), and the answer comes back
as Rasa wrote it (not decompressed). A request Rasa does not answer raises RasaUnreachable,
telling whether Rasa is gone (refused, reset: it died) or only late (timeout).
"""
from __future__ import annotations

import asyncio
from typing import Mapping

import aiohttp
from aiohttp import web
from multidict import CIMultiDict
from yarl import URL

# RFC 7230 6.1 plus the framing headers aiohttp writes itself from the body it sends.
HOP_BY_HOP = frozenset(name.lower() for name in (
    "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
    "Transfer-Encoding", "Upgrade", "Content-Length", "Expect"))
CONNECT_TIMEOUT_S = 2.0


class RasaUnreachable(Exception):
    def __init__(self, gone: bool, why: str):
        super().__init__(why)
        self.gone = gone  # True: connection refused or dropped; False: no answer in time


def end_to_end(headers: Mapping[str, str]) -> CIMultiDict:
    return CIMultiDict((name, value) for name, value in headers.items() if name.lower() not in HOP_BY_HOP)


def new_session() -> aiohttp.ClientSession:
    # No connection limit: the gateway must not queue what Rasa could take; no decompression:
    # the answer's bytes and Content-Encoding travel together, unchanged.
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), auto_decompress=False,
                                 cookie_jar=aiohttp.DummyCookieJar())


async def forward(session: aiohttp.ClientSession, upstream: URL, request: web.Request, body: bytes,
                  timeout: float) -> web.Response:
    target = URL(str(upstream).rstrip("/") + request.raw_path, encoded=True)
    try:
        async with session.request(request.method, target, headers=end_to_end(request.headers), data=body,
                                   allow_redirects=False,
                                   timeout=aiohttp.ClientTimeout(total=timeout, sock_connect=CONNECT_TIMEOUT_S)
                                   ) as answer:
            payload = await answer.read()
            return web.Response(status=answer.status, body=payload, headers=end_to_end(answer.headers))
    except asyncio.TimeoutError:
        raise RasaUnreachable(False, f"no answer within {timeout:.1f} s") from None
    except (aiohttp.ClientError, OSError) as error:
        raise RasaUnreachable(True, error.__class__.__name__) from None
