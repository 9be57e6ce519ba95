"""The console on a phone and at a desk, in Chromium against the real assistant: every page
as city staff, district staff and admin at 390×844 fits the screen with no text squeezed to
one character per line; the queue's SLA countdown ticks in the page (and reads without
scripts); a staff member inserts a 常用回复, keeps an internal note and replies — WeChat
gets the reply, never the note. Screenshots of the queue and a conversation at 1366×768
and 390×844 go to the test results folder."""
from __future__ import annotations

import itertools
import re
import time

import pytest
from redis.asyncio import Redis

from bot.appeals import AppealStore, Status
from bot.console.canned_replies import CannedReplies
from bot.escalations import EscalationStore
from bot.redis_keys import RedisKeys
from tests.browser.conftest import PREFIX, sign_in, sign_out
from tests.browser.layout_probe import PROBE
from tests.browser.test_console_browser import sim_messages
from tests.integration.wechat_worker import Worker

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}
NOTE = "内部：单位疑似已转移资产，先核实再答复（不要告诉职工）"
CANNED = "请问您所在单位的全称是？在哪个区？"
# Each worker a different name and employers: the package's other tests watch for clusters
# (three appeals against one employer raise an insight warning).
WORKERS = itertools.cycle([("张师傅", "北京老王装饰工程有限公司", "海淀明达科技有限公司"),
                           ("李大姐", "顺意货运有限公司", "海淀华星超市"),
                           ("王建国", "京南彩钢板厂", "海淀青松物业公司")])


@pytest.fixture
async def stores(console_env):
    redis = Redis.from_url(console_env["REDIS_URL"], decode_responses=True)
    keys = RedisKeys(PREFIX)
    yield AppealStore(redis, keys), CannedReplies(redis, keys), EscalationStore(redis, keys)
    await redis.close(close_connection_pool=True)


@pytest.fixture
async def waiting_worker(stack, stores):
    """A worker of 朝阳区 (an earlier appeal under their name) who asked for a person."""
    appeals, canned, escalations = stores
    person = Worker(stack)
    name, employer, elsewhere = next(WORKERS)
    appeal = await appeals.create(description="从9月开始就没发工资，我们五六个人每人欠四五千", category="wage_arrears",
                                  district="朝阳区", employer=employer, headcount=6,
                                  openid=person.openid, name=name, phone="13812345678")
    await appeals.create(description="公司要求每天加班到晚上十点，没有加班费，已经持续两个多月了", category="overtime_pay",
                         district="海淀区", employer=elsewhere, openid="o_phone_haidian")
    if not any(reply.text == CANNED for reply in await canned.list()):
        await canned.create("询问单位和区", CANNED, "admin")
    await person.says("老板三个月没发工资了")
    assert "工作人员" in await person.says("我要找人工")
    yield person, appeal
    await escalations.release(person.openid)  # out of the queue of the tests that follow
    await person.close()


async def _tab(browser, viewport, **options):
    context = await browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    tab = await context.new_page()
    tab.set_default_timeout(20_000)
    return context, tab


async def _pages_of(tab, base: str, extra: list) -> list:
    """Every page the menus link to, plus the detail pages given."""
    links = await tab.eval_on_selector_all(".topbar a[href^='/']", "els => els.map(e => e.getAttribute('href'))")
    return list(dict.fromkeys(["/", *links, *extra]))


async def _layout_problems(tab, url: str) -> list:
    found = await tab.evaluate(PROBE)
    problems = []
    if found["scrollWidth"] > PHONE["width"]:
        problems.append(f"{url}: page is {found['scrollWidth']} px wide ({'; '.join(found['wide'][:3])})")
    problems += [f"{url}: squeezed {item}" for item in found["squeezed"]]
    return problems


async def test_every_page_fits_a_phone_for_every_role(browser, console_url, staff, waiting_worker):
    worker, appeal = waiting_worker
    context, tab = await _tab(browser, PHONE)
    await tab.goto(console_url + "/login")
    problems = await _layout_problems(tab, "/login")
    visited = {}
    for username in ("city", "chaoyang", "admin"):
        await sign_out(tab)
        await sign_in(tab, console_url, username)
        extra = [f"/conversations/{worker.openid}", f"/appeals/{appeal.ticket_id}", "/?type=handover&overdue=0",
                 "/?type=nonsense", "/account/password"]
        if username == "admin":
            extra += ["/admin/answers/minimum_wage", "/admin/answers/new"]
        pages = await _pages_of(tab, console_url, extra)
        visited[username] = pages
        for url in pages:
            response = await tab.goto(console_url + url)
            assert response.status in (200, 400), f"{username} {url}: {response.status}"
            problems += [f"{username} {problem}" for problem in await _layout_problems(tab, url)]
    await context.close()
    assert "/admin/canned-replies" in visited["admin"] and "/admin/audit" in visited["admin"]
    assert "/admin/answers" in visited["admin"] and "/admin/answers" not in visited["chaoyang"]
    assert len(visited["admin"]) > len(visited["chaoyang"])
    assert problems == []


