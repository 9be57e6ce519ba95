"""A district staff member works tickets on a phone (390×844) in Chromium: names the 承办人,
corrects a misread headcount with a reason, exports the list and hands a case over (转办);
screenshots of an appeal page at 1366×768 and 390×844 go to var/test-results/.

Nothing here needs the bot: the console runs in-process on the session's real Redis, with the
project's WeChat API simulator (the outside world) receiving the worker notices.
"""
from __future__ import annotations

import csv
import io
import uuid

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from bot.appeals import AppealStore
from bot.console.access_log import RouteAccessLogger
from bot.console.accounts import CITY, DISTRICT, AccountStore
from bot.console.app import init_app
from bot.redis_keys import RedisKeys
from bot.redis_server import free_port
from bot.settings import DEV_WECHAT, Settings
from channels.wechat_sim.api_server import create_app as create_simulator
from tests.browser.conftest import PASSWORD, RESULTS, sign_in

PHONE_VIEW = {"width": 390, "height": 844}
DESK_VIEW = {"width": 1366, "height": 768}


@pytest.fixture
def prefix() -> str:
    return f"wo{uuid.uuid4().hex[:8]}:"


@pytest.fixture
async def simulator():
    server = TestServer(create_simulator(DEV_WECHAT["WECHAT_APPID"], DEV_WECHAT["WECHAT_SECRET"]))
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


@pytest.fixture
async def store(redis_server, prefix):
    redis = Redis.from_url(redis_server["url"], decode_responses=True)
    accounts = AccountStore(redis, RedisKeys(prefix))
    await accounts.create("city", PASSWORD, CITY, "市总 李老师")
    await accounts.create("chaoyang", PASSWORD, DISTRICT, "朝阳 王老师", district="朝阳区")
    await accounts.create("chaoyang2", PASSWORD, DISTRICT, "朝阳 刘老师", district="朝阳区")
    await accounts.create("haidian", PASSWORD, DISTRICT, "海淀 赵老师", district="海淀区")
    yield AppealStore(redis, RedisKeys(prefix))
    await redis.close(close_connection_pool=True)


@pytest.fixture
async def console(redis_server, prefix, simulator, store):
    settings = Settings.from_env({"REDIS_URL": redis_server["url"], "KEY_PREFIX": prefix,
                                  "RASA_PORT": str(free_port()), "RASA_API_TOKEN": "browser-orders-token",
                                  "WECHAT_API_BASE": simulator, "CONSOLE_PORT": str(free_port())})
    runner = web.AppRunner(init_app(settings), access_log_class=RouteAccessLogger)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", settings.console_port).start()
    yield f"http://127.0.0.1:{settings.console_port}"
    await runner.cleanup()


async def new_page(browser, viewport: dict):
    context = await browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                                        accept_downloads=True)
    tab = await context.new_page()
    tab.set_default_timeout(20_000)
    return tab


