"""Before Rasa starts (bot/rasa_server.py): the registry gets models/'s newest model when it is
new, an admin's choice is not overridden by an old local file, and Rasa is pointed at the
model server with values it expands from the environment (no token in the file)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from redis.asyncio import Redis

from bot import rasa_server
from bot.models_registry.bootstrap import ensure_active
from bot.models_registry.registry import ModelRecord, ModelRegistry, file_name
from bot.redis_keys import RedisKeys
from bot.settings import Settings


@pytest.fixture
def settings(redis_server, tmp_path) -> Settings:
    return Settings.from_env({"REDIS_URL": redis_server["url"], "KEY_PREFIX": "boot:", "VAR_DIR": str(tmp_path / "var"),
                              "RASA_PORT": "5999", "CONSOLE_PORT": "8999"})


@pytest.fixture
async def registry(redis_server):
    redis = Redis.from_url(redis_server["url"], decode_responses=True)
    await redis.delete(*[key async for key in redis.scan_iter("boot:*")] or ["boot:none"])
    yield ModelRegistry(redis, RedisKeys("boot:"))
    await redis.close(close_connection_pool=True)


def local_model(directory: Path, name: str, content: bytes, mtime: float) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(content)
    os.utime(path, (mtime, mtime))
    return path


async def test_newest_local_model_is_registered_once_and_an_admin_choice_stays(settings, registry, tmp_path):
    models = tmp_path / "models"
    old = local_model(models, "model-aaaa.tar.gz", b"old model", 1000)
    first = await ensure_active(settings, old)
    assert first and (settings.registry_dir / file_name(first)).read_bytes() == b"old model"
    record = await registry.get(first)
    assert (record.trained_by, record.source, record.original_name) == ("make train", "models/", "model-aaaa.tar.gz")

    new = local_model(models, "model-bbbb.tar.gz", b"new model from make train", 2000)
    second = await ensure_active(settings, new)
    assert second != first and (await registry.active()) == {"id": second, "previous": first}

    await registry.activate(first, "admin", "rollback in the console", kind="rollback")
    assert await ensure_active(settings, new) == first, "a known local file must not undo the admin's rollback"
    assert [a.kind for a in await registry.activations()] == ["rollback", "bootstrap", "bootstrap"]


async def test_no_model_anywhere_means_none(settings, registry):
    assert await ensure_active(settings, None) is None


def test_pull_models_writes_endpoints_with_the_model_server(settings, tmp_path, monkeypatch):
    model = local_model(tmp_path / "models", "model-cccc.tar.gz", b"a model", 3000)
    monkeypatch.setattr(os, "environ", dict(os.environ))  # pull_models exports the two variables
    endpoints = rasa_server.pull_models(settings, model)
    text = endpoints.read_text(encoding="utf-8")
    parsed = yaml.safe_load(text)
    assert parsed["models"] == {"url": "${MODEL_SERVER_URL}", "wait_time_between_pulls": "${MODEL_PULL_SECONDS}",
                                "headers": {"X-Model-Token": "${RASA_API_TOKEN}"}}
    assert parsed["tracker_store"]["type"] == "bot.trackers.store.EventLogTrackerStore"
    assert os.environ["MODEL_SERVER_URL"] == "http://127.0.0.1:8999/api/model-server/model.tar.gz"
    assert os.environ["MODEL_PULL_SECONDS"] == "10"
    args = rasa_server.rasa_arguments(settings, model, endpoints)
    assert args[args.index("--endpoints") + 1] == str(endpoints) and args[args.index("--model") + 1] == str(model)


def test_pulling_off_or_registry_down_serves_the_file_as_before(redis_server, tmp_path):
    model = local_model(tmp_path / "models", "model-dddd.tar.gz", b"a model", 3000)
    off = Settings.from_env({"REDIS_URL": redis_server["url"], "MODEL_PULL_SECONDS": "0", "VAR_DIR": str(tmp_path)})
    assert rasa_server.pull_models(off, model) is None
    down = Settings.from_env({"REDIS_URL": "redis://127.0.0.1:1/0", "VAR_DIR": str(tmp_path)})
    assert rasa_server.pull_models(down, model) is None


async def test_a_second_stack_on_the_same_redis_gets_the_file_too(settings, registry, tmp_path):
    model = local_model(tmp_path / "models", "model-eeee.tar.gz", b"shared model", 4000)
    first = await ensure_active(settings, model)
    other = Settings.from_env({"REDIS_URL": settings.redis.url, "KEY_PREFIX": "boot:", "VAR_DIR": str(tmp_path / "other")})
    assert await ensure_active(other, model) == first
    assert (other.registry_dir / file_name(first)).read_bytes() == b"shared model"
