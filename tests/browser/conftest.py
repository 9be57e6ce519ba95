"""Browser tests: the real assistant (tests/integration/stack.Stack: Redis, action server, Rasa
with the trained model, the WeChat simulator) plus the console served in-process, driven in
headless Debian Chromium by Playwright. Skipped with a reason when Chromium or Playwright
is missing (`apt-get install chromium`, `pip install playwright`; never `playwright install`)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp import web
from redis.asyncio import Redis

from bot.console.access_log import RouteAccessLogger
from bot.console.accounts import CITY, DISTRICT, AccountStore
from bot.appeals import AppealStore
from bot.console.app import init_app
from bot.redis_keys import RedisKeys
from bot.redis_server import free_port
from bot.settings import Settings
from tests.integration.stack import Stack
from tests.integration.wechat_worker import Worker

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PREFIX = "browser:"
API_TOKEN = "browser-test-token-12351-console"
PASSWORD = "browser test password"
from tests.conftest import TEST_RESULTS as RESULTS  # git-ignored: a run never changes tracked files


if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.async_api", reason="pip install playwright")


@pytest.fixture(scope="package")
def stack(redis_server, model_path, tmp_path_factory):
    env = {"KEY_PREFIX": PREFIX, "RASA_API_TOKEN": API_TOKEN}
    running = Stack(redis_server["url"], tmp_path_factory.mktemp("browser") / "launcher.log", env).start()
    yield running
    running.kill()


@pytest.fixture(scope="package")
def console_env(stack, redis_server) -> dict:
    return {"REDIS_URL": redis_server["url"], "KEY_PREFIX": PREFIX, "RASA_PORT": str(stack.rasa_port),
            "RASA_API_TOKEN": API_TOKEN, "WECHAT_SIM_PORT": str(stack.simulator_port),
            "CONSOLE_PORT": str(free_port())}


@pytest.fixture(scope="package")
def first_admin(console_env) -> str:
    """The first admin, made by the real CLI as an operator would."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("WECHAT_")}, **console_env,
           "CONSOLE_ADMIN_PASSWORD": PASSWORD, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "bot.console.create_admin", "admin", "--name", "系统管理员"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return "admin"


@pytest.fixture
async def staff(console_env, first_admin):
    """City staff and 朝阳区 staff, straight into the store (once per package run)."""
    redis = Redis.from_url(console_env["REDIS_URL"], decode_responses=True)
    try:
        store = AccountStore(redis, RedisKeys(PREFIX))
        if await store.get("city") is None:
            await store.create("city", PASSWORD, CITY, "市总 李老师")
            await store.create("chaoyang", PASSWORD, DISTRICT, "朝阳 王老师", district="朝阳区")
    finally:
        await redis.close(close_connection_pool=True)
    return ["admin", "city", "chaoyang"]


@pytest.fixture
async def console_url(console_env, staff):
    """The console app from init_app, served in this test's event loop on a free port."""
    settings = Settings.from_env(console_env)
    runner = web.AppRunner(init_app(settings), access_log_class=RouteAccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", settings.console_port)
    await site.start()
    yield f"http://127.0.0.1:{settings.console_port}"
    await runner.cleanup()


@pytest.fixture
async def browser():
    async with playwright_api.async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser):
    context = await browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN",
                                        timezone_id="Asia/Shanghai")
    tab = await context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    await context.close()


async def sign_out(page) -> None:
    """Forget the signed-in browser. The page is left first: a queue page's poll, answered 401
    once the cookies are gone, navigates to /login by itself and races the next login form."""
    await page.goto("about:blank")
    await page.context.clear_cookies()


async def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    await page.goto(f"{base_url}/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base_url}/")


# The appeal store of the browser stack's Redis, and a worker on its WeChat simulator.
@pytest.fixture
async def appeals(console_env):
    redis = Redis.from_url(console_env["REDIS_URL"], decode_responses=True)
    yield AppealStore(redis, RedisKeys(PREFIX))
    await redis.close(close_connection_pool=True)


@pytest.fixture
async def worker(stack):
    person = Worker(stack)
    yield person
    await person.close()