async def wider_than_screen(page, selector: str) -> list:
    """Elements matching `selector` that stick out past the viewport's right edge."""
    return await page.eval_on_selector_all(
        selector, "(els) => els.filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                  ".map(e => e.id || e.className)")


async def test_district_staff_assign_correct_export_and_hand_over_on_a_phone(browser, console, store, test_results):
    story = ("老王装饰从9月开始就没发工资 我们五六个人每人欠四五千 电话13812345678")
    misread = await store.create(description=story, category="wage_arrears", employer="装饰", district="朝阳区",
                                 headcount=5000, headcount_words="每人四五千", amount="两万多",
                                 openid="o_browser_orders_1", phone="13812345678", consent=True, group_wages=True)
    other = await store.create(description="加班不给加班费", category="overtime_pay", district="朝阳区",
                               employer="朝阳某科技公司", openid="o_browser_orders_2", phone="13800002222")
    elsewhere = await store.create(description="海淀的事", category="labor_contract", district="海淀区",
                                   openid="o_browser_orders_3", phone="13900003333")
    page = await new_page(browser, PHONE_VIEW)
    await sign_in(page, console, "chaoyang")
    await page.goto(f"{console}/appeals/{misread.ticket_id}")
    assert "群体性" in await page.inner_text("h1")

    # 承办人: chosen from the district's accounts (a list, not free text).
    options = await page.eval_on_selector_all("#assign-card select[name=assignee] option", "os => os.map(o => o.text)")
    assert sorted(options) == ["朝阳 刘老师", "朝阳 王老师"]
    await page.select_option("#assign-card select[name=assignee]", "chaoyang")
    await page.click("#assign-card button[type=submit]")
    assert "已指定承办人：朝阳 王老师" in await page.inner_text(".flash")
    assert "朝阳 王老师" in await page.inner_text("#assignee-label")

    # Correct the misread headcount, with a reason; the flags are recomputed and shown.
    await page.click("#edit-headcount summary")
    await page.fill("#edit-headcount input[name=value]", "两个")
    await page.fill("#edit-headcount input[name=reason]", "职工来电确认")
    await page.click("#edit-headcount button[type=submit]")
    assert "涉及人数须为 1 到 100000 之间的整数" in await page.inner_text(".flash-error")
    assert (await store.get(misread.ticket_id)).headcount == 5000, "bad input changed nothing"
    await page.click("#edit-headcount summary")
    await page.fill("#edit-headcount input[name=value]", "2")
    await page.fill("#edit-headcount input[name=reason]", "职工来电确认只有2个人，5000是每人欠款")
    await page.click("#edit-headcount button[type=submit]")
    assert "已取消群体性标记" in await page.inner_text(".flash")
    assert "群体性" not in await page.inner_text("h1")
    worklog = await page.inner_text("#worklog")
    for text in ("更正 · 涉及人数", "5000", "职工来电确认只有2个人", "群体性：是 → 否", "朝阳 王老师"):
        assert text in worklog, text
    await page.screenshot(path=str(RESULTS / "appeal_work_order_390x844.png"), full_page=True)
    assert await wider_than_screen(page, "main, main *") == [], "nothing wider than a 390 px screen"

    await page.click("text=我的")
    assert misread.ticket_id in await page.inner_text("#mine")
    assert other.ticket_id not in await page.inner_text("#mine")

    # Export the district's list: a spreadsheet with this district's appeals only.
    await page.goto(f"{console}/appeals")
    async with page.expect_download() as download_info:
        await page.click("#export")
    download = await download_info.value
    raw = open(await download.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf") and download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    exported = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert set(exported) == {misread.ticket_id, other.ticket_id} and elsewhere.ticket_id not in exported
    assert exported[misread.ticket_id]["涉及人数"] == "2" and exported[misread.ticket_id]["承办人"] == "朝阳 王老师"

    # 转办 the other case to 海淀: it leaves this district's view.
    await page.goto(f"{console}/appeals/{other.ticket_id}")
    await page.select_option("#transfer-card select[name=district]", "海淀区")
    await page.fill("#transfer-card textarea[name=reason]", "用人单位注册地在海淀")
    await page.click("#transfer-card button[type=submit]")
    await page.wait_for_url(f"{console}/")
    assert "已转办至海淀区总工会" in await page.inner_text(".flash")
    gone = await page.goto(f"{console}/appeals/{other.ticket_id}")
    assert gone.status == 404
    handed = await store.get(other.ticket_id)
    assert (handed.district, handed.queue) == ("海淀区", "district:海淀区")
    assert handed.worklog[-1]["reason"] == "用人单位注册地在海淀"
    await page.context.close()

    # The same appeal at a desk.
    desk = await new_page(browser, DESK_VIEW)
    await sign_in(desk, console, "chaoyang")
    await desk.goto(f"{console}/appeals/{misread.ticket_id}")
    assert "此内容将发送给职工" in await desk.inner_text("main")
    await desk.screenshot(path=str(RESULTS / "appeal_work_order_1366x768.png"), full_page=True)
    await desk.context.close()
