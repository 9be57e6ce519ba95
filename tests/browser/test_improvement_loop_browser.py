"""The whole improvement loop of issue 12 in Chromium, in one flow, against the real stack with
two Rasa workers: workers' messages the bot misunderstands, sent through the WeChat simulator →
the NLU inbox → an admin corrects them → trains (tiny configuration) with live progress → sees
the comparison → activates over the gate with a written reason → every worker serves the
candidate (each one's /status names it) while a conversation carries on → the same messages
sent again through WeChat are understood, parsed by the candidate → one-click rollback → the
earlier behaviour is back. A district account gets 403 on the admin pages. Screenshots go to
var/test-results/.

The inbox exports into a copy of nlu_data/ and tests/nlu/ (NLU_EXPORT_ROOT), which the
trainer trains on, so the run never writes the repository's training data."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.capture.grouping import group_key
from bot.capture.export import is_heldout
from bot.console.accounts import ADMIN, DISTRICT, AccountStore
from bot.models_registry.registry import ModelRegistry
from bot.redis_keys import RedisKeys
from tests.browser.conftest import PASSWORD, RESULTS, sign_in, sign_out
from tests.integration.models_registry.serving import status_model_ids, wait_until_served
from tests.integration.stack import Stack
from tests.integration.wechat_worker import Worker

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "integration" / "models_registry" / "tiny_config.yml"
PREFIX = "loop:"
TOKEN = "loop-browser-token-12351-abcdef"
# Colloquial messages with what they mean; trained models have got at least two of them wrong
# (fallback or another intent), and the test corrects those it gets wrong. None falls into
# the inbox's held-out share (they must be trained on). (三方那边不给我续约 → labor_contract was
# one too, but the tiny configuration's 3 epochs did not learn it from one example.) As the
# model improves it understands more of them (with the second intent reader, 3 of the first 4),
# so the list holds more than it needs.
MEANINGS = {
    "被毕业了能拿几个N": "faq/severance_calc",
    "手停口停的日子工会管不管": "faq/hardship_aid",
    "头儿不让歇年休": "faq/annual_leave",
    "给我俩月工钱当补偿合理不": "faq/severance_calc",
    "老板说我不是他的人 是外包那边派来的 同样的活钱少一半": "faq/dispatch_work",
    "大肚子了 主管天天给我穿小鞋 让我自己走人": "faq/women_protection",
}
# The pull interval plus loading on 2 busy cores (bot/rasa_model_pulling.py; measured, printed).
SWITCH_TIMEOUT = 180


def rest(port: int, sender: str, text: str) -> list:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                                     data=json.dumps({"sender": sender, "message": text}).encode("utf-8"),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return [m.get("text", "") for m in json.loads(response.read())]


def user_turns(port: int, sender: str) -> list:
    """(text, understood label, model_id) of each worker message in the conversation: the label
    is the FAQ topic for `faq`, `nlu_fallback` when the bot did not understand."""
    url = f"http://127.0.0.1:{port}/conversations/{urllib.parse.quote(sender)}/tracker?token={TOKEN}"
    events = json.loads(urllib.request.urlopen(url, timeout=30).read())["events"]
    turns = []
    for event in events:
        if event.get("event") == "user":
            intent = event.get("parse_data", {}).get("intent", {})
            label = intent.get("full_retrieval_intent_name") or intent.get("name")
            turns.append((event["text"], label, event.get("metadata", {}).get("model_id")))
    return turns


async def understood(stack: Stack, port: int) -> dict:
    """Each misunderstood message sent through WeChat by its own new worker: text → (label, model_id)."""
    seen = {}
    for text in MEANINGS:
        worker = Worker(stack)
        try:
            assert await worker.says(text), f"no answer to {text}"
        finally:
            await worker.close()
        [(said, label, model_id)] = user_turns(port, worker.openid)
        seen[said] = (label, model_id)
    return seen


@pytest.fixture(scope="module")
def export_root(tmp_path_factory) -> Path:
    """A copy of the training data and test sets for the inbox export and the trainer."""
    root = tmp_path_factory.mktemp("loop-data")
    shutil.copytree(ROOT / "nlu_data", root / "nlu_data")
    shutil.copytree(ROOT / "tests" / "nlu", root / "tests" / "nlu")
    return root


@pytest.fixture(scope="module")
def two_workers(redis_server, model_path, export_root, tmp_path_factory):
    env = {"KEY_PREFIX": PREFIX, "RASA_API_TOKEN": TOKEN, "RASA_WORKERS": "2", "TRAINING_CONFIG": str(TINY),
           "NLU_EXPORT_ROOT": str(export_root)}
    running = Stack(redis_server["url"], tmp_path_factory.mktemp("loop") / "launcher.log", env).start()
    yield running
    running.kill()


@pytest.fixture
async def registry(redis_server):
    redis = Redis.from_url(redis_server["url"], decode_responses=True)
    store = AccountStore(redis, RedisKeys(PREFIX))
    if await store.get("admin") is None:
        await store.create("admin", PASSWORD, ADMIN, "系统管理员")
        await store.create("chaoyang", PASSWORD, DISTRICT, "朝阳 王老师", district="朝阳区")
    yield ModelRegistry(redis, RedisKeys(PREFIX))
    # A training this test left running (it failed midway) must not outlive it: its own
    # process group survives the stack by design (a console restart does not stop a training).
    progress = await redis.hgetall(RedisKeys(PREFIX).training_progress())
    if progress.get("pgid") and progress.get("stage") in ("queued", "validating", "training", "saving", "evaluating"):
        try:
            os.killpg(int(progress["pgid"]), signal.SIGKILL)
        except ProcessLookupError:
            pass
    await redis.close(close_connection_pool=True)


async def correct_in_inbox(page, base: str, misunderstood: dict) -> None:
    for text, intent in misunderstood.items():
        row = page.locator("tr.inbox-row", has_text=text)
        deadline = time.monotonic() + 30  # the event broker writes the capture after the turn
        while True:
            await page.goto(f"{base}/admin/nlu-inbox?" + urllib.parse.urlencode({"q": text}))
            if await row.count() or time.monotonic() > deadline:
                break
            await asyncio.sleep(1)
        await row.locator("select.row-intent").select_option(intent)
        await row.locator("button[data-action=correct]").click()
        await page.locator("tr.inbox-row.reviewed", has_text=text).wait_for()
        assert "已更正" in await row.locator("td.review-state").inner_text()


async def train_and_compare(page, base: str) -> str:
    """Start a training, watch its live progress, open the comparison: the candidate's id."""
    await page.goto(base + "/admin/training")
    await page.click("#tp-start button")
    await page.wait_for_selector("#training-progress[data-running=true]")
    # Live progress: the epoch counter of a TensorFlow component appears without a reload
    # (polled from here: the page's CSP forbids the eval behind wait_for_function). Rasa
    # restores unchanged components from its cache, so the end of the run also ends this wait.
    deadline = time.monotonic() + 900
    while "/" not in (await page.text_content("#tp-epoch") or "") and not await page.locator("#tp-result a").count():
        assert time.monotonic() < deadline, "no epoch progress shown in 15 min"
        await asyncio.sleep(1)
    await page.screenshot(path=str(RESULTS / "training_progress.png"), full_page=True)
    assert await page.text_content("#tp-elapsed") not in ("", "—")
    await page.wait_for_selector("#tp-result a", timeout=1_800_000)  # trained and evaluated
    await page.click("#tp-result a")
    await page.wait_for_selector("#gate-result")
    assert await page.locator("figure svg").count() == 2  # confusion matrix, confidence histogram
    await page.screenshot(path=str(RESULTS / "model_comparison.png"), full_page=True)
    return page.url.rsplit("/", 1)[1]


