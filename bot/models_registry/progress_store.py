"""The current training run's progress in Redis: a hash both the console (run id, process
group, cancel) and the trainer (stage, component, epochs) write, each only its own fields."""
from __future__ import annotations

import time
from typing import Optional

from redis.asyncio import Redis

from bot.models_registry.progress import STAGES, estimate_left, format_duration
from bot.redis_keys import RedisKeys

RUNNING = ("queued", "validating", "training", "saving", "evaluating")


class ProgressStore:
    def __init__(self, redis: Redis, keys: RedisKeys):
        self._redis = redis
        self._keys = keys

    async def start(self, run_id: str, actor: str, config: str) -> None:
        """A new run replaces the last one's progress."""
        key = self._keys.training_progress()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping={"run_id": run_id, "by": actor, "config": config, "stage": "queued",
                                    "started_at": time.time(), "updated_at": time.time()})
            await pipe.execute()

    async def update(self, run_id: str, **fields) -> bool:
        """Write fields if `run_id` is still the current run (a stale trainer writes nothing)."""
        key = self._keys.training_progress()
        if await self._redis.hget(key, "run_id") != run_id:
            return False
        values = {name: "" if value is None else value for name, value in fields.items()}
        await self._redis.hset(key, mapping={**values, "updated_at": time.time()})
        return True

    async def raw(self) -> dict:
        return await self._redis.hgetall(self._keys.training_progress())

    async def view(self, now: Optional[float] = None) -> dict:
        """What the progress page and its JSON show: stage, component, epochs, elapsed, ETA."""
        raw = await self.raw()
        if not raw:
            return {"stage": "idle", "running": False}
        now = time.time() if now is None else now
        stage = raw.get("stage", "queued")
        if stage in RUNNING and await self._redis.get(self._keys.training_lock()) != raw.get("run_id"):
            # The trainer keeps the lock alive while it runs: a lost lock means it died (kill -9,
            # out of memory) without writing its end; show that instead of "training" forever.
            stage, raw["error"] = "failed", "训练进程意外退出（未能写入结果），可重新开始训练。"
        end = float(raw["finished_at"]) if raw.get("finished_at") else now
        elapsed = max(end - float(raw.get("started_at") or now), 0.0)
        previous = await self._redis.get(self._keys.training_last_seconds())
        left = None
        if stage in RUNNING:
            component_left = float(raw["component_left"]) if raw.get("component_left") else None
            left = estimate_left(elapsed, float(previous) if previous else None, component_left)
        return {
            "run_id": raw.get("run_id", ""), "by": raw.get("by", ""), "config": raw.get("config", ""),
            "stage": stage, "stage_label": STAGES.get(stage, stage), "running": stage in RUNNING,
            "component": raw.get("component", ""), "components_done": int(raw.get("components_done") or 0),
            "epoch": int(raw.get("epoch") or 0), "epochs": int(raw.get("epochs") or 0),
            "elapsed_seconds": round(elapsed), "eta_seconds": None if left is None else round(left),
            "elapsed_text": format_duration(elapsed), "eta_text": format_duration(left),
            "candidate": raw.get("candidate", ""), "error": raw.get("error", ""),
        }
