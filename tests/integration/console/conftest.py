"""The console through `init_app` and aiohttp's TestClient, against the session's real Redis
(a key prefix per test), the project's WeChat API simulator in-process, and a tiny fake of
Rasa's HTTP API that records every call."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from bot.appeals import AppealStore
from bot.console.accounts import ADMIN, CITY, DISTRICT, AccountStore
from bot.console.access_log import RouteAccessLogger
from bot.console.app import init_app
from bot.console.audit import AuditLog
from bot.escalations import EscalationStore
from bot.redis_keys import RedisKeys
from bot.settings import DEV_WECHAT, Settings
from channels.wechat_sim.api_server import SIM_STATE, create_app


RASA_TOKEN = "console-test-token-0123456789"
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class FakeRasa:
    """Rasa's conversation API as the console uses it; `calls` records (method, openid, body)."""

    trackers: Dict[str, dict] = field(default_factory=dict)
    calls: List[tuple] = field(default_factory=list)
    down: bool = False

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/conversations/{openid}/tracker", self.tracker)
        app.router.add_post("/conversations/{openid}/tracker/events", self.events)
        app.router.add_post("/conversations/{openid}/execute", self.execute)
        return app

    def _check(self, request: web.Request) -> None:
        if self.down:
            raise web.HTTPServiceUnavailable()
        if request.query.get("token") != RASA_TOKEN:
            raise web.HTTPUnauthorized()

    async def tracker(self, request: web.Request) -> web.Response:
        self._check(request)
        openid = request.match_info["openid"]
        self.calls.append(("tracker", openid, None))
        return web.json_response(self.trackers.get(openid, {"sender_id": openid, "slots": {}, "events": [],
                                                             "paused": False}))

    async def events(self, request: web.Request) -> web.Response:
        self._check(request)
        openid, body = request.match_info["openid"], await request.json()
        self.calls.append(("events", openid, body))
        tracker = self.trackers.setdefault(openid, {"sender_id": openid, "slots": {}, "events": [], "paused": False})
        for event in body:
            tracker["events"].append({**event, "timestamp": 1.0})
            tracker["paused"] = event["event"] == "pause" if event["event"] in ("pause", "resume") else tracker["paused"]
        return web.json_response(tracker)

    async def execute(self, request: web.Request) -> web.Response:
        self._check(request)
        self.calls.append(("execute", request.match_info["openid"], await request.json()))
        return web.json_response({})

    def events_for(self, openid: str) -> List[str]:
        return [event["event"] for kind, who, body in self.calls if kind == "events" and who == openid for event in body]


@pytest.fixture
async def fake_rasa():
    fake = FakeRasa()
    server = TestServer(fake.app())
    await server.start_server()
    fake.port = server.port
    yield fake
    await server.close()


@pytest.fixture
async def wechat():
    """The project's WeChat API simulator (what the outbox and media downloads talk to)."""
    app = create_app(DEV_WECHAT["WECHAT_APPID"], DEV_WECHAT["WECHAT_SECRET"])
    async with TestClient(TestServer(app)) as client:
        client.state = app[SIM_STATE]
        yield client


@pytest.fixture
def prefix() -> str:
    return f"c{uuid.uuid4().hex[:8]}:"


@pytest.fixture
def extra_env() -> Dict[str, str]:
    """Settings a test module adds (override this fixture there)."""
    return {}


@pytest.fixture
def settings(redis_server, fake_rasa, wechat, prefix, extra_env) -> Settings:
    return Settings.from_env({
        **extra_env,
        "REDIS_URL": redis_server["url"],
        "KEY_PREFIX": prefix,
        "RASA_PORT": str(fake_rasa.port),
        "RASA_API_TOKEN": RASA_TOKEN,
        "WECHAT_API_BASE": str(wechat.make_url("")).rstrip("/"),
    })


@pytest.fixture
async def redis(redis_server):
    client = Redis.from_url(redis_server["url"], decode_responses=True)
    yield client
    await client.close(close_connection_pool=True)


@pytest.fixture
def keys(prefix) -> RedisKeys:
    return RedisKeys(prefix)


@pytest.fixture
def appeals(redis, keys) -> AppealStore:
    return AppealStore(redis, keys)


@pytest.fixture
def escalations(redis, keys) -> EscalationStore:
    return EscalationStore(redis, keys)


@pytest.fixture
def audit(redis, keys) -> AuditLog:
    return AuditLog(redis, keys)


@pytest.fixture
async def accounts(redis, keys) -> AccountStore:
    store = AccountStore(redis, keys)
    await store.create("admin", PASSWORD, ADMIN, "系统管理员")
    await store.create("city", PASSWORD, CITY, "市总李")
    await store.create("chaoyang", PASSWORD, DISTRICT, "朝阳王", district="朝阳区")
    await store.create("haidian", PASSWORD, DISTRICT, "海淀赵", district="海淀区")
    return store


@pytest.fixture
async def console(settings, accounts):
    # The production access logger: log lines name routes, never paths or query strings.
    server = TestServer(init_app(settings))
    await server.start_server(access_log_class=RouteAccessLogger)
    async with TestClient(server) as client:
        yield client


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


async def login(client: TestClient, username: str, password: str = PASSWORD) -> Optional[str]:
    """Sign in through the form; returns the CSRF token of the signed-in session."""
    form = await client.get("/login")
    response = await client.post("/login", data={"username": username, "password": password,
                                                 "csrf_token": csrf_of(await form.text())},
                                 allow_redirects=False)
    assert response.status == 303, await response.text()
    page = await client.get("/")
    assert page.status == 200
    return csrf_of(await page.text())


@pytest.fixture
def sign_in(console):
    async def sign_in_as(username: str) -> str:
        console.session.cookie_jar.clear()
        return await login(console, username)

    return sign_in_as


async def sim_messages(wechat, openid: str) -> List[str]:
    response = await wechat.get("/_sim/messages", params={"touser": openid})
    return [message["content"] for message in (await response.json())["messages"]]
