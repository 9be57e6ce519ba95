"""CSRF protection: every state-changing request carries the session's token.

Forms send it as the hidden field `csrf_token`, scripts as the `X-CSRF-Token` header. The
SameSite=Strict cookie already keeps other sites' requests unauthenticated; the token also
covers same-site attackers and old browsers.
"""
from __future__ import annotations

import hmac

from aiohttp import web

from bot.console.sessions import Handler, get_session
from bot.console.responses import refuse

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in SAFE_METHODS:
        session = get_session(request)
        sent = request.headers.get(HEADER)
        if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sent = (await request.post()).get(FIELD)  # aiohttp caches the parsed form for the handler
        expected = session.expected_csrf
        if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
            return refuse(request, 403, "csrf", "页面已过期或请求来源无法确认，请刷新页面后重试。")
    return await handler(request)
