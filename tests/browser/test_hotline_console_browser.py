"""A call put through to a person, seen and worked in the console in Chromium: the call comes
in over the hotline's signed protocol on the real stack (Rasa with the model, the action
server, Redis), asks for a person, appears in the console's queue; its page shows what the
caller said; staff file an appeal for the caller from that page (工单录入), at a desk and with
the form at 390 px; the ticket carries the caller's number and the hotline channel; moving
it puts the caller on the call-back list (回访 by phone)."""
from __future__ import annotations

import uuid

from bot.settings import DEV_HOTLINE_SECRET
from channels.hotline import prompts
from channels.hotline_sim.ivr import Call
from tests.browser.conftest import sign_in, sign_out
from tests.browser.layout_probe import PROBE

PHONE = {"width": 390, "height": 844}
SAID = "老板三个月没发工资了"


async def put_through(stack) -> Call:
    """A caller who says what happened and presses 0 for a person."""
    call = Call(f"http://127.0.0.1:{stack.rasa_port}/webhooks/hotline/webhook", DEV_HOTLINE_SECRET,
                caller="139" + str(uuid.uuid4().int)[:8])
    assert (await call.start()).status == 200
    answer = await call.says(SAID)
    for _ in range(10):  # a holding prompt: the bot's answer comes at the next turn
        if prompts.HOLD not in answer.said:
            break
        answer = await call.silence()
    transfer = await call.presses("0")
    assert transfer.ends_with("transfer"), transfer.actions
    return call


async def test_staff_file_an_appeal_for_a_transferred_caller(browser, page, console_url, stack, appeals):
    call = await put_through(stack)
    worker = f"hotline-{call.call_id}"
    await sign_in(page, console_url, "city")
    link = page.locator(f"a[href='/conversations/{worker}']")
    await link.first.wait_for()  # in the queue at once
    await page.goto(f"{console_url}/conversations/{worker}")  # the screen pop (the IVR's context_url)
    assert SAID in await page.inner_text("#transcript")
    assert call.caller not in await page.content()  # masked until revealed
    assert await page.is_checked("#filing-use-caller")

    await page.select_option("#filing-category", "wage_arrears")
    await page.select_option("#filing-district", "朝阳区")
    await page.fill("#filing-employer", "京南彩钢板厂")
    await page.fill("#filing-description", "彩钢板厂三个月没发工资，车间八个人都没拿到")
    await page.fill("#filing-headcount", "八个")  # not a number: the form comes back, nothing filed
    await page.check("#filing-consent")
    await page.click("#filing-submit")
    assert "涉及人数须为" in await page.inner_text("#error-headcount")
    assert await appeals.list(phone=call.caller) == []
    assert await page.input_value("#filing-employer") == "京南彩钢板厂"  # what was typed comes back

    await page.fill("#filing-headcount", "8")
    await page.fill("#filing-name", "周师傅")
    await page.click("#filing-submit")
    await page.wait_for_url(f"{console_url}/appeals/GH*")
    ticket = page.url.rsplit("/", 1)[1]
    assert ticket in await page.inner_text(".flash-ok")
    appeal = await appeals.get(ticket)
    assert appeal.phone == call.caller and appeal.channel == "hotline" and appeal.filed_by == "city"
    assert appeal.openid == worker and appeal.headcount == 8 and appeal.district == "朝阳区"

    # 朝阳区 staff move it on; the caller has no push: the call-back list tells staff to call.
    await sign_out(page)
    await sign_in(page, console_url, "chaoyang")
    await page.goto(f"{console_url}/appeals/{ticket}")
    async with page.expect_navigation():
        await page.click("form[action$='/transition'] button")
    await page.goto(f"{console_url}/callbacks")
    row = page.locator(f"#cb-{ticket}")
    assert "周师傅" in await row.inner_text() and call.caller[:3] + "****" in await row.inner_text()


async def test_the_filing_form_fits_a_phone(browser, console_url, stack):
    call = await put_through(stack)
    context = await browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    tab = await context.new_page()
    tab.set_default_timeout(20_000)
    try:
        await sign_in(tab, console_url, "city")
        for url in (f"/conversations/hotline-{call.call_id}", "/appeals/new", "/callbacks"):
            await tab.goto(console_url + url)
            found = await tab.evaluate(PROBE)
            assert found["scrollWidth"] <= PHONE["width"], (url, found["wide"][:3])
            assert found["squeezed"] == [], (url, found["squeezed"][:3])
        await tab.goto(f"{console_url}/conversations/hotline-{call.call_id}")
        box = await tab.locator("#filing-submit").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    finally:
        await context.close()
