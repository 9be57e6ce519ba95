"""Signing in and out, and the gate in front of every page but the login form."""
from __future__ import annotations

import functools
import logging
from typing import Optional
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web

from bot.console.accounts import Account, normalize_username
from bot.console.addresses import client_address  # noqa: F401  (the views import it from here)
from bot.console.redirects import safe_next
from bot.console.appkeys import ACCOUNTS, AUDIT, THROTTLE
from bot.console.responses import refuse, wants_json
from bot.console.sessions import Handler, get_session

logger = logging.getLogger(__name__)

ACCOUNT = "console.account"  # request key: the signed-in Account
# model_server: Rasa pulls models with its own token (views_model_server), not a session.
PUBLIC_ROUTES = {"login", "login_form", "healthz", "model_server"}
THROTTLED = "登录失败次数过多，请 15 分钟后再试。如忘记密码，请联系管理员重置。"
WRONG = "用户名或密码错误。"


def current_account(request: web.Request) -> Account:
    return request[ACCOUNT]


def _is_public(request: web.Request) -> bool:
    route = request.match_info.route
    return route.name in PUBLIC_ROUTES or request.path.startswith("/static/")


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if _is_public(request):
        return await handler(request)
    session = get_session(request)
    account: Optional[Account] = None
    if session.username:
        account = await request.app[ACCOUNTS].get(session.username)
        if account is None or not account.active:
            session.invalidate()  # a disabled account is signed out everywhere at its next request
            account = None
    if account is None:
        if wants_json(request) or request.method != "GET":
            return refuse(request, 401, "login_required", "请先登录。")
        raise web.HTTPSeeOther(f"/login?next={quote(request.path_qs, safe='')}")
    request[ACCOUNT] = account
    return await handler(request)


def admin_only(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        if not current_account(request).is_admin:
            return refuse(request, 403, "admin_only", "只有管理员可以使用此功能。")
        return await handler(request)

    return wrapper


async def login_form(request: web.Request) -> web.StreamResponse:
    if get_session(request).username:
        raise web.HTTPSeeOther("/")
    return aiohttp_jinja2.render_template("login.html", request, {"next": safe_next(request.query.get("next"))})


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    typed = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))
    target = safe_next(form.get("next"))
    address = client_address(request)
    username = normalize_username(typed) or typed.strip().lower()[:32]
    throttle, audit = request.app[THROTTLE], request.app[AUDIT]
    context = {"next": target, "username": typed}
    if not await throttle.attempt(username, address):
        await audit.record_login_failure(username or "?", "login_throttled", address)
        return aiohttp_jinja2.render_template("login.html", request, {**context, "error": THROTTLED}, status=429)
    account = await request.app[ACCOUNTS].authenticate(username, password)
    if account is None:
        await audit.record_login_failure(username or "?", "login_failed", address)
        return aiohttp_jinja2.render_template("login.html", request, {**context, "error": WRONG}, status=401)
    await throttle.succeeded(username, address)
    get_session(request).sign_in(account.username)
    await audit.record(account.username, "login", address=address)
    raise web.HTTPSeeOther(target)


async def logout(request: web.Request) -> web.StreamResponse:
    session = get_session(request)
    await request.app[AUDIT].record(current_account(request).username, "logout", address=client_address(request))
    session.invalidate()
    raise web.HTTPSeeOther("/login")
