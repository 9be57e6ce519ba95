"""The webhook gateway on RASA_PORT, in front of the RASA_WORKERS Rasa servers on consecutive
ports from RASA_INTERNAL_PORT.

Why: a Rasa server that was killed takes minutes to load its model again, and WeChat gives up
on a message after three tries in about 15 s. This small process starts in a second and stays
up; it forwards every request unchanged to the next Rasa server in turn (upstreams.py: a
server that refuses the connection is skipped, the request goes to the next one), and when no
Rasa server can answer it answers itself:
- a channel's webhook: the channel's standby answer (`channels/<name>/standby.py`: WeChat's
  busy text and the human queue, the hotline's transfer to a person), after the same checks
  the channel makes (a forged request gets 403);
- anything else (Rasa's HTTP API, /status): 503 with a short JSON body.
A channel's request waits for Rasa only as long as its protocol allows (WeChat: 5 s in all).
"""
from __future__ import annotations

import asyncio
import ipaddress
import logging
from typing import Dict, List, Optional, Sequence, Tuple, Union

from aiohttp import web
from redis.asyncio import Redis
from yarl import URL

from bot.escalations import EscalationStore
from bot.follow_up import FollowUps
from bot.follow_up_spool import FollowUpSpool
from bot.gateway.forward import RasaRefused, RasaUnreachable, forward, new_session
from bot.gateway.standbys import Context, Route, load_standbys
from bot.gateway.upstreams import Upstreams
from bot.redis_keys import RedisKeys
from bot.settings import Settings

logger = logging.getLogger(__name__)

HEALTH_PATH = "/_gateway/health"
API_TIMEOUT_S = 600.0  # Rasa's API (the console, model loading) may legitimately take long
MAX_BODY_BYTES = 64 * 1024 * 1024  # forwarded as is; each channel applies its own, smaller limit
REDIS_CONNECT_TIMEOUT_S = 1.0
REDIS_TIMEOUT_S = 2.0
UNAVAILABLE = {"status": "unavailable", "message": "the Rasa server is restarting; try again shortly"}


MIN_ATTEMPT_S = 0.2  # a request moved to the next Rasa server gets at least this long


class Gateway:
    def __init__(self, settings: Settings, upstream: Union[None, URL, Sequence[URL]] = None):
        self.settings = settings
        self.upstreams = Upstreams(upstream_urls(settings, upstream))
        self.routes: Dict[Tuple[str, str], Route] = {}
        self._redis: Optional[Redis] = None
        self._session = None

    async def start(self, _app: web.Application) -> None:
        # Created inside the running loop; Redis connects on first use, so the gateway starts
        # (and forwards) even while Redis is down.
        settings = self.settings
        self._session = new_session()
        self._redis = Redis.from_url(settings.redis.url, decode_responses=True,
                                     socket_connect_timeout=REDIS_CONNECT_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S)
        keys = RedisKeys(settings.key_prefix)
        follow_ups = FollowUps(EscalationStore(self._redis, keys), FollowUpSpool(settings.follow_up_spool))
        self.routes = load_standbys(Context(settings, self._redis, keys, follow_ups))

    async def stop(self, _app: web.Application) -> None:
        if self._session is not None:
            await self._session.close()
        if self._redis is not None:
            await self._redis.close()

    async def health(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        route = self.routes.get((request.method, request.path))
        try:
            return await self._forward(request, body, route.timeout if route else API_TIMEOUT_S)
        except RasaUnreachable as failure:
            # Path only: a webhook's query string is a credential and never goes to a log.
            logger.warning("rasa unreachable (%s) for %s %s: the gateway answers", failure, request.method,
                           request.path)
            if route is None:
                return web.json_response(UNAVAILABLE, status=503)
            return await route.handle(request, body, failure)

    async def _forward(self, request: web.Request, body: bytes, timeout: float) -> web.Response:
        """To the next Rasa server in turn; on to the following one only when a server refused
        the connection (the request never reached it). Within the route's time in all."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        refusal: Optional[RasaRefused] = None
        for upstream in self.upstreams.order():
            try:
                answer = await forward(self._session, upstream, request, body,
                                       max(MIN_ATTEMPT_S, deadline - loop.time()))
            except RasaRefused as failure:
                self.upstreams.refused(upstream)
                refusal = failure
                continue
            self.upstreams.answered(upstream)
            return answer
        raise refusal


def upstream_urls(settings: Settings, given: Union[None, URL, Sequence[URL]]) -> List[URL]:
    """The Rasa servers: the given ones (tests), else one per port of settings.rasa_internal_ports."""
    if isinstance(given, URL):
        return [given]
    if given:
        return list(given)
    host = internal_host(settings.bind_host)
    return [URL(f"http://{host}:{port}") for port in settings.rasa_internal_ports]


def internal_host(bind_host: str) -> str:
    """Where this machine reaches a Rasa bound to `bind_host` (0.0.0.0 → loopback)."""
    address = ipaddress.ip_address(bind_host)
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    return f"[{address}]" if address.version == 6 else str(address)


def init_app(settings: Settings, upstream: Union[None, URL, Sequence[URL]] = None) -> web.Application:
    gateway = Gateway(settings, upstream)
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app["gateway"] = gateway
    app.on_startup.append(gateway.start)
    app.on_cleanup.append(gateway.stop)
    app.router.add_get(HEALTH_PATH, gateway.health)
    app.router.add_route("*", "/{tail:.*}", gateway.handle)
    return app
