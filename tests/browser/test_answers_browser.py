"""An admin on a phone (390 px, headless Chromium) updates the minimum wage in a FAQ answer:
the checks name what is missing, the preview shows the worker's chat bubbles, the save lands in
the answers file and the version list. The console edits a copy of bot/faq/answers.yml and
needs no Rasa, so the assistant's stack is not started."""
from __future__ import annotations

import shutil
import uuid

import pytest
from aiohttp import web
from redis.asyncio import Redis

from bot.console.access_log import RouteAccessLogger
from bot.console.accounts import ADMIN, AccountStore
from bot.console.app import init_app
from bot.faq.answer_checks import facts_file
from bot.faq.answers import ANSWERS_FILE, AnswerStore
from bot.redis_keys import RedisKeys
from bot.redis_server import free_port
from bot.settings import Settings
from tests.browser.conftest import PASSWORD, RESULTS, sign_in

PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def console(redis_server, tmp_path):
    answers = tmp_path / "answers.yml"
    shutil.copy(ANSWERS_FILE, answers)
    shutil.copy(facts_file(ANSWERS_FILE), facts_file(answers))
    prefix = f"ab{uuid.uuid4().hex[:8]}:"
    settings = Settings.from_env({"REDIS_URL": redis_server["url"], "KEY_PREFIX": prefix,
                                  "CONSOLE_PORT": str(free_port()), "RASA_PORT": str(free_port()),
                                  "RASA_API_TOKEN": "browser-answers-token-0123", "FAQ_ANSWERS_FILE": str(answers)})
    redis = Redis.from_url(redis_server["url"], decode_responses=True)
    await AccountStore(redis, RedisKeys(prefix)).create("admin", PASSWORD, ADMIN, "系统管理员")
    runner = web.AppRunner(init_app(settings), access_log_class=RouteAccessLogger)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", settings.console_port).start()
    yield f"http://127.0.0.1:{settings.console_port}", answers
    await runner.cleanup()
    await redis.close(close_connection_pool=True)


async def fits(tab) -> bool:
    return await tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


async def test_an_admin_updates_the_minimum_wage_on_a_phone(browser, console):
    base, answers = console
    context = await browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    tab = await context.new_page()
    tab.set_default_timeout(20_000)
    await sign_in(tab, base, "admin")
    await tab.goto(f"{base}/admin/answers")
    assert await fits(tab)
    await tab.click("a[href='/admin/answers/minimum_wage']")
    assert await fits(tab)

    # Only the texts: the required fact still says 2540, so the check names it.
    for box in await tab.locator("textarea[name=short], textarea[name=detail], textarea[name^='sub:']").all():
        await box.fill((await box.input_value()).replace("2540", "2720"))
    await tab.click("button[value=preview]")
    assert "详细规定缺少必备内容：2540" in await tab.inner_text("#answer-problems")

    facts = tab.locator("textarea[name=facts]")
    await facts.fill((await facts.input_value()).replace("2540", "2720"))
    await tab.click("button[value=preview]")
    await tab.wait_for_selector("#answer-checked")
    bubbles = await tab.locator("#answer-preview .bubble").all_inner_texts()
    assert bubbles and "2720" in bubbles[0] and not any("2540" in b for b in bubbles)
    assert await fits(tab)
    await tab.screenshot(path=str(RESULTS / "answer_edit_phone.png"), full_page=True)

    await tab.fill("input[name=reason]", "最低工资调整")
    await tab.click("button[value=save]")
    await tab.wait_for_selector("text=版本1")
    assert "职工下一次提问就会收到新回答" in await tab.inner_text("body")
    assert "2720" in AnswerStore(answers).current().topics["minimum_wage"].short
    await context.close()
