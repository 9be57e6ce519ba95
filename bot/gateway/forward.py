"""Forward one HTTP request unchanged to the Rasa server and bring its answer back.

Method, path, query string, headers and body go as they came (only the hop-by-hop headers,
which describe this connection and not the request, are left out), and the answer comes back
as Rasa wrote it (not decompressed). A request Rasa does not answer raises RasaUnreachable,
telling whether Rasa is gone (refused, reset: it died) or only late (timeout). A refused
connection raises its subclass RasaRefused: that request never reached Rasa, so the gateway
may send it to another Rasa server; a connection dropped in the middle may have run part of a
turn, so it is never sent again (the channel's standby answers it).

A late request is not cut off: Sanic cancels a handler whose connection drops, and a WeChat
turn cancelled half way would never be settled in the ledger nor delivered. It goes on in the
background (`RasaUnreachable.late`), so Rasa finishes the turn as if nothing happened.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Mapping, Optional, Set

import aiohttp
from aiohttp import web
from multidict import CIMultiDict
from yarl import URL

logger = logging.getLogger(__name__)

# RFC 7230 6.1 plus the framing headers aiohttp writes itself from the body it sends.
HOP_BY_HOP = frozenset(name.lower() for name in (
    "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
    "Transfer-Encoding", "Upgrade", "Content-Length", "Expect"))
CONNECT_TIMEOUT_S = 2.0
LATE_LIMIT_S = 600.0  # a request Rasa holds longer than this is dropped after all
_late: Set[asyncio.Task] = set()  # running late requests (a task needs a reference to finish)


class RasaUnreachable(Exception):
    def __init__(self, gone: bool, why: str, late: Optional["asyncio.Future[web.Response]"] = None):
        super().__init__(why)
        self.gone = gone  # True: connection refused or dropped; False: no answer in time
        self.late = late  # when late: Rasa's answer, still to come (fails with RasaUnreachable)


class RasaRefused(RasaUnreachable):
    """The connection could not be made (refused: nothing listens): the request never arrived."""

    def __init__(self, why: str):
        super().__init__(True, why)


def end_to_end(headers: Mapping[str, str]) -> CIMultiDict:
    return CIMultiDict((name, value) for name, value in headers.items() if name.lower() not in HOP_BY_HOP)


def new_session() -> aiohttp.ClientSession:
    # No connection limit: the gateway must not queue what Rasa could take; no decompression:
    # the answer's bytes and Content-Encoding travel together, unchanged. A new connection per
    # request (a local connect costs well under a millisecond): a kept-alive connection to a
    # Rasa server that was just killed fails only once written to, and a request lost that way
    # cannot be told from one the server had started on, so it could not go to another server;
    # a fresh connection to a dead server is refused cleanly, and the request moves on.
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, force_close=True), auto_decompress=False,
                                 cookie_jar=aiohttp.DummyCookieJar())


async def forward(session: aiohttp.ClientSession, upstream: URL, request: web.Request, body: bytes,
                  timeout: float) -> web.Response:
    target = URL(str(upstream).rstrip("/") + request.raw_path, encoded=True)
    exchange = asyncio.ensure_future(_exchange(session, request.method, target, end_to_end(request.headers), body))
    try:
        return await asyncio.wait_for(asyncio.shield(exchange), timeout)
    except asyncio.TimeoutError:
        _late.add(exchange)
        exchange.add_done_callback(_finished_late)
        raise RasaUnreachable(False, f"no answer within {timeout:.1f} s", late=exchange) from None


async def _exchange(session: aiohttp.ClientSession, method: str, target: URL, headers: CIMultiDict,
                    body: bytes) -> web.Response:
    try:
        async with session.request(method, target, headers=headers, data=body, allow_redirects=False,
                                   timeout=aiohttp.ClientTimeout(total=LATE_LIMIT_S, sock_connect=CONNECT_TIMEOUT_S)
                                   ) as answer:
            payload = await answer.read()
            return web.Response(status=answer.status, body=payload, headers=end_to_end(answer.headers))
    except asyncio.TimeoutError:
        raise RasaUnreachable(False, "no answer at all") from None
    except aiohttp.ClientConnectorError as error:
        raise RasaRefused(error.__class__.__name__) from None
    except (aiohttp.ClientError, OSError) as error:
        raise RasaUnreachable(True, error.__class__.__name__) from None


def _finished_late(task: asyncio.Task) -> None:
    _late.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.info("a late request to Rasa ended without an answer: %s", task.exception())
