"""Retraining, the model registry and the model server through the console's handlers, against
the session's real Redis (issue 12). The training process really starts (and is cancelled)."""
from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from bot.console.appkeys import REDIS
from bot.models_registry.lock import TrainingLock
from bot.models_registry.registry import ModelRecord, ModelRegistry, file_name, prune
from bot.settings import Settings
from tests.integration.console.conftest import RASA_TOKEN

ROOT = Path(__file__).resolve().parents[3]
TINY = ROOT / "tests" / "integration" / "models_registry" / "tiny_config.yml"

PAGES = ["/admin/training", "/api/training", "/admin/models", "/api/models", "/admin/models/abc"]
ACTIONS = ["/admin/training", "/api/training", "/admin/training/cancel", "/api/training/cancel",
           "/admin/models/abc/activate", "/api/models/abc/activate"]


@pytest.fixture
def settings(redis_server, fake_rasa, wechat, prefix, tmp_path) -> Settings:
    return Settings.from_env({
        "REDIS_URL": redis_server["url"], "KEY_PREFIX": prefix, "RASA_PORT": str(fake_rasa.port),
        "RASA_API_TOKEN": RASA_TOKEN, "WECHAT_API_BASE": str(wechat.make_url("")).rstrip("/"),
        "VAR_DIR": str(tmp_path / "var"), "MODEL_REGISTRY_DIR": str(tmp_path / "registry"),
        "TRAINING_CONFIG": str(TINY), "MODELS_KEPT": "3",
    })


@pytest.fixture
def registry(redis, keys) -> ModelRegistry:
    return ModelRegistry(redis, keys)


async def add_model(registry: ModelRegistry, settings: Settings, model_id: str, at: float, content: bytes = b"",
                    gate_passed=True) -> ModelRecord:
    settings.registry_dir.mkdir(parents=True, exist_ok=True)
    (settings.registry_dir / file_name(model_id)).write_bytes(content or model_id.encode() * 100)
    return await registry.register(ModelRecord(id=model_id, trained_at=at, trained_by="admin", data_fingerprint="fp",
                                               config="config.yml", gate_passed=gate_passed))


@pytest.mark.parametrize("who", ["chaoyang", "city"])
async def test_staff_get_403_on_every_page_and_api(console, sign_in, who):
    csrf = await sign_in(who)
    for path in PAGES:
        response = await console.get(path, allow_redirects=False)
        assert response.status == 403, path
    for path in ACTIONS:
        response = await console.post(path, data={"csrf_token": csrf, "reason": "x" * 20}, allow_redirects=False)
        assert response.status == 403, path


async def test_model_server_needs_the_token(console):
    assert (await console.get("/api/model-server/model.tar.gz")).status == 403
    response = await console.get("/api/model-server/model.tar.gz", headers={"X-Model-Token": "wrong-token-0123456789"})
    assert response.status == 403


async def test_model_server_etag_and_304(console, registry, settings):
    headers = {"X-Model-Token": RASA_TOKEN}
    assert (await console.get("/api/model-server/model.tar.gz", headers=headers)).status == 404  # nothing active
    await add_model(registry, settings, "aaaa000000000001", 1.0, b"first model bytes")
    await add_model(registry, settings, "bbbb000000000002", 2.0, b"second model bytes")
    await registry.activate("aaaa000000000001", "admin", "first")
    response = await console.get("/api/model-server/model.tar.gz", headers=headers)
    assert response.status == 200
    assert response.headers["ETag"] == '"aaaa000000000001"'
    assert await response.read() == b"first model bytes"
    # Rasa sends back the ETag value it received.
    again = await console.get("/api/model-server/model.tar.gz", headers={**headers, "If-None-Match": response.headers["ETag"]})
    assert again.status == 304
    await registry.activate("bbbb000000000002", "admin", "second")
    switched = await console.get("/api/model-server/model.tar.gz", headers={**headers, "If-None-Match": '"aaaa000000000001"'})
    assert switched.status == 200 and switched.headers["ETag"] == '"bbbb000000000002"'
    assert await switched.read() == b"second model bytes"


async def test_gate_refuses_without_a_reason_and_audits_an_override(console, sign_in, registry, settings, audit):
    csrf = await sign_in("admin")
    await add_model(registry, settings, "good000000000001", 1.0)
    await registry.activate("good000000000001", "admin", "first")
    await add_model(registry, settings, "bad0000000000002", 2.0, gate_passed=False)
    url = "/api/models/bad0000000000002/activate"
    for reason in ("", "太短"):
        refused = await console.post(url, data={"csrf_token": csrf, "reason": reason})
        assert refused.status == 409
        assert (await refused.json())["error"] == "gate_refused"
    assert await registry.active_id() == "good000000000001"
    accepted = await console.post(url, data={"csrf_token": csrf, "reason": "危机集误报修正，已人工核对全部危机消息"})
    assert accepted.status == 200, await accepted.text()
    assert (await accepted.json())["override"] is True
    assert await registry.active_id() == "bad0000000000002"
    entry = (await audit.recent(5, action="activate_model"))[0]
    assert entry.actor == "admin" and entry.detail["override"] is True and "危机集" in entry.detail["reason"]
    # One click back: the earlier model served before, so it is a rollback without a reason.
    back = await console.post("/api/models/good000000000001/activate", data={"csrf_token": csrf})
    assert back.status == 200 and (await back.json())["kind"] == "rollback"
    assert await registry.active() == {"id": "good000000000001", "previous": "bad0000000000002"}
    page = await console.get("/admin/models")
    assert page.status == 200 and "越过回归检查" in await page.text()


