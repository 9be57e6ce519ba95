"""`python -m bot.models_registry.trainer --run RUN --by USER`: one training run, started by
the console in its own process group at low CPU priority.

It trains with `make train`'s command (bot/training.py) and the configured TRAINING_CONFIG,
publishes progress parsed from Rasa's output, evaluates the candidate and the active model on
the held-out and crisis sets, stores the comparison and registers the candidate (inactive:
activation is an admin's decision, behind the gate). The console holds the lock for the run
before starting this process; the trainer keeps it alive and releases it at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import List, Optional

import redis as redis_sync
from redis.asyncio import Redis

from bot.models_registry import compare, evaluation
from bot.models_registry.lock import TrainingLock, keep_alive
from bot.models_registry.progress import Progress
from bot.models_registry.progress_store import ProgressStore
from bot.models_registry.registry import ModelRecord, ModelRegistry, file_id, file_name, prune, rasa_model_id
from bot.redis_keys import RedisKeys
from bot.settings import ROOT, Settings, settings_or_exit
from bot.training import fingerprint, train_command

NICENESS = 10  # the live bot keeps the CPU when both want it
PUBLISH_EVERY = 1.0  # seconds between progress writes while lines stream in
TAIL_LINES = 30
LINE_BREAK = re.compile(r"[\r\n]+")


class Run:
    def __init__(self, settings: Settings, redis: Redis, run_id: str, actor: str):
        self.settings, self.run_id, self.actor = settings, run_id, actor
        self.keys = RedisKeys(settings.key_prefix)
        self.redis = redis
        self.registry = ModelRegistry(redis, self.keys)
        self.progress = ProgressStore(redis, self.keys)
        self.tail: List[str] = []

    async def publish(self, progress: Progress, **extra) -> None:
        await self.progress.update(self.run_id, stage=progress.stage, component=progress.component,
                                   components_done=progress.components_done, epoch=progress.epoch,
                                   epochs=progress.epochs, component_left=progress.component_left, **extra)

    async def publish_changes(self, progress: Progress, changed: asyncio.Event) -> None:
        """At most one progress write per PUBLISH_EVERY, and none while nothing changed (tqdm
        redraws many times a second)."""
        while True:
            await changed.wait()
            changed.clear()
            await self.publish(progress)
            await asyncio.sleep(PUBLISH_EVERY)

    async def train(self, out: Path, name: str) -> Optional[Path]:
        progress = Progress(stage="validating")
        await self.publish(progress, pgid=os.getpgid(0))
        # The data the inbox export wrote (NLU_EXPORT_ROOT, the repository by default): a
        # correction made in the console is in the very next training.
        command = train_command(self.settings.training_config, out, name, self.settings.nlu_export_root / "nlu_data")
        process = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        changed = asyncio.Event()
        publisher = asyncio.get_running_loop().create_task(self.publish_changes(progress, changed))
        buffer = ""
        try:
            while chunk := await process.stdout.read(4096):
                *lines, buffer = LINE_BREAK.split(buffer + chunk.decode("utf-8", "replace"))
                for line in lines:
                    if progress.feed(line):
                        changed.set()
                    if line.strip():
                        self.tail = (self.tail + [line[:300]])[-TAIL_LINES:]
            code = await process.wait()
        finally:
            publisher.cancel()
        model = out / f"{name}.tar.gz"
        if code != 0 or not model.is_file():
            raise RuntimeError(f"rasa train exited with {code}:\n" + "\n".join(self.tail[-10:]))
        progress.stage, progress.component, progress.epoch, progress.epochs = "evaluating", "", 0, 0
        progress.component_left = None
        await self.publish(progress)
        return model

    async def export_annotations(self) -> None:
        """The NLU inbox's annotations become training and held-out examples first
        (bot/capture/export.py); with none yet, no file is written."""
        from bot.capture.annotations import AnnotationStore
        from bot.capture.export import export_annotations

        if await AnnotationStore(self.redis, self.keys).all():
            await export_annotations(self.redis, self.keys, self.settings.nlu_export_root)

    async def active_evaluation(self) -> tuple:
        active_id = await self.registry.active_id()
        if not active_id:
            return "", None
        cache = self.settings.registry_dir / f"{active_id}.eval.json"
        cached = evaluation.load_cached(cache)
        if cached is None:
            cached = await evaluation.evaluate_model(self.settings.registry_dir / file_name(active_id))
            cache.write_text(json.dumps(cached, ensure_ascii=False), encoding="utf-8")
        return active_id, cached

    async def register(self, model: Path, seconds: float) -> ModelRecord:
        directory = self.settings.registry_dir
        model_id = file_id(model)
        shutil.move(str(model), directory / file_name(model_id))
        candidate = await evaluation.evaluate_model(directory / file_name(model_id))
        (directory / f"{model_id}.eval.json").write_text(json.dumps(candidate, ensure_ascii=False), encoding="utf-8")
        active_id, active = await self.active_evaluation()
        comparison = compare.build(candidate, active, active_id)
        record = ModelRecord(
            id=model_id, trained_at=time.time(), trained_by=self.actor, data_fingerprint=fingerprint(),
            config=str(self.settings.training_config.relative_to(ROOT)
                       if self.settings.training_config.is_relative_to(ROOT) else self.settings.training_config),
            source="console", original_name=model.name, train_seconds=round(seconds, 1),
            metrics=evaluation.summary(candidate), gate_passed=comparison["passed"], compared_with=active_id,
            rasa_model_id=rasa_model_id(directory / file_name(model_id)))
        await self.registry.register(record)
        await self.registry.save_comparison(model_id, comparison)
        return record

    async def execute(self) -> int:
        started = time.monotonic()
        out = self.settings.registry_dir / "incoming"
        out.mkdir(parents=True, exist_ok=True)
        try:
            await self.export_annotations()
            model = await self.train(out, f"candidate-{self.run_id}")
            train_seconds = time.monotonic() - started
            record = await self.register(model, train_seconds)
            for model_id in await prune(self.registry, self.settings.registry_dir, self.settings.models_kept):
                (self.settings.registry_dir / f"{model_id}.eval.json").unlink(missing_ok=True)
            await self.redis.set(self.keys.training_last_seconds(), round(time.monotonic() - started, 1))
            await self.progress.update(self.run_id, stage="done", candidate=record.id, finished_at=time.time(),
                                       component="", component_left="")
            return 0
        except Exception as error:  # noqa: BLE001 - the admin must see why, not a run stuck "training"
            await self.progress.update(self.run_id, stage="failed", finished_at=time.time(),
                                       error=f"{error.__class__.__name__}: {error}"[-2000:])
            return 1


async def main_async(settings: Settings, run_id: str, actor: str) -> int:
    redis = Redis.from_url(settings.redis.url, decode_responses=True)
    keys = RedisKeys(settings.key_prefix)
    lock = TrainingLock(redis, keys)
    if await lock.holder() != run_id:
        print(f"run {run_id} does not hold the training lock", file=sys.stderr)
        await redis.close()
        return 3
    stop = threading.Event()
    sync_client = redis_sync.Redis.from_url(settings.redis.url, decode_responses=True)
    refresher = threading.Thread(target=keep_alive, args=(sync_client, keys, run_id, stop), daemon=True)
    refresher.start()
    try:
        return await Run(settings, redis, run_id, actor).execute()
    finally:
        stop.set()
        await lock.release(run_id)
        await redis.close()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.models_registry.trainer")
    parser.add_argument("--run", required=True)
    parser.add_argument("--by", required=True)
    args = parser.parse_args(argv)
    current = os.nice(0)
    if current < NICENESS:  # the console starts us under `nice` already; by hand, lower it here
        os.nice(NICENESS - current)  # inherited by `rasa train`
    settings = settings_or_exit()
    settings.registry_dir.mkdir(parents=True, exist_ok=True)
    return asyncio.run(main_async(settings, args.run, args.by))


if __name__ == "__main__":
    sys.exit(main())