@pytest.mark.timeout(3000)
async def test_misunderstood_messages_corrected_trained_activated_everywhere_and_rolled_back(
        page, two_workers, registry, export_root):
    assert not any(is_heldout(group_key(text)) for text in MEANINGS), "a message would be held out"
    base, port = two_workers.console_url, two_workers.rasa_port
    first = await registry.active_id()
    original = (await registry.get(first)).rasa_model_id
    assert first and set(status_model_ids(port, TOKEN)) == {original}, "bootstrap: models/ newest served"

    before = await understood(two_workers, port)
    misunderstood = {text: meaning for text, meaning in MEANINGS.items() if before[text][0] != meaning}
    print(f"\nmisunderstood by the served model: {misunderstood}")
    assert len(misunderstood) >= 2, f"the served model understands nearly all of them: {before}"

    await sign_in(page, base, "chaoyang")
    for path in ("/admin/nlu-inbox", "/admin/training", "/admin/models", f"/admin/models/{first}", "/api/training"):
        response = await page.goto(base + path)
        assert response.status == 403, path
    await sign_out(page)

    await sign_in(page, base, "admin")
    await correct_in_inbox(page, base, misunderstood)
    candidate_id = await train_and_compare(page, base)
    candidate = await registry.get(candidate_id)
    assert candidate.trained_by == "admin" and candidate.metrics["crisis_recall"] is not None
    exported = (export_root / "nlu_data" / "nlu" / "annotated.yml").read_text(encoding="utf-8")
    assert all(text in exported for text in misunderstood), "the corrections were trained on"

    rest(port, "worker-switch", "你好")
    if await page.locator("textarea[name=reason]").count():  # the tiny model may fail the gate
        # The browser will not send the form without a reason (the server refuses it too).
        assert await page.get_attribute("textarea[name=reason]", "required") is not None
        await page.fill("textarea[name=reason]", "浏览器测试：小配置模型，验证更正、启用与回滚流程")
    await page.click("#activate-form button")
    await page.wait_for_url(base + "/admin/models")
    answered = []
    seconds = wait_until_served(port, TOKEN, candidate.rasa_model_id, SWITCH_TIMEOUT,
                                during=lambda: answered.append(bool(rest(port, "worker-switch", "年假有几天"))))
    print(f"\nactivation → every worker serves the candidate: {seconds:.1f} s; turns during the switch: {answered}")
    assert all(answered), "a turn during the switch went unanswered"
    assert "使用中" in await page.locator(f"tr[data-model='{candidate_id}']").text_content()

    after = await understood(two_workers, port)
    assert {text: after[text] for text in misunderstood} == {
        text: (meaning, candidate.rasa_model_id) for text, meaning in misunderstood.items()}

    await page.click(f"tr[data-model='{first}'] button")  # one click back
    await page.wait_for_url(base + "/admin/models")
    seconds = wait_until_served(port, TOKEN, original, SWITCH_TIMEOUT)
    print(f"rollback → every worker serves the old model again: {seconds:.1f} s")
    assert (await registry.active())["id"] == first
    history = await page.text_content("table.activations")
    assert "回滚" in history and "浏览器测试" in history
    assert await understood(two_workers, port) == before
    texts = [text for text, _, _ in user_turns(port, "worker-switch")]
    assert texts[0] == "你好" and "年假有几天" in texts, "the conversation went on across the switch"
