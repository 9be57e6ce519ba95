"""Signing in and out, wrong passwords, throttling, CSRF, cookies and admin-only pages."""
from __future__ import annotations

import json

from aiohttp.test_utils import TestClient, TestServer

from bot.console.app import init_app
from bot.settings import DEV_WECHAT, Settings
from tests.integration.console.conftest import PASSWORD, csrf_of, login


async def login_form_token(console) -> str:
    return csrf_of(await (await console.get("/login")).text())


async def test_pages_need_a_login(console):
    page = await console.get("/", allow_redirects=False)
    assert page.status == 303 and page.headers["Location"] == "/login?next=/"
    api = await console.get("/api/queue")
    assert api.status == 401 and (await api.json())["error"] == "login_required"
    login_page = await console.get("/login")
    assert login_page.status == 200 and "工作人员登录" in await login_page.text()


async def test_login_sets_a_strict_httponly_cookie_and_logout_ends_the_session(console, audit):
    token = await login_form_token(console)
    response = await console.post("/login", data={"username": "City", "password": PASSWORD, "csrf_token": token,
                                                  "next": "/appeals"}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/appeals"
    cookie = next(value for value in response.headers.getall("Set-Cookie") if value.startswith("console_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie  # dev mode: http
    session_cookie = console.session.cookie_jar.filter_cookies(console.make_url("/"))["console_session"].value
    page = await console.get("/")
    assert page.status == 200 and "市总李" in await page.text()

    logout = await console.post("/logout", data={"csrf_token": csrf_of(await page.text())}, allow_redirects=False)
    assert logout.status == 303 and logout.headers["Location"] == "/login"
    assert (await console.get("/", allow_redirects=False)).status == 303
    # The old cookie is dead on the server too, not only forgotten by the browser.
    console.session.cookie_jar.update_cookies({"console_session": session_cookie})
    assert (await console.get("/", allow_redirects=False)).status == 303
    actions = [entry.action for entry in await audit.recent()]
    assert actions[:2] == ["logout", "login"]


async def test_login_rotates_the_session_token(console):
    await console.get("/login")
    assert "console_session" not in console.session.cookie_jar.filter_cookies(console.make_url("/"))
    await login(console, "city")
    first = console.session.cookie_jar.filter_cookies(console.make_url("/"))["console_session"].value
    await login(console, "city")
    second = console.session.cookie_jar.filter_cookies(console.make_url("/"))["console_session"].value
    assert first != second


async def test_open_redirects_are_refused(console):
    token = await login_form_token(console)
    response = await console.post("/login", data={"username": "city", "password": PASSWORD, "csrf_token": token,
                                                  "next": "//evil.example/"}, allow_redirects=False)
    assert response.headers["Location"] == "/"


async def test_wrong_password_and_unknown_user_get_the_same_answer(console, audit):
    token = await login_form_token(console)
    wrong = await console.post("/login", data={"username": "city", "password": "nope nope nope", "csrf_token": token})
    unknown = await console.post("/login", data={"username": "ghost", "password": PASSWORD, "csrf_token": token})
    assert wrong.status == unknown.status == 401
    assert "用户名或密码错误" in await wrong.text() and "用户名或密码错误" in await unknown.text()
    assert (await console.get("/", allow_redirects=False)).status == 303
    failures = [entry for entry in await audit.login_failures() if entry.action == "login_failed"]
    assert {entry.actor for entry in failures} == {"city", "ghost"}
    assert all("nope" not in json.dumps(entry.detail) for entry in failures)


async def test_five_failures_lock_the_username_from_that_address_for_15_minutes(console):
    token = await login_form_token(console)
    for _ in range(5):
        response = await console.post("/login", data={"username": "city", "password": "wrong password!",
                                                      "csrf_token": token})
        assert response.status == 401
    blocked = await console.post("/login", data={"username": "city", "password": PASSWORD, "csrf_token": token})
    assert blocked.status == 429
    text = await blocked.text()
    assert "登录失败次数过多" in text and "15 分钟" in text
    # Another account from the same place is not locked by someone else's failures.
    await login(console, "chaoyang")


async def test_a_successful_login_clears_earlier_failures(console):
    token = await login_form_token(console)
    for _ in range(4):
        await console.post("/login", data={"username": "city", "password": "wrong password!", "csrf_token": token})
    await login(console, "city")
    console.session.cookie_jar.clear()
    token = await login_form_token(console)
    for _ in range(4):
        response = await console.post("/login", data={"username": "city", "password": "wrong password!",
                                                      "csrf_token": token})
        assert response.status == 401


async def test_posts_without_the_csrf_token_are_refused(console, sign_in, fake_rasa, escalations):
    no_token = await console.post("/login", data={"username": "city", "password": PASSWORD})
    assert no_token.status == 403 and "页面已过期" in await no_token.text()
    token = await sign_in("city")
    await escalations.escalate("o_csrf", "worker asked for a person")
    for data in ({}, {"csrf_token": "forged"}, {"csrf_token": token + "x"}):
        refused = await console.post("/conversations/o_csrf/take", data=data)
        assert refused.status == 403
    api = await console.post("/api/conversations/o_csrf/take", headers={"X-CSRF-Token": "forged"})
    assert api.status == 403 and (await api.json())["error"] == "csrf"
    assert fake_rasa.calls == [] and (await escalations.get("o_csrf")).state == "waiting"
    ok = await console.post("/api/conversations/o_csrf/take", headers={"X-CSRF-Token": token})
    assert ok.status == 200


async def test_a_disabled_account_is_signed_out_at_its_next_request(console, sign_in, accounts):
    await sign_in("chaoyang")
    await accounts.set_active("chaoyang", False)
    assert (await console.get("/", allow_redirects=False)).status == 303
    token = csrf_of(await (await console.get("/login")).text())
    refused = await console.post("/login", data={"username": "chaoyang", "password": PASSWORD, "csrf_token": token})
    assert refused.status == 401


async def test_passwords_are_stored_as_scrypt_hashes(redis, keys, accounts):
    raw = json.loads(await redis.get(keys.console_account("city")))
    assert raw["password_hash"].startswith("scrypt$16384$8$1$") and PASSWORD not in json.dumps(raw)
    salt = raw["password_hash"].split("$")[4]
    assert len(bytes.fromhex(salt)) == 16
    other = json.loads(await redis.get(keys.console_account("admin")))["password_hash"]
    assert other != raw["password_hash"], "a random salt per account"


async def test_admin_creates_staff_in_the_ui_and_others_may_not(console, sign_in, accounts):
    token = await sign_in("admin")
    created = await console.post("/admin/accounts", data={
        "csrf_token": token, "username": "fengtai", "display_name": "丰台孙", "role": "district",
        "district": "丰台区", "password": "a long enough pw"}, allow_redirects=False)
    assert created.status == 303
    account = await accounts.get("fengtai")
    assert account.role == "district" and account.district == "丰台区" and account.created_by == "admin"
    missing_district = await console.post("/admin/accounts", data={
        "csrf_token": token, "username": "nobody", "role": "district", "password": "a long enough pw"})
    assert missing_district.status == 400 and "所属区" in await missing_district.text()
    short = await console.post("/admin/accounts", data={
        "csrf_token": token, "username": "shorty", "role": "city", "password": "short"})
    assert short.status == 400 and "至少" in await short.text()

    token = await sign_in("city")
    assert (await console.get("/admin/accounts")).status == 403
    assert (await console.get("/admin/audit")).status == 403
    sneaky = await console.post("/admin/accounts", data={"csrf_token": token, "username": "mine", "role": "admin",
                                                         "password": "a long enough pw"})
    assert sneaky.status == 403 and await accounts.get("mine") is None


async def test_secure_cookie_outside_development_mode(redis_server, prefix, accounts):
    settings = Settings.from_env({"REDIS_URL": redis_server["url"], "KEY_PREFIX": prefix, **DEV_WECHAT})
    assert not settings.dev_mode
    async with TestClient(TestServer(init_app(settings))) as client:
        form = await client.get("/login")
        assert "Secure" in form.headers["Set-Cookie"] and "SameSite=Strict" in form.headers["Set-Cookie"]
        assert "default-src 'self'" in form.headers["Content-Security-Policy"]
        assert form.headers["X-Frame-Options"] == "DENY"


async def test_staff_change_their_own_password(console, sign_in, accounts):
    token = await sign_in("city")
    wrong = await console.post("/account/password", data={"csrf_token": token, "current": "not it at all",
                                                           "new": "brand new secret", "confirm": "brand new secret"})
    assert wrong.status == 400
    ok = await console.post("/account/password", data={"csrf_token": token, "current": PASSWORD,
                                                        "new": "brand new secret", "confirm": "brand new secret"},
                            allow_redirects=False)
    assert ok.status == 303
    assert await accounts.authenticate("city", "brand new secret") is not None
