"""Login hardening against an attacker on the network: the throttle counts concurrent
attempts exactly and locks only what is attacked, X-Forwarded-For is believed only from a
trusted proxy, redirects after login stay on this site, a password change ends the other
sessions, and anonymous visitors cannot make Redis grow."""
from __future__ import annotations

import asyncio
import dataclasses
import ipaddress

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.console.app import init_app
from bot.console.audit import AuditLog
from bot.console.throttle import MAX_PER_ACCOUNT_AND_ADDRESS, WINDOW_S, LoginThrottle
from tests.integration.console.conftest import PASSWORD, csrf_of, login

WRONG = "wrong password!"


async def form_token(client) -> str:
    return csrf_of(await (await client.get("/login")).text())


async def post_login(client, token, username="city", password=WRONG, **extra):
    response = await client.post("/login", data={"username": username, "password": password, "csrf_token": token,
                                                  **extra}, allow_redirects=False)
    await response.read()
    return response


async def test_concurrent_wrong_passwords_are_counted_exactly(console, redis, keys):
    token = await form_token(console)
    answers = await asyncio.gather(*(post_login(console, token) for _ in range(25)))
    statuses = sorted(answer.status for answer in answers)
    assert statuses == [401] * MAX_PER_ACCOUNT_AND_ADDRESS + [429] * (25 - MAX_PER_ACCOUNT_AND_ADDRESS), \
        "only the first five reach the password check"
    pair, account = await LoginThrottle(redis, keys).counts("city", "127.0.0.1")
    assert pair == 25 and account == MAX_PER_ACCOUNT_AND_ADDRESS, "every attempt counted; refused ones not per account"
    assert (await post_login(console, token, password=PASSWORD)).status == 429, "even the right password waits"


async def test_a_locked_account_locks_nobody_else_from_the_same_address(console):
    token = await form_token(console)
    # Password spraying: many usernames, all from one address (or one shared proxy).
    for username in ("city", "admin", "haidian", "ghost1", "ghost2", "ghost3", "ghost4", "ghost5"):
        for _ in range(6):
            await post_login(console, token, username)
    assert (await post_login(console, token, "city", PASSWORD)).status == 429
    await login(console, "chaoyang")  # 48 failures from this address later, another account still signs in


@pytest.fixture
async def behind_proxy(settings, accounts):
    """The console behind a reverse proxy on 127.0.0.1 that sets X-Forwarded-For."""
    proxied = dataclasses.replace(settings, trusted_proxies=(ipaddress.ip_network("127.0.0.1/32"),))
    async with TestClient(TestServer(init_app(proxied))) as client:
        yield client


async def test_behind_a_trusted_proxy_one_attacker_locks_only_their_own_address(behind_proxy, audit):
    token = await form_token(behind_proxy)
    attacker = {"X-Forwarded-For": "203.0.113.9"}
    for _ in range(12):
        await behind_proxy.post("/login", data={"username": "city", "password": WRONG, "csrf_token": token},
                                headers=attacker)
    refused = await behind_proxy.post("/login", data={"username": "city", "password": PASSWORD, "csrf_token": token},
                                      headers=attacker, allow_redirects=False)
    assert refused.status == 429
    # The owner, at another address behind the same proxy; a forged leftmost hop is ignored.
    owner = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
    ok = await behind_proxy.post("/login", data={"username": "city", "password": PASSWORD, "csrf_token": token},
                                 headers=owner, allow_redirects=False)
    assert ok.status == 303
    assert {entry.address for entry in await audit.login_failures()} == {"203.0.113.9"}
    assert (await audit.recent())[0].address == "198.51.100.7"


async def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(console):
    token = await form_token(console)
    for n in range(MAX_PER_ACCOUNT_AND_ADDRESS):
        assert (await console.post("/login", data={"username": "city", "password": WRONG, "csrf_token": token},
                                   headers={"X-Forwarded-For": f"198.51.100.{n}"})).status == 401
    rotated = await console.post("/login", data={"username": "city", "password": WRONG, "csrf_token": token},
                                 headers={"X-Forwarded-For": "198.51.100.99"})
    assert rotated.status == 429, "a client cannot escape the throttle by inventing addresses"


REDIRECTS = [
    "//evil.example/", "/\t/evil.example", "/\n/evil.example", "/\\evil.example", "\\\\evil.example",
    "/\\/evil.example", "https://evil.example/", "https:evil.example", "HTTPS://evil.example", "javascript:alert(1)",
    "/%2F%2Fevil.example", "/%2f/evil.example", "/%5Cevil.example", "/%09/evil.example", "/%252F%252Fevil.example",
    "%2F%2Fevil.example", " /evil.example", "///evil.example", "/\u3000/evil.example", "/／evil.example",
    "evil.example", "", "/#//evil.example",
]


