"""Before Rasa starts: make sure the registry has an active model, from models/ if need be.

`make train` still writes models/ and `make run` must still serve what it trained: the newest
models/*.tar.gz that the registry has never seen is registered and activated (a model an admin
trained in the console, or rolled back to, is not replaced by an old local file: a file the
registry already knows changes nothing). With no model registered at all, Rasa starts exactly
as before from that file. Runs once per Rasa start, before Rasa's workers fork (blocking is fine).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Optional

from redis.asyncio import Redis

from bot.models_registry.registry import ModelRecord, ModelRegistry, file_id, file_name, rasa_model_id
from bot.redis_keys import RedisKeys
from bot.settings import Settings

LOCAL_TRAINER = "make train"


def _place(model: Path, target: Path) -> None:
    """Into the registry directory: a hard link when possible (a model is ~200 MB), else a copy."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(model, target)
    except OSError:
        shutil.copy2(model, target)


async def ensure_active(settings: Settings, newest: Optional[Path]) -> Optional[str]:
    """The active model's id after registering `newest` (if new); None if there is none."""
    redis = Redis.from_url(settings.redis.url, decode_responses=True)
    try:
        registry = ModelRegistry(redis, RedisKeys(settings.key_prefix))
        if newest is not None:
            model_id = file_id(newest)
            # Placed even when registered: another stack on this Redis (tests, a second host) may
            # have registered the same file, and this registry directory must hold it too.
            _place(newest, settings.registry_dir / file_name(model_id))
            if await registry.get(model_id) is None:
                fingerprint = newest.name.removeprefix("model-").removesuffix(".tar.gz")
                await registry.register(ModelRecord(
                    id=model_id, trained_at=newest.stat().st_mtime, trained_by=LOCAL_TRAINER,
                    data_fingerprint=fingerprint, config="config.yml", source="models/",
                    original_name=newest.name, rasa_model_id=rasa_model_id(newest)))
                await registry.activate(model_id, "system", f"models/ 中新训练的模型 {newest.name}", kind="bootstrap")
        return await registry.active_id()
    finally:
        await redis.close()
