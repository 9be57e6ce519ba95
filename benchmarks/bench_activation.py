"""`python -m benchmarks.bench_activation`: activating a model, and rolling back, on every Rasa
worker while workers keep writing (issue 12). No training: two models already trained.

Starts the whole assistant on free ports with RASA_WORKERS=2 (serving the newest models/*.tar.gz),
registers a second model (BENCH_ACTIVATION_MODEL, default the second newest models/*.tar.gz),
keeps two conversations going on Rasa's REST webhook, activates the second model in the
registry and waits until every worker's /status names it, then rolls back the same way.
Per switch: seconds until every worker serves the model, the phases each worker logged
(download; load and warm-up — bot/rasa_model_pulling.py), and the webhook latency of the
turns sent during the switch next to those at rest. Writes benchmarks/results/activation.json.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import List

from redis.asyncio import Redis

from benchmarks.activation_log import phases
from benchmarks.bench_retrain import latencies, turn
from benchmarks.wechat_workers import RESULTS, private_stack
from bot.models_registry.bootstrap import _place
from bot.models_registry.registry import ModelRecord, ModelRegistry, file_id, file_name, rasa_model_id
from bot.redis_keys import RedisKeys
from tests.integration.models_registry.serving import wait_until_served

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "benchactivation:"
TOKEN = "bench-activation-token-0123456789"
TEXTS = ["年假有几天", "加班费怎么算", "老板欠了两个月工资怎么办", "你好"]
REST_SECONDS = 20
SWITCH_TIMEOUT = 600


class Traffic:
    """Two workers writing one message after another each: (start time, latency ms) per turn."""

    def __init__(self, port: int):
        self.port, self.turns, self.failures = port, [], 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._talk, args=(f"bench-activation-{n}",), daemon=True)
                         for n in range(2)]

    def _talk(self, sender: str) -> None:
        n = 0
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self.turns.append((started, turn(self.port, sender, TEXTS[n % len(TEXTS)])))
            except Exception:  # noqa: BLE001 — a dropped turn is what this counts
                self.failures += 1
            n += 1

    def __enter__(self) -> "Traffic":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(90)

    def between(self, start: float, end: float) -> List[float]:
        return [ms for at, ms in list(self.turns) if start <= at <= end]


def second_model(served: str) -> Path:
    """BENCH_ACTIVATION_MODEL, else the newest models/*.tar.gz that is not the one served."""
    chosen = os.environ.get("BENCH_ACTIVATION_MODEL")
    if chosen:
        return Path(chosen)
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    others = [model for model in models if model.name != served]
    if not others:
        raise SystemExit("A second trained model is needed in models/ (or set BENCH_ACTIVATION_MODEL).")
    return others[-1]


async def register(registry: ModelRegistry, registry_dir: Path, model: Path) -> ModelRecord:
    model_id = await asyncio.to_thread(file_id, model)
    _place(model, registry_dir / file_name(model_id))
    return await registry.register(ModelRecord(
        id=model_id, trained_at=time.time(), trained_by="bench_activation", data_fingerprint="",
        config="", source="models/", original_name=model.name, rasa_model_id=rasa_model_id(model)))


async def switch(stack, registry: ModelRegistry, traffic: Traffic, record: ModelRecord, kind: str) -> dict:
    offset = len(stack.log_text())
    started = time.monotonic()
    await registry.activate(record.id, "bench", f"benchmark: {kind}", kind=kind)
    seconds = await asyncio.to_thread(wait_until_served, stack.rasa_port, TOKEN, record.rasa_model_id, SWITCH_TIMEOUT)
    await asyncio.sleep(3)  # the first turns on the new model count too
    return {"to_all_workers_seconds": round(seconds, 1),
            "worker_phases": phases(stack.log_text(), offset, record.rasa_model_id),
            "webhook_during_switch": latencies(traffic.between(started, time.monotonic()))}


async def measure(stack, redis_port: int) -> dict:
    redis = Redis.from_url(f"redis://127.0.0.1:{redis_port}/0", decode_responses=True)
    registry = ModelRegistry(redis, RedisKeys(PREFIX))
    try:
        first = await registry.get(await registry.active_id())
        second = await register(registry, Path(stack.env["VAR_DIR"]) / "model-registry", second_model(first.original_name))
        for _ in range(10):  # each worker traces its first parses
            await asyncio.to_thread(turn, stack.rasa_port, "bench-warm-up", "你好")
        with Traffic(stack.rasa_port) as traffic:
            await asyncio.sleep(REST_SECONDS)
            at_rest = latencies(traffic.between(0, time.monotonic()))
            activation = await switch(stack, registry, traffic, second, "activate")
            rollback = await switch(stack, registry, traffic, first, "rollback")
        return {"rasa_workers": 2, "pull_seconds": int(stack.env.get("MODEL_PULL_SECONDS", "10")),
                "models": [first.original_name, second.original_name],
                "machine": {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]},
                "webhook_at_rest": at_rest, "activation": activation, "rollback": rollback,
                "failed_turns": traffic.failures}
    finally:
        await redis.close()


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = {"KEY_PREFIX": PREFIX, "RASA_API_TOKEN": TOKEN, "RASA_WORKERS": "2"}
    with private_stack(env) as (stack, redis_port):
        load_before = [round(x, 2) for x in os.getloadavg()]
        result = asyncio.run(measure(stack, redis_port))
    result["machine"]["load_average_at_start"] = load_before
    name = os.environ.get("BENCH_ACTIVATION_OUTPUT", "activation.json")
    (RESULTS / name).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