@pytest.mark.parametrize("target", REDIRECTS)
async def test_every_redirect_variant_lands_on_the_home_page(console, target):
    token = await form_token(console)
    response = await post_login(console, token, password=PASSWORD, next=target)
    assert response.status == 303 and response.headers["Location"] == "/"
    form = await console.get("/login", params={"next": target})  # signed in: straight home
    assert str(form.url).endswith("/")


async def test_a_same_site_path_is_kept(console):
    token = await form_token(console)
    response = await post_login(console, token, password=PASSWORD, next="/appeals?status=submitted")
    assert response.headers["Location"] == "/appeals?status=submitted"
    page = await (await console.get("/login", params={"next": "/\t/evil.example"}, allow_redirects=False)).read()
    assert b"evil" not in page


async def test_a_password_change_ends_every_other_session(console, sign_in, accounts):
    other = aiohttp.ClientSession(base_url=str(console.make_url("")), cookie_jar=aiohttp.CookieJar(unsafe=True))
    try:
        await login(other, "city")
        token = await sign_in("city")
        changed = await console.post("/account/password", data={"csrf_token": token, "current": PASSWORD,
                                                                 "new": "brand new secret", "confirm": "brand new secret"})
        assert changed.status == 200 and "其他设备上的登录已退出" in await changed.text()
        assert (await console.get("/", allow_redirects=False)).status == 200, "this session goes on"
        async with other.get("/", allow_redirects=False) as stale:
            assert stale.status == 303 and stale.headers["Location"].startswith("/login")
    finally:
        await other.close()


async def test_an_admin_reset_or_disable_ends_the_accounts_sessions(console, sign_in, accounts):
    other = aiohttp.ClientSession(base_url=str(console.make_url("")), cookie_jar=aiohttp.CookieJar(unsafe=True))
    try:
        await login(other, "chaoyang")
        token = await sign_in("admin")
        await console.post("/admin/accounts/chaoyang/password", data={"csrf_token": token,
                                                                     "password": "another long secret"})
        async with other.get("/api/queue") as stale:
            assert stale.status == 401
        await login(other, "chaoyang", "another long secret")
        await console.post("/admin/accounts/chaoyang/active", data={"csrf_token": token, "active": "0"})
        async with other.get("/api/queue") as stale:
            assert stale.status == 401
    finally:
        await other.close()


async def _keys_without_expiry(redis, prefix) -> set:
    found = set()
    async for key in redis.scan_iter(match=f"{prefix}*"):
        if await redis.ttl(key) < 0:
            found.add(key)
    return found


async def test_anonymous_visitors_do_not_grow_redis(console, redis, keys, prefix):
    before = {key async for key in redis.scan_iter(match=f"{prefix}*")}
    permanent = await _keys_without_expiry(redis, prefix)
    for _ in range(30):
        await (await console.get("/login")).read()
    token = await form_token(console)
    for n in range(30):
        await post_login(console, token, f"stranger{n}")
        await post_login(console, "no-such-token", "city")  # refused by CSRF: writes nothing
    after = {key async for key in redis.scan_iter(match=f"{prefix}*")}
    new = after - before
    assert not [key for key in new if ":console:session:" in key], "no session stored before signing in"
    assert await _keys_without_expiry(redis, prefix) - permanent == {keys.console_login_audit()}
    for key in new - {keys.console_login_audit()}:
        assert ":console:login-failures:" in key and 0 < await redis.ttl(key) <= WINDOW_S


async def test_the_failed_login_list_is_capped(redis, keys):
    audit = AuditLog(redis, keys, login_failures_kept=10)
    for n in range(25):
        await audit.record_login_failure(f"user{n}", "login_failed", "203.0.113.9")
    assert await redis.llen(keys.console_login_audit()) == 10
    assert [entry.actor for entry in await audit.login_failures(3)] == ["user24", "user23", "user22"]


async def test_a_login_form_token_works_only_with_its_own_cookie(console):
    token = await form_token(console)
    console.session.cookie_jar.clear()
    await console.get("/login")  # a different cookie now
    assert (await post_login(console, token, password=PASSWORD)).status == 403


async def test_admins_see_the_failed_logins_on_the_audit_page(console, sign_in):
    token = await form_token(console)
    await post_login(console, token, "intruder")
    await sign_in("admin")
    page = await (await console.get("/admin/audit")).text()
    assert page.count("最近的登录失败") == 1 and "intruder" in page
    assert "<title>操作日志 · 12351 职工服务管理台</title>" in page