async def test_pruning_keeps_the_active_and_previous_models(registry, settings):
    for n in range(6):
        await add_model(registry, settings, f"m{n:015d}", float(n))
    await registry.activate("m000000000000001", "admin", "old one")
    await registry.activate("m000000000000000", "admin", "older one")  # previous = m1
    removed = await prune(registry, settings.registry_dir, kept=3)
    assert removed == ["m000000000000002", "m000000000000003", "m000000000000004"]
    assert [m.id for m in await registry.list()] == ["m000000000000005", "m000000000000001", "m000000000000000"]
    assert not (settings.registry_dir / file_name("m000000000000002")).exists()
    assert (settings.registry_dir / file_name("m000000000000000")).exists()


async def test_comparison_page_draws_pictures(console, sign_in, registry, settings):
    await sign_in("admin")
    await add_model(registry, settings, "cccc000000000003", 3.0, gate_passed=False)
    from bot.models_registry import compare
    rows = [["工资拖欠了", "faq/wage_arrears", "faq/wage_arrears", 0.9], ["加班费", "faq/overtime_pay", "faq/wage_arrears", 0.4]]
    candidate = {"crisis_recall": 0.5, "crisis_missed": ["不想活了"],
                 "sets": {"heldout": {"messages": 2, "accuracy": 0.5, "macro_f1": 0.3,
                                      "per_intent_f1": {"faq/wage_arrears": 0.67, "faq/overtime_pay": 0.0}, "predictions": rows}}}
    await registry.save_comparison("cccc000000000003", compare.build(candidate, None))
    page = await console.get("/admin/models/cccc000000000003")
    html = await page.text()
    assert page.status == 200
    assert html.count("<svg") == 2 and "不想活了" in html and "越过回归检查启用的理由" in html
    assert (await console.get("/admin/models/nope")).status == 404


async def test_one_training_at_a_time_and_cancel_kills_the_process_group(console, sign_in, redis, keys, settings, audit):
    csrf = await sign_in("admin")
    lock = TrainingLock(redis, keys)
    await lock.acquire("someone-else")
    busy = await console.post("/api/training", data={"csrf_token": csrf})
    assert busy.status == 409 and (await busy.json())["error"] == "training_running"
    await lock.release("someone-else")

    started = await console.post("/api/training", data={"csrf_token": csrf})
    assert started.status == 202, await started.text()
    run_id = (await started.json())["run_id"]
    assert await lock.holder() == run_id
    second = await console.post("/api/training", data={"csrf_token": csrf})
    assert second.status == 409  # the second request is told one is running
    progress = await (await console.get("/api/training")).json()
    assert progress["running"] and progress["run_id"] == run_id and progress["by"] == "admin"
    page = await (await console.get("/admin/training")).text()
    # Without JavaScript the page refreshes itself; with it, /static/training.js polls (no inline script).
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert '<script src="/static/training.js" defer></script>' in page and "<script>" not in page
    pgid = int(await redis.hget(keys.training_progress(), "pgid"))
    assert os.getpgid(pgid) == pgid  # the trainer leads its own process group
    # The trainer lowers its own priority (os.nice) once Python is up.
    for _ in range(100):
        stat = Path(f"/proc/{pgid}/stat").read_text().rsplit(")", 1)[1].split()
        if int(stat[16]) >= 10:
            break
        await asyncio.sleep(0.1)
    assert int(stat[16]) >= 10, "trainer not niced"

    cancelled = await console.post("/api/training/cancel", data={"csrf_token": csrf})
    assert cancelled.status == 200
    with pytest.raises(ProcessLookupError):
        for _ in range(100):
            os.killpg(pgid, 0)  # raises once every process of the group is gone
            await asyncio.sleep(0.1)
    assert await lock.holder() is None
    view = await (await console.get("/api/training")).json()
    assert view["stage"] == "cancelled" and not view["running"]
    assert (await console.post("/api/training/cancel", data={"csrf_token": csrf})).status == 409
    assert [e.action for e in await audit.recent(2)] == ["cancel_training", "start_training"]


async def test_a_trainer_that_died_shows_as_failed_once_its_lock_expired(console, sign_in, redis, keys):
    await sign_in("admin")
    from bot.models_registry.progress_store import ProgressStore
    await ProgressStore(redis, keys).start("dead-run", "admin", "config.yml")
    await TrainingLock(redis, keys).acquire("dead-run")
    assert (await (await console.get("/api/training")).json())["running"] is True
    await redis.delete(keys.training_lock())  # what the TTL does after a kill -9
    view = await (await console.get("/api/training")).json()
    assert view["stage"] == "failed" and not view["running"] and "意外退出" in view["error"]


@pytest.mark.timeout(300)
async def test_after_a_kill_9_of_the_trainer_the_lock_expires_and_training_can_start_again(console, sign_in, redis, keys):
    csrf = await sign_in("admin")
    started = await console.post("/api/training", data={"csrf_token": csrf})
    assert started.status == 202
    pgid = int(await redis.hget(keys.training_progress(), "pgid"))
    os.killpg(pgid, 9)  # no finally, no release: only the TTL can free the lock
    refused = await console.post("/api/training", data={"csrf_token": csrf})
    assert refused.status == 409
    from bot.models_registry.lock import TTL_SECONDS
    deadline = asyncio.get_running_loop().time() + TTL_SECONDS + 15
    while await TrainingLock(redis, keys).holder() is not None:
        assert asyncio.get_running_loop().time() < deadline, "the dead trainer's lock never expired"
        await asyncio.sleep(1)
    view = await (await console.get("/api/training")).json()
    assert view["stage"] == "failed" and not view["running"]
    again = await console.post("/api/training", data={"csrf_token": csrf})
    assert again.status == 202
    cancel = await console.post("/api/training/cancel", data={"csrf_token": csrf})
    assert cancel.status == 200
