"""The webhook gateway on RASA_PORT, in front of the Rasa server on RASA_INTERNAL_PORT.

Why: a Rasa server that was killed takes minutes to load its model again, and WeChat gives up
on a message after three tries in about 15 s. This small process starts in a second and stays
up; it forwards every request unchanged, and when Rasa cannot be reached it answers itself:
- WeChat (`/webhooks/wechat/webhook`): the URL check, and each verified message gets the busy
  text passively while the worker goes into the human queue (channels/wechat/standby.py);
- the hotline (`/webhooks/hotline/webhook`): a verified turn is transferred to a person
  (channels/hotline/standby.py);
- anything else (Rasa's HTTP API, /status): 503 with a short JSON body.
A channel request waits for Rasa only as long as its protocol allows (WeChat: 5 s in all).
"""
from __future__ import annotations

import ipaddress
import logging
from typing import Optional

from aiohttp import web
from redis.asyncio import Redis
from yarl import URL

from bot.escalations import EscalationStore
from bot.follow_up import FollowUps
from bot.follow_up_spool import FollowUpSpool
from bot.gateway.forward import RasaUnreachable, forward, new_session
from bot.redis_keys import RedisKeys
from bot.settings import Settings
from channels.hotline.standby import HotlineStandby
from channels.wechat.ledger import InboundLedger
from channels.wechat.records import WeChatRecords
from channels.wechat.standby import WeChatStandby

logger = logging.getLogger(__name__)

HEALTH_PATH = "/_gateway/health"
WECHAT_PATH = "/webhooks/wechat/webhook"
HOTLINE_PATH = "/webhooks/hotline/webhook"
# WeChat waits 5 s for an answer: Rasa's channel answers within WECHAT_REPLY_DEADLINE, and what
# is left of the 5 s is the gateway's time to answer itself.
WECHAT_LIMIT_S = 4.6
WECHAT_MARGIN_S = 0.5
HOTLINE_MARGIN_S = 0.5
VERIFY_TIMEOUT_S = 3.0
API_TIMEOUT_S = 600.0  # Rasa's API (the console, model loading) may legitimately take long
MAX_BODY_BYTES = 64 * 1024 * 1024  # forwarded as is; each channel applies its own, smaller limit
REDIS_CONNECT_TIMEOUT_S = 1.0
REDIS_TIMEOUT_S = 2.0
UNAVAILABLE = {"status": "unavailable", "message": "the Rasa server is restarting; try again shortly"}


def timeout_for(settings: Settings, method: str, path: str) -> float:
    if path == WECHAT_PATH and method == "POST":
        return max(1.0, min(WECHAT_LIMIT_S, settings.wechat_reply_deadline + WECHAT_MARGIN_S))
    if path == WECHAT_PATH:
        return VERIFY_TIMEOUT_S
    if path == HOTLINE_PATH:
        return settings.hotline_turn_deadline + HOTLINE_MARGIN_S
    return API_TIMEOUT_S


class Gateway:
    def __init__(self, settings: Settings, upstream: Optional[URL] = None):
        self.settings = settings
        self.upstream = upstream or URL(f"http://{internal_host(settings.bind_host)}:{settings.rasa_internal_port}")
        self.wechat: Optional[WeChatStandby] = None
        self.hotline: Optional[HotlineStandby] = None
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
        self.wechat = WeChatStandby(settings, InboundLedger(self._redis, keys), WeChatRecords(self._redis, keys),
                                    follow_ups)
        self.hotline = HotlineStandby(settings.hotline_secret, follow_ups)

    async def stop(self, _app: web.Application) -> None:
        if self._session is not None:
            await self._session.close()
        if self._redis is not None:
            await self._redis.close()

    async def health(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        timeout = timeout_for(self.settings, request.method, request.path)
        try:
            return await forward(self._session, self.upstream, request, body, timeout)
        except RasaUnreachable as failure:
            # Path only: a webhook's query string is a credential and never goes to a log.
            logger.warning("rasa unreachable (%s) for %s %s: the gateway answers", failure, request.method,
                           request.path)
            return await self.fallback(request, body, failure.gone)

    async def fallback(self, request: web.Request, body: bytes, rasa_gone: bool) -> web.Response:
        if request.path == WECHAT_PATH and request.method == "GET":
            answer = self.wechat.verify(request.query)
        elif request.path == WECHAT_PATH and request.method == "POST":
            answer = await self.wechat.receive(request.query, body, rasa_gone)
        elif request.path == HOTLINE_PATH and request.method == "POST":
            status, payload = await self.hotline.receive(request.headers, body)
            return web.json_response(payload, status=status)
        else:
            return web.json_response(UNAVAILABLE, status=503)
        return web.Response(status=answer.status, text=answer.body,
                            content_type=answer.content_type.split(";")[0], charset="utf-8")


def internal_host(bind_host: str) -> str:
    """Where this machine reaches a Rasa bound to `bind_host` (0.0.0.0 → loopback)."""
    address = ipaddress.ip_address(bind_host)
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    return f"[{address}]" if address.version == 6 else str(address)


def init_app(settings: Settings, upstream: Optional[URL] = None) -> web.Application:
    gateway = Gateway(settings, upstream)
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app["gateway"] = gateway
    app.on_startup.append(gateway.start)
    app.on_cleanup.append(gateway.stop)
    app.router.add_get(HEALTH_PATH, gateway.health)
    app.router.add_route("*", "/{tail:.*}", gateway.handle)
    return app
