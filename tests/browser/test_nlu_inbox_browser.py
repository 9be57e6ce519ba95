"""The NLU inbox in a real browser against the real assistant: workers write through the WeChat
simulator, their messages reach the inbox through Rasa's event broker, an admin filters,
corrects one with the keyboard and confirms the rest in bulk. Screenshot in var/test-results/."""
from __future__ import annotations

import asyncio
import json
import time

import pytest
from redis.asyncio import Redis

from bot.capture.record import decode
from bot.redis_keys import RedisKeys
from tests.browser.conftest import PREFIX, RESULTS, playwright_api, sign_in, sign_out
from tests.integration.wechat_worker import Worker

KEYS = RedisKeys(PREFIX)
MESSAGES = [  # (worker, text): the first two are one text as far as training goes
    (0, "外卖平台罚我款 合理吗"), (1, "外卖平台罚我款，合理吗？"), (0, "骑手摔伤了谁管 电话13900001111"),
    (2, "呃呃那个东西"), (2, "公司让我签自愿放弃社保"),
]


@pytest.fixture
async def redis(console_env):
    client = Redis.from_url(console_env["REDIS_URL"], decode_responses=True)
    yield client
    await client.close(close_connection_pool=True)


async def captured_texts(redis, wanted: set, timeout: float = 30.0) -> set:
    deadline = time.monotonic() + timeout
    while True:
        texts = {decode(fields)["text"] for _, fields in await redis.xrange(KEYS.capture_stream())}
        if wanted <= texts or time.monotonic() > deadline:
            return texts
        await asyncio.sleep(0.3)


async def annotation(redis, key: str) -> dict:
    raw = await redis.hget(KEYS.nlu_annotations(), key)
    return json.loads(raw) if raw else {}


async def test_inbox_filter_keyboard_correction_and_bulk_confirm(page, console_url, staff, stack, redis):
    workers = [Worker(stack) for _ in range(3)]
    try:
        for who, text in MESSAGES:
            assert await workers[who].says(text)
    finally:
        for worker in workers:
            await worker.close()
    wanted = {"外卖平台罚我款 合理吗", "外卖平台罚我款，合理吗？", "骑手摔伤了谁管 电话139****1111", "呃呃那个东西",
              "公司让我签自愿放弃社保"}
    assert wanted <= await captured_texts(redis, wanted)

    await sign_in(page, console_url, "admin")
    await page.click("text=NLU收件箱")
    await page.wait_for_url(f"{console_url}/admin/nlu-inbox")
    grouped = page.locator("tr.inbox-row", has_text="外卖平台罚我款")
    assert await grouped.count() == 1 and (await grouped.locator("td.count").inner_text()).strip() == "2"

    # Filter by text: one group, the phone masked.
    await page.fill("input[name=q]", "骑手")
    await page.click("#inbox-filters button[type=submit]")
    await page.wait_for_url("**q=**")
    rows = page.locator("tr.inbox-row")
    assert await rows.count() == 1
    row = rows.first
    assert "139****1111" in await row.inner_text() and "13900001111" not in await page.content()
    assert 1 <= await row.locator("td.top3 > div").count() <= 3

    # Correct it with the keyboard: the row is focused, "2" is the second frequent label.
    second = await page.get_attribute('.shortcut[data-key="2"]', "data-intent")
    key = await row.get_attribute("data-key")
    await page.keyboard.press("2")
    await page.locator("tr.inbox-row.reviewed").wait_for()
    assert "已更正" in await row.locator("td.review-state").inner_text()
    saved = await annotation(redis, key)
    assert saved["status"] == "corrected" and saved["intent"] == second and saved["by"] == "admin"

    # Everything, for the picture: unreviewed first, the corrected one after them.
    await page.goto(f"{console_url}/admin/nlu-inbox?status=all")
    await page.locator("tr.inbox-row.reviewed").wait_for()
    RESULTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(RESULTS / "nlu_inbox.png"), full_page=True)
    # The default view (unreviewed), then bulk-confirm the selection.
    await page.goto(f"{console_url}/admin/nlu-inbox")
    await page.locator("tr.inbox-row").first.wait_for()
    assert await page.locator("tr.inbox-row", has_text="骑手摔伤了").count() == 0  # reviewed: out of the default view
    keys = [await r.get_attribute("data-key") for r in await page.locator("tr.inbox-row").all()]
    await page.check("#select-all")
    assert f"已选 {len(keys)} 组" in await page.inner_text("#selected-count")
    await page.click('button[data-bulk="confirm"]')
    await playwright_api.expect(page.locator("tr.inbox-row:not(.reviewed)")).to_have_count(0)
    for group in keys:
        assert (await annotation(redis, group))["status"] == "confirmed"
    await page.reload()
    assert await page.locator("tr.inbox-row").count() == 0

    # District staff: 403 on the page.
    await sign_out(page)
    await sign_in(page, console_url, "chaoyang")
    response = await page.goto(f"{console_url}/admin/nlu-inbox")
    assert response.status == 403
    assert await page.locator("text=NLU收件箱").count() == 0
