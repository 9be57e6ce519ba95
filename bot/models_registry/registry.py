"""The model registry in Redis: every model's record, which one is active, and why.

Model files live on disk (Settings.registry_dir, `<id>.tar.gz`); a model's id is the start of
the SHA-256 of its file, so the same bytes always get the same id and the id doubles as the
model server's ETag: a Rasa that holds model X asks "If-None-Match: X" and gets 304 until
another model is activated.

Activation is one atomic switch of `models:active` ({id, previous}); every Rasa notices at its
next pull. Rolling back is activating an earlier model, with the same record of who and why.
"""
from __future__ import annotations

import hashlib
import json
import tarfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, List, Optional

from redis.asyncio import Redis
from redis.exceptions import WatchError

from bot.redis_keys import RedisKeys

ID_LENGTH = 16


def file_id(path: Path) -> str:
    """The model's id: its content's SHA-256, shortened (blocking: call it off the event loop)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:ID_LENGTH]


def rasa_model_id(path: Path) -> str:
    """The model_id Rasa reports on /status for this file (its metadata.json; blocking)."""
    try:
        with tarfile.open(path) as archive:
            for member in archive:
                if member.name == "metadata.json":
                    return str(json.load(archive.extractfile(member)).get("model_id", ""))
    except (OSError, tarfile.TarError, ValueError):
        pass
    return ""


def file_name(model_id: str) -> str:
    return f"{model_id}.tar.gz"


@dataclass
class ModelRecord:
    id: str
    trained_at: float
    trained_by: str  # console username, or "make train" for a model found in models/
    data_fingerprint: str  # bot.training.fingerprint() of the data, domain and config it learnt
    config: str  # the training configuration file
    source: str = "console"  # console | models/
    original_name: str = ""  # e.g. model-b73d2f92d211e5ce.tar.gz
    train_seconds: Optional[float] = None
    metrics: dict = field(default_factory=dict)  # per set: accuracy, macro-F1; crisis recall
    gate_passed: Optional[bool] = None
    compared_with: str = ""  # the model that was active when this one was evaluated
    rasa_model_id: str = ""  # what a Rasa serving this model reports on /status

    @property
    def file(self) -> str:
        return file_name(self.id)


@dataclass
class Activation:
    at: float
    actor: str
    model: str
    previous: str
    reason: str
    kind: str = "activate"  # activate | rollback | bootstrap
    override: bool = False  # activated although the gate refused it


class RegistryError(Exception):
    """A registry operation that cannot be done (unknown model, protected model)."""


class ModelRegistry:
    def __init__(self, redis: Redis, keys: RedisKeys, clock: Callable[[], float] = time.time):
        self._redis = redis
        self._keys = keys
        self._clock = clock

    async def register(self, record: ModelRecord) -> ModelRecord:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._keys.models(), record.id, json.dumps(asdict(record), ensure_ascii=False))
            pipe.zadd(self._keys.models_order(), {record.id: record.trained_at}, nx=True)
            await pipe.execute()
        return record

    async def get(self, model_id: str) -> Optional[ModelRecord]:
        raw = await self._redis.hget(self._keys.models(), model_id)
        return ModelRecord(**json.loads(raw)) if raw else None

    async def update(self, record: ModelRecord) -> None:
        if await self._redis.hexists(self._keys.models(), record.id):
            await self._redis.hset(self._keys.models(), record.id, json.dumps(asdict(record), ensure_ascii=False))

    async def list(self) -> List[ModelRecord]:
        """Newest first."""
        ids = await self._redis.zrevrange(self._keys.models_order(), 0, -1)
        if not ids:
            return []
        raws = await self._redis.hmget(self._keys.models(), ids)
        return [ModelRecord(**json.loads(raw)) for raw in raws if raw]

    async def active(self) -> Optional[dict]:
        """{"id", "previous"} of the served model, or None before the first activation."""
        raw = await self._redis.get(self._keys.models_active())
        return json.loads(raw) if raw else None

    async def active_id(self) -> Optional[str]:
        state = await self.active()
        return state["id"] if state else None

    async def activate(self, model_id: str, actor: str, reason: str, kind: str = "activate",
                       override: bool = False) -> Activation:
        """Make `model_id` the served model; the one it replaces becomes `previous`."""
        if await self.get(model_id) is None:
            raise RegistryError(f"unknown model {model_id}")
        key = self._keys.models_active()
        async with self._redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    current = json.loads(raw)["id"] if raw else ""
                    entry = Activation(self._clock(), actor, model_id, current, reason, kind, override)
                    pipe.multi()
                    if current != model_id:  # re-activating the active model keeps its previous
                        pipe.set(key, json.dumps({"id": model_id, "previous": current}))
                    pipe.rpush(self._keys.models_activations(), json.dumps(asdict(entry), ensure_ascii=False))
                    await pipe.execute()
                    return entry
                except WatchError:
                    continue

    async def activations(self, limit: int = 200) -> List[Activation]:
        """Newest first."""
        raws = await self._redis.lrange(self._keys.models_activations(), -limit, -1)
        return [Activation(**json.loads(raw)) for raw in reversed(raws)]

    async def prunable(self, kept: int) -> List[str]:
        """Ids to remove so that at most `kept` models stay: the oldest first, never the active
        model nor the previous one (the one-click rollback target)."""
        state = await self.active() or {}
        protected = {state.get("id"), state.get("previous")}
        ids = await self._redis.zrange(self._keys.models_order(), 0, -1)  # oldest first
        excess = len(ids) - kept
        doomed = []
        for model_id in ids:
            if excess <= 0:
                break
            if model_id in protected:
                continue
            doomed.append(model_id)
            excess -= 1
        return doomed

    async def forget(self, model_id: str) -> None:
        state = await self.active() or {}
        if model_id in (state.get("id"), state.get("previous")):
            raise RegistryError(f"model {model_id} is active or the rollback target")
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hdel(self._keys.models(), model_id)
            pipe.zrem(self._keys.models_order(), model_id)
            pipe.delete(self._keys.model_comparison(model_id))
            await pipe.execute()

    async def save_comparison(self, model_id: str, comparison: dict) -> None:
        await self._redis.set(self._keys.model_comparison(model_id), json.dumps(comparison, ensure_ascii=False))

    async def comparison(self, model_id: str) -> Optional[dict]:
        raw = await self._redis.get(self._keys.model_comparison(model_id))
        return json.loads(raw) if raw else None


async def prune(registry: ModelRegistry, directory: Path, kept: int) -> List[str]:
    """Forget the models past `kept` and delete their files (small unlinks; callers on an event
    loop accept that, the files are a handful)."""
    removed = []
    for model_id in await registry.prunable(kept):
        await registry.forget(model_id)
        (directory / file_name(model_id)).unlink(missing_ok=True)
        removed.append(model_id)
    return removed
