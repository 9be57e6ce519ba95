"""The console in a real browser against the real assistant: signing in, district scoping,
a live takeover of a worker's WeChat conversation, and an appeal resolved with the worker
notified. Screenshots of the queue and of a conversation go to var/test-results/."""
from __future__ import annotations

import asyncio
import time

import aiohttp

from bot.appeals import AppealStore
from tests.browser.conftest import PASSWORD, RESULTS, sign_in
from tests.integration.test_appeals_conversation import file_simple_appeal
from tests.integration.wechat_worker import Worker


async def sim_messages(stack, openid: str, at_least: int, timeout: float = 20.0) -> list:
    """Customer-service messages the simulator recorded for `openid`, waiting for `at_least`."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while True:
            async with http.get(f"{stack.simulator_url}/_sim/messages", params={"touser": openid}) as response:
                messages = [m["content"] for m in (await response.json())["messages"]]
            if len(messages) >= at_least or time.monotonic() > deadline:
                return messages
            await asyncio.sleep(0.3)


async def test_sign_in_wrong_password_and_admin_pages(page, console_url, staff):
    await page.goto(console_url + "/")
    assert "/login" in page.url
    await page.fill("input[name=username]", "admin")
    await page.fill("input[name=password]", "not the password")
    await page.click("button[type=submit]")
    assert "用户名或密码错误" in await page.inner_text(".flash-error")

    await sign_in(page, console_url, "admin")
    assert "系统管理员" in await page.inner_text(".topbar")
    await page.click("text=账号管理")
    await page.fill("input[name=username]", "fengtai")
    await page.fill("input[name=display_name]", "丰台 孙老师")
    await page.select_option("select[name=role]", "district")
    await page.select_option("select[name=district]", "丰台区")
    await page.fill(".side input[name=password]", PASSWORD)
    await page.click(".side button[type=submit]")
    assert "已创建账号 fengtai" in await page.inner_text(".flash")
    await page.click("text=操作日志")
    assert "创建账号" in await page.inner_text("table.audit")
    await page.click("button:has-text('退出')")
    await page.wait_for_url("**/login")


async def test_district_staff_cannot_open_another_districts_appeal(page, console_url, staff, appeals):
    haidian = await appeals.create(description="单位不签劳动合同", category="labor_contract", district="海淀区",
                                   openid="o_browser_haidian", phone="13900001111")
    chaoyang = await appeals.create(description="加班不给加班费", category="overtime_pay", district="朝阳区",
                                    employer="朝阳某科技公司", openid="o_browser_chaoyang", phone="13800002222")
    await sign_in(page, console_url, "chaoyang")
    queue_text = await page.inner_text("#queue")
    assert chaoyang.ticket_id in queue_text and haidian.ticket_id not in queue_text

    # Another district's appeal looks exactly like a missing one: ticket numbers cannot be probed.
    refused = await page.goto(f"{console_url}/appeals/{haidian.ticket_id}")
    assert refused.status == 404 and "没有找到这个诉求编号" in await page.inner_text("main")
    api = await page.goto(f"{console_url}/api/appeals/{haidian.ticket_id}")
    assert api.status == 404

    opened = await page.goto(f"{console_url}/appeals/{chaoyang.ticket_id}")
    assert opened.status == 200 and "138****2222" in await page.inner_text("#phone")
    await page.click("text=显示完整号码")
    assert (await page.inner_text("#phone")).strip() == "13800002222"


async def test_take_over_reply_hand_back_with_live_queue_and_emergency_banner(page, console_url, staff, stack,
                                                                             worker, appeals):
    # Some ordinary work of a day in the queue (filed earlier), so the screenshot shows one.
    now = time.time()
    for hours_ago, fields in (
            (0.7, dict(description="公司拖欠三个月工资，十几个工友都没拿到", category="wage_arrears", district="朝阳区",
                       employer="顺达物流公司", headcount=12, openid="o_browser_a1", phone="13812345678")),
            (3.2, dict(description="上班路上被车撞了，公司不给报工伤", category="work_injury", district="丰台区",
                       employer="丰台某建筑公司", openid="o_browser_a2")),
            (30, dict(description="公司要求每天加班到晚上十点，没有加班费", category="overtime_pay", district="海淀区",
                      employer="海淀某电商公司", openid="o_browser_a3"))):  # past its one-day step: 督办
        earlier = AppealStore(appeals.redis, appeals.keys, clock=lambda: now - hours_ago * 3600)
        await earlier.create(**fields)
    assert "工作人员" in await worker.says("我要找人工")

    await sign_in(page, console_url, "city")
    row = page.locator(f'tr[data-id="conversation:{worker.openid}"]')
    await row.wait_for()
    assert "职工要求转人工" in await row.inner_text()

    # A new emergency arrives while the page is open: the live queue shows the banner.
    other = Worker(stack)
    try:
        reply = await other.says("老板欠薪不给，工友站在楼顶说要跳楼")
        assert "110" in reply
        await page.locator("#alert-banner").wait_for(state="visible", timeout=20_000)
        assert "紧急求助" in await page.inner_text("#alert-banner")
        # The emergency leads the queue as one item: the conversation carries its urgent
        # appeal (one crisis, one queue item), no second row for the appeal.
        first = page.locator("#queue-rows tr").first
        assert await first.get_attribute("data-id") == f"conversation:{other.openid}"
        assert "priority-emergency" in await first.get_attribute("class")
        ticket = reply.split("编号")[1][:14]
        assert ticket.startswith("GH") and await page.locator(f'tr[data-id="appeal:{ticket}"]').count() == 0
        assert "督办" in await page.inner_text("#queue-rows")
        await page.wait_for_timeout(3500)  # let the highlight of new rows fade for the picture
        RESULTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(RESULTS / "console_queue.png"), full_page=True)
    finally:
        await other.close()

    await row.locator("a.row-link").click()
    await page.wait_for_url(f"**/conversations/{worker.openid}")
    assert "request_human" in await page.inner_text("#transcript")
    await page.click("button:has-text('接管')")
    assert "已接管" in await page.inner_text(".flash")
    assert await worker.says("我们公司三个月没发工资了") == "", "the bot stays quiet while staff have it"

    await page.fill("textarea[name=text]", "您好，我是市总工会的李老师。请问公司叫什么名字，在哪个区？")
    await page.click("button:has-text('发送')")
    assert "已发送给职工" in await page.inner_text(".flash")
    messages = await sim_messages(stack, worker.openid, 1)
    assert "我是市总工会的李老师" in messages[-1]
    await page.locator("#transcript").get_by_text("我们公司三个月没发工资了").wait_for()
    await page.screenshot(path=str(RESULTS / "console_conversation.png"), full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("button:has-text('交还机器人')")
    assert "已交还机器人" in await page.inner_text(".flash")
    assert "本次人工服务已结束" in (await sim_messages(stack, worker.openid, 2))[-1]
    answer = await worker.says("加班费怎么算")
    assert answer and "加班" in answer, "the bot answers again"


async def test_resolving_an_appeal_notifies_the_worker(page, console_url, staff, stack, worker):
    ticket = await file_simple_appeal(worker)  # 海淀区, filed through the bot in WeChat
    await sign_in(page, console_url, "city")
    await page.goto(f"{console_url}/appeals/{ticket}")
    assert "华联超市" in await page.inner_text("main")

    await page.click("button:has-text('派单')")
    assert "已派单" in await page.inner_text(".flash")
    await page.click("button:has-text('开始办理')")
    assert "处理中" in await page.inner_text(".flash")
    await page.fill("form:has(input[value=resolved]) textarea[name=note]", "单位已为您补缴社保")
    await page.click("button:has-text('办结')")
    flash = await page.inner_text(".flash")
    assert "已办结" in flash and "已通过微信通知职工" in flash
    messages = await sim_messages(stack, worker.openid, 4)
    assert any("已办结" in m and "单位已为您补缴社保" in m for m in messages)
    assert any("打个分" in m for m in messages), "the 回访 question follows"
    history = await page.inner_text("table.history")
    assert "已办结" in history and "市总 李老师" in history, "staff are named by their display name"
