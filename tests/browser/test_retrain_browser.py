"""The retraining loop in Chromium against the real stack with two Rasa workers (issue 12):
start training (tiny configuration) → live progress → comparison → activate over the gate with
a written reason → every worker serves the new model within the pull interval plus its load
time, while a worker's conversation carries on → one-click rollback restores the old model.
A district account gets 403 on the admin pages. Screenshots go to var/test-results/."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import time
import urllib.request
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.console.accounts import ADMIN, DISTRICT, AccountStore
from bot.models_registry.registry import ModelRegistry
from bot.redis_keys import RedisKeys
from tests.browser.conftest import PASSWORD, RESULTS, sign_in, sign_out
from tests.integration.models_registry.serving import status_model_ids, wait_until_served
from tests.integration.stack import Stack

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "integration" / "models_registry" / "tiny_config.yml"
PREFIX = "retrain:"
TOKEN = "retrain-browser-token-12351-abc"
# Pull interval (10 s) + download + loading the model on 2 busy cores; measured and printed.
SWITCH_TIMEOUT = 180


def rest(port: int, sender: str, text: str) -> list:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                                     data=json.dumps({"sender": sender, "message": text}).encode("utf-8"),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return [m.get("text", "") for m in json.loads(response.read())]


@pytest.fixture(scope="module")
def two_workers(redis_server, model_path, tmp_path_factory):
    env = {"KEY_PREFIX": PREFIX, "RASA_API_TOKEN": TOKEN, "RASA_WORKERS": "2", "TRAINING_CONFIG": str(TINY)}
    running = Stack(redis_server["url"], tmp_path_factory.mktemp("retrain") / "launcher.log", env).start()
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


@pytest.mark.timeout(3000)
async def test_train_compare_activate_on_every_worker_and_roll_back(page, two_workers, registry):
    base, port = two_workers.console_url, two_workers.rasa_port
    first = await registry.active_id()
    original = (await registry.get(first)).rasa_model_id
    assert first and set(status_model_ids(port, TOKEN)) == {original}, "bootstrap: models/ newest served"

    await sign_in(page, base, "chaoyang")
    for path in ("/admin/training", "/admin/models", f"/admin/models/{first}", "/api/training"):
        response = await page.goto(base + path)
        assert response.status == 403, path

    await sign_out(page)  # the district account
    await sign_in(page, base, "admin")
    await page.goto(base + "/admin/training")
    await page.click("#tp-start button")
    await page.wait_for_selector("#training-progress[data-running=true]")
    # Live progress: the epoch counter of a TensorFlow component appears without a reload
    # (polled from here: the page's CSP forbids the eval behind wait_for_function).
    # Rasa restores unchanged components from its cache (.rasa/cache): a repeated run of the same
    # data may finish without a single epoch, so the end of the run also ends this wait.
    deadline = time.monotonic() + 900
    while "/" not in (await page.text_content("#tp-epoch") or "") and not await page.locator("#tp-result a").count():
        assert time.monotonic() < deadline, "no epoch progress shown in 15 min"
        await asyncio.sleep(1)
    await page.screenshot(path=str(RESULTS / "training_progress.png"), full_page=True)
    assert await page.text_content("#tp-elapsed") not in ("", "—")
    await page.wait_for_selector("#tp-result a", timeout=1_800_000)  # trained and evaluated
    await page.click("#tp-result a")
    await page.wait_for_selector("#gate-result")
    assert await page.locator("figure svg").count() == 2
    await page.screenshot(path=str(RESULTS / "model_comparison.png"), full_page=True)
    candidate_id = page.url.rsplit("/", 1)[1]
    candidate = await registry.get(candidate_id)
    assert candidate.trained_by == "admin" and candidate.metrics["crisis_recall"] is not None

    rest(port, "worker-switch", "你好")
    if await page.locator("textarea[name=reason]").count():  # the tiny model fails the gate
        # The browser will not send the form without a reason (the server refuses it too:
        # tests/integration/console/test_models.py).
        assert await page.get_attribute("textarea[name=reason]", "required") is not None
        await page.fill("textarea[name=reason]", "浏览器测试：小配置模型，验证启用与回滚流程")
    await page.click("#activate-form button")
    await page.wait_for_url(base + "/admin/models")
    answered = []
    seconds = wait_until_served(port, TOKEN, candidate.rasa_model_id, SWITCH_TIMEOUT,
                                during=lambda: answered.append(bool(rest(port, "worker-switch", "年假有几天"))))
    print(f"\nactivation → every worker serves the candidate: {seconds:.1f} s; turns during the switch: {answered}")
    assert all(answered), "a turn during the switch went unanswered"
    row = page.locator(f"tr[data-model='{candidate_id}']")
    assert "使用中" in await row.text_content()

    await page.click(f"tr[data-model='{first}'] button")  # one click back
    await page.wait_for_url(base + "/admin/models")
    seconds = wait_until_served(port, TOKEN, original, SWITCH_TIMEOUT)
    print(f"rollback → every worker serves the old model again: {seconds:.1f} s")
    assert (await registry.active())["id"] == first
    history = await page.text_content("table.activations")
    assert "回滚" in history and "浏览器测试" in history
    tracker = json.loads(urllib.request.urlopen(
        f"http://127.0.0.1:{port}/conversations/worker-switch/tracker?token={TOKEN}", timeout=30).read())
    texts = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
    assert texts[0] == "你好" and "年假有几天" in texts, "the conversation went on across the switch"