async def test_sla_countdown_ticks_and_reads_without_scripts(browser, console_url, staff, waiting_worker):
    worker, appeal = waiting_worker
    row = f'tr[data-id="conversation:{worker.openid}"]'
    context, tab = await _tab(browser, DESK)
    await tab.clock.install()
    # The live queue's poll would put fresh server text back; the tick alone is under test here.
    await tab.route("**/api/queue*", lambda route: route.abort())
    await sign_in(tab, console_url, "chaoyang")
    sla = tab.locator(f"{row} .sla")
    assert re.fullmatch(r"剩 1[45] 分钟", (await sla.inner_text()).strip())
    assert "转人工" in await tab.inner_text(f"{row} .col-kind") and appeal.name in await tab.inner_text(row)
    await tab.clock.fast_forward("20:00")  # past the 15 minutes of a handover, polls paused with the clock
    await tab.wait_for_function(f"document.querySelector('{row} .sla').textContent.startsWith('已超时')")
    assert "sla-overdue" in await sla.get_attribute("class")
    await context.close()

    context, tab = await _tab(browser, PHONE, java_script_enabled=False)
    await sign_in(tab, console_url, "chaoyang")
    assert re.fullmatch(r"剩 1[45] 分钟", (await tab.inner_text(f"{row} .sla")).strip()), "server-rendered"
    await context.close()


async def _a_days_work(stores) -> list:
    """Other items of 朝阳区's queue, so the pictures show the kinds side by side."""
    appeals, _, escalations = stores
    now = time.time()
    late = AppealStore(appeals.redis, appeals.keys, clock=lambda: now - 30 * 3600)
    await late.create(description="公司要求每天加班到晚上十点，没有加班费", category="overtime_pay", district="朝阳区",
                      employer="朝阳星光餐饮店", openid="o_phone_late")  # past its one day: 督办
    assigned = await appeals.create(description="上班路上被车撞了，公司不给报工伤", category="work_injury",
                                    district="朝阳区", employer="朝阳鸿运建材厂", openid="o_phone_injury", name="赵师傅")
    await appeals.transition(assigned.ticket_id, Status.ASSIGNED, "staff:city", "请朝阳区核实", assignee="chaoyang")
    await escalations.escalate("o_phone_busy", "system_busy", excerpt="工伤认定要多久？", district="朝阳区")
    return ["o_phone_busy"]


async def test_canned_reply_note_and_reply_with_screenshots(browser, console_url, staff, stack, stores,
                                                            waiting_worker, test_results):
    worker, appeal = waiting_worker
    escalated = await _a_days_work(stores)
    try:
        await _work_a_conversation(browser, console_url, stack, worker, appeal.name, test_results)
    finally:
        for openid in escalated:
            await stores[2].release(openid)


async def _work_a_conversation(browser, console_url, stack, worker, name, test_results):
    context, tab = await _tab(browser, DESK)
    await sign_in(tab, console_url, "chaoyang")
    await tab.wait_for_timeout(500)
    await tab.screenshot(path=str(test_results / "queue_1366x768.png"), full_page=True)
    assert (await tab.evaluate(PROBE))["squeezed"] == [], "no squeezed text at a desk either"
    assert re.search(r"职工-[0-9A-F]{4}", await tab.inner_text("#queue")), "a worker without a name: pseudonym"
    await tab.locator(f'tr[data-id="conversation:{worker.openid}"] a.row-link').click()
    await tab.wait_for_url(f"**/conversations/{worker.openid}")
    assert name in await tab.inner_text("h1") and worker.openid not in await tab.inner_text("body")
    await tab.click("button:has-text('接管')")
    assert "已接管" in await tab.inner_text(".flash")

    await tab.click("#canned-replies a:has-text('询问单位和区')")
    assert await tab.input_value("#reply-text") == CANNED, "inserted into the reply box, not sent"
    assert "职工会在微信里看到" in await tab.inner_text(".reply-form")
    await tab.fill("#note-text", NOTE)
    await tab.click("button:has-text('保存备注')")
    assert "职工看不到" in await tab.inner_text(".flash") and NOTE in await tab.inner_text("#notes")
    await tab.click("#canned-replies a:has-text('询问单位和区')")
    await tab.click("button:has-text('发送给职工')")
    assert "已发送给职工" in await tab.inner_text(".flash")
    messages = await sim_messages(stack, worker.openid, 1)
    assert CANNED in messages and not any(NOTE in message for message in messages)
    await tab.screenshot(path=str(test_results / "conversation_1366x768.png"), full_page=True)
    assert (await tab.evaluate(PROBE))["squeezed"] == []
    await context.close()

    context, tab = await _tab(browser, PHONE)
    await sign_in(tab, console_url, "chaoyang")
    await tab.wait_for_timeout(500)
    await tab.screenshot(path=str(test_results / "queue_390x844.png"), full_page=True)
    await tab.goto(f"{console_url}/conversations/{worker.openid}")
    await tab.screenshot(path=str(test_results / "conversation_390x844.png"), full_page=True)
    await context.close()
    # Hand back, so this worker leaves the queue of the tests that follow.
    desk, tab = await _tab(browser, DESK)
    await sign_in(tab, console_url, "chaoyang")
    await tab.goto(f"{console_url}/conversations/{worker.openid}")
    tab.once("dialog", lambda dialog: dialog.accept())
    await tab.click("button:has-text('交还机器人')")
    assert "已交还机器人" in await tab.inner_text(".flash")
    await desk.close()
