"""`make bench` (retraining part): time from "train" in the console to the new model served by
every Rasa worker, and the webhook latency while a training runs beside live traffic.

Starts the whole assistant on free ports with RASA_WORKERS=2 and a throw-away Redis, signs in
to the console as an admin, measures turn latency on Rasa's REST webhook at rest, starts a
training through the console's API (TRAINING_CONFIG: BENCH_RETRAIN_CONFIG, default the full
config.yml), keeps one turn a second going while it trains and is evaluated, activates the
candidate (with a written override if the gate refuses it) and waits until every worker
answers /status with the new model, turns still going: the switch's phases as each worker
logged them (download; load and warm-up, bot/rasa_model_pulling.py) and the webhook latency
during the switch. Writes benchmarks/results/retrain.json. (Activation alone, before/after,
without a training: benchmarks/bench_activation.py.)

The full configuration takes long on 2 shared cores; `BENCH_RETRAIN_CONFIG=tests/integration/
models_registry/tiny_config.yml` measures the same path with 3 epochs.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import time
import urllib.request
from pathlib import Path
from typing import List

import aiohttp
from redis.asyncio import Redis

from benchmarks.wechat_workers import RESULTS, percentile, private_stack
from bot.console.accounts import ADMIN, AccountStore
from bot.redis_keys import RedisKeys
from tests.integration.models_registry.serving import wait_until_served
from benchmarks.activation_log import phases

ROOT = Path(__file__).resolve().parents[1]
CONFIG = os.environ.get("BENCH_RETRAIN_CONFIG", "config.yml")
PREFIX = "benchretrain:"
TOKEN = "bench-retrain-token-0123456789"
PASSWORD = "bench retrain password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BASELINE_TURNS = 40
WARM_UP_TURNS = 10


def turn(port: int, sender: str, text: str) -> float:
    started = time.perf_counter()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                                     data=json.dumps({"sender": sender, "message": text}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert json.loads(response.read()), "no answer"
    return (time.perf_counter() - started) * 1000


def latencies(values: List[float]) -> dict:
    ordered = sorted(values)
    return {"turns": len(ordered), "p50_ms": round(percentile(ordered, 0.5) or 0, 1),
            "p99_ms": round(percentile(ordered, 0.99) or 0, 1), "max_ms": round(max(ordered, default=0), 1)}


async def admin_session(base: str, redis_url: str) -> tuple:
    redis = Redis.from_url(redis_url, decode_responses=True)
    await AccountStore(redis, RedisKeys(PREFIX)).create("admin", PASSWORD, ADMIN, "管理员")
    await redis.close()
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    form = await (await session.get(f"{base}/login")).text()
    await session.post(f"{base}/login", data={"username": "admin", "password": PASSWORD,
                                              "csrf_token": CSRF.search(form)[1]})
    page = await (await session.get(f"{base}/admin/training")).text()
    return session, CSRF.search(page)[1]


async def measure(stack, redis_port: int) -> dict:
    port, base = stack.rasa_port, stack.console_url
    for _ in range(WARM_UP_TURNS):  # each worker builds its TensorFlow graphs on its first parses
        await asyncio.to_thread(turn, port, "bench-warm-up", "你好")
    baseline = [await asyncio.to_thread(turn, port, "bench-rest", "年假有几天") for _ in range(BASELINE_TURNS)]
    session, csrf = await admin_session(base, f"redis://127.0.0.1:{redis_port}/0")
    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    started = time.monotonic()
    response = await session.post(f"{base}/api/training", headers=headers)
    assert response.status == 202, await response.text()
    during, progress = [], {}
    while True:
        during.append(await asyncio.to_thread(turn, port, "bench-rest", "加班费怎么算"))
        progress = await (await session.get(f"{base}/api/training", headers=headers)).json()
        if not progress["running"]:
            break
        await asyncio.sleep(1)
    assert progress["stage"] == "done", progress
    trained = time.monotonic() - started
    candidate = progress["candidate"]
    models = await (await session.get(f"{base}/api/models", headers=headers)).json()
    record = next(m for m in models["models"] if m["id"] == candidate)
    log_offset = len(stack.log_text())
    activated = await session.post(f"{base}/api/models/{candidate}/activate", headers=headers,
                                   data={"reason": "benchmark: measuring activation on every worker"})
    assert activated.status == 200, await activated.text()
    switching = []
    switch = await asyncio.to_thread(wait_until_served, port, TOKEN, record["rasa_model_id"], 600,
                                     lambda: switching.append(turn(port, "bench-switch", "年假有几天")))
    await session.close()
    return {
        "config": CONFIG, "rasa_workers": 2, "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
        "train_and_evaluate_seconds": round(trained, 1), "activation_to_all_workers_seconds": round(switch, 1),
        "train_to_active_on_all_workers_seconds": round(time.monotonic() - started, 1),
        "gate_passed": record["gate_passed"], "metrics": record["metrics"],
        "activation_phases_per_worker": phases(stack.log_text(), log_offset, record["rasa_model_id"]),
        "webhook_at_rest": latencies(baseline), "webhook_while_training": latencies(during),
        "webhook_during_activation": latencies(switching),
    }


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = {"KEY_PREFIX": PREFIX, "RASA_API_TOKEN": TOKEN, "RASA_WORKERS": "2", "TRAINING_CONFIG": CONFIG}
    with private_stack(env) as (stack, redis_port):
        result = asyncio.run(measure(stack, redis_port))
    (RESULTS / "retrain.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
