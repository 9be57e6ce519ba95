"""Hardening seen from a real browser (headless Chromium): redirect tricks that only a
browser's URL parser turns into another host, worker uploads that must download rather than
run, a password change that signs out the other browser, and the admin's export and erasure
of one worker's data. The console is served with a real Redis and the WeChat simulator;
these pages need no Rasa, so the assistant's stack is not started."""
from __future__ import annotations

import json
import uuid
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest
from aiohttp import web
from redis.asyncio import Redis

from bot.appeals import AppealStore
from bot.console.access_log import RouteAccessLogger
from bot.console.accounts import ADMIN, CITY, DISTRICT, AccountStore
from bot.console.app import init_app
from bot.redis_keys import RedisKeys
from bot.redis_server import free_port
from bot.settings import DEV_WECHAT, Settings
from channels.wechat_sim.api_server import SIM_STATE, Media, create_app
from tests.browser.conftest import PASSWORD, sign_in, sign_out



@pytest.fixture
async def console(redis_server):
    """The console from init_app on a free port, the WeChat simulator beside it, fresh accounts."""
    sim = create_app(DEV_WECHAT["WECHAT_APPID"], DEV_WECHAT["WECHAT_SECRET"])
    sim_runner = web.AppRunner(sim)
    await sim_runner.setup()
    sim_port = free_port()
    await web.TCPSite(sim_runner, "127.0.0.1", sim_port).start()
    prefix = f"bh{uuid.uuid4().hex[:8]}:"
    settings = Settings.from_env({"REDIS_URL": redis_server["url"], "KEY_PREFIX": prefix,
                                  "WECHAT_API_BASE": f"http://127.0.0.1:{sim_port}", "CONSOLE_PORT": str(free_port()),
                                  "RASA_PORT": str(free_port()), "RASA_API_TOKEN": "browser-hardening-token-0123"})
    redis = Redis.from_url(redis_server["url"], decode_responses=True)
    keys = RedisKeys(prefix)
    accounts = AccountStore(redis, keys)
    await accounts.create("admin", PASSWORD, ADMIN, "系统管理员")
    await accounts.create("city", PASSWORD, CITY, "市总 李老师")
    await accounts.create("chaoyang", PASSWORD, DISTRICT, "朝阳 王老师", district="朝阳区")
    runner = web.AppRunner(init_app(settings), access_log_class=RouteAccessLogger)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", settings.console_port).start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{settings.console_port}", redis=redis, keys=keys,
                          appeals=AppealStore(redis, keys), sim=sim[SIM_STATE])
    await runner.cleanup()
    await sim_runner.cleanup()
    await redis.close(close_connection_pool=True)


TRICKS = ["/\t/evil.example/", "//evil.example/", "/\\evil.example/", "/%09/evil.example/", "/%2F%2Fevil.example/",
          "https://evil.example/", "/\n/evil.example/", "\\\\evil.example/"]


async def test_no_redirect_trick_leaves_the_console(page, console):
    for trick in TRICKS:
        await sign_out(page)
        await page.goto(f"{console.url}/login?next={quote(trick, safe='')}")
        await page.fill("input[name=username]", "city")
        await page.fill("input[name=password]", PASSWORD)
        # Wait for the form's own navigation: a bare wait_for_load_state can return while
        # the login page is still the one loaded.
        async with page.expect_navigation():
            await page.click("button[type=submit]")
        landed = urlsplit(page.url)
        assert (landed.netloc, landed.path) == (urlsplit(console.url).netloc, "/"), trick


async def test_a_worker_svg_downloads_and_never_runs(page, console):
    console.sim.media["evil-svg"] = Media(
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><script>alert(1)</script></svg>',
        "image/svg+xml", "evil.svg")
    appeal = await console.appeals.create(description="证据在图里", district="朝阳区", openid="o_svg_worker")
    await console.appeals.attach_evidence(appeal.ticket_id, {"type": "image", "media_id": "evil-svg"})
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    await sign_in(page, console.url, "chaoyang")
    async with page.expect_download() as download_info:
        try:
            await page.goto(f"{console.url}/media/evil-svg?ticket={appeal.ticket_id}")
        except Exception as error:  # Chromium reports a navigation that became a download
            assert "Download is starting" in str(error)
    download = await download_info.value
    assert download.suggested_filename == "evil-svg"
    await page.goto(f"{console.url}/appeals/{appeal.ticket_id}")
    assert dialogs == [], "nothing of the upload ran"


async def test_a_password_change_signs_out_the_other_browser(browser, console):
    here, there = await browser.new_context(), await browser.new_context()
    try:
        mine, other = await here.new_page(), await there.new_page()
        await sign_in(other, console.url, "city")
        await sign_in(mine, console.url, "city")
        await mine.goto(f"{console.url}/account/password")
        await mine.fill("input[name=current]", PASSWORD)
        await mine.fill("input[name=new]", "a brand new password")
        await mine.fill("input[name=confirm]", "a brand new password")
        await mine.click("form[action='/account/password'] button[type=submit]")
        assert "其他设备上的登录已退出" in await mine.inner_text("main")
        await other.goto(f"{console.url}/appeals")
        assert "/login" in other.url, "the other browser's session ended"
    finally:
        await here.close()
        await there.close()


async def test_an_admin_exports_then_erases_one_workers_data(page, console):
    appeal = await console.appeals.create(description="我叫李四，电话139—0000—2222，老板欠薪", district="朝阳区",
                                          openid="o_erase_me", phone="13900002222", name="李四")
    await sign_in(page, console.url, "admin")
    await page.click("text=个人信息")
    await page.fill("input[name=q]", "139 0000 2222")
    await page.click("form[action='/admin/personal-data'] button[type=submit]")
    assert appeal.ticket_id in await page.inner_text("#worker")
    async with page.expect_download() as download_info:
        await page.click("text=导出（JSON 下载）")
    exported = json.loads(open(await (await download_info.value).path(), encoding="utf-8").read())
    assert exported["openids"] == ["o_erase_me"] and exported["appeals"][0]["name"] == "李四"

    await page.fill("input[name=why]", "本人来电申请删除，已核对身份")
    await page.check("input[name=confirm]")
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("button.danger")
    await page.wait_for_url(f"{console.url}/admin/personal-data")
    assert "已删除" in await page.inner_text("main")
    kept = await console.appeals.get(appeal.ticket_id)
    assert (kept.name, kept.phone, kept.openid) == (None, None, None) and "2222" not in kept.description
    await page.goto(f"{console.url}/appeals/{appeal.ticket_id}")
    assert "李四" not in await page.inner_text("main")
