"""`make bench` (history part): does a turn cost more as a conversation's history grows?

Runs the whole assistant twice on private ports, once with this project's event-log tracker
store (bot/endpoints.yml) and once with Rasa's RedisTrackerStore (the store before issue 10),
and for each:
- one conversation, TURNS messages one after another through the real webhook (signed,
  AES-encrypted, the WeChat official-account client): median and p99 per block of 50 turns;
- one turn on a conversation pre-loaded with a year of history (PRELOAD_EVENTS events,
  copied from the real turns above, stamped over the past year).
Rasa's store grows quadratically, so its run stops at BASELINE_TURNS; ratios compare blocks
that both runs have. Results: benchmarks/results/history_growth.json (and printed).
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import redis
from rasa.shared.core.domain import Domain

from bot.launcher import service_env
from bot.rasa_server import newest_model
from bot.redis_keys import RedisKeys
from bot.redis_server import free_port, start_redis
from bot.settings import DEV_WECHAT, ROOT, Settings
from bot.trackers.store import EventLogTrackerStore
from channels.wechat_sim.official_account import OfficialAccountClient

RESULTS = ROOT / "benchmarks" / "results"
TURNS = int(os.environ.get("BENCH_HISTORY_TURNS", "1000"))
BASELINE_TURNS = int(os.environ.get("BENCH_BASELINE_TURNS", "200"))
PRELOAD_EVENTS = int(os.environ.get("BENCH_PRELOAD_EVENTS", "10000"))
BLOCK = 50
YEAR_S = 365 * 24 * 3600
# Questions the model answers with confidence (no fallback, so no escalation and no pause).
QUESTIONS = ["加班费怎么算", "试用期最长多久", "年假有几天", "产假多少天", "怎么申请劳动仲裁", "工会热线是多少",
             "北京最低工资多少", "公司不交社保怎么办", "谢谢", "被辞退了有补偿吗"]
STORES = {
    "event_log": ROOT / "bot" / "endpoints.yml",
    "rasa_redis": ROOT / "benchmarks" / "endpoints_rasa_redis.yml",
}


def start_stack(redis_url: str, endpoints: Path, log_dir: Path) -> tuple:
    """The launcher's processes (simulator, actions, one Rasa worker) with a chosen endpoints file."""
    ports = {name: free_port() for name in ("RASA_PORT", "RASA_INTERNAL_PORT", "ACTION_PORT", "WECHAT_SIM_PORT")}
    env = {k: v for k, v in os.environ.items() if not k.startswith("WECHAT_")}
    env.update({**{k: str(v) for k, v in ports.items()}, "REDIS_URL": redis_url, "RASA_WORKERS": "1",
                "PYTHONPATH": str(ROOT)})
    child_env = service_env(Settings.from_env(env))
    child_env.update({k: v for k, v in env.items() if k not in child_env or k in ports or k == "REDIS_URL"})
    for name in [k for k in child_env if k.startswith("WECHAT_")]:
        del child_env[name]
    settings = Settings.from_env(child_env)
    log_dir.mkdir(parents=True, exist_ok=True)
    processes: List[subprocess.Popen] = []

    def spawn(name: str, command: List[str]) -> subprocess.Popen:
        log = open(log_dir / f"{name}.log", "ab")
        process = subprocess.Popen(command, env=child_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        processes.append(process)
        return process

    # bot.rasa_server serves bot/endpoints.yml; the baseline swaps in another file the same way.
    rasa = ("import sys, pathlib, bot.rasa_server as r; r.ENDPOINTS = pathlib.Path(sys.argv[1]); "
            "sys.exit(r.main(sys.argv[2:]))")
    try:
        spawn("simulator", [sys.executable, "-m", "channels.wechat_sim", "--port", str(settings.simulator_port)])
        spawn("actions", [sys.executable, "-m", "bot.action_server"])
        spawn("rasa", [sys.executable, "-c", rasa, str(endpoints), "--model", str(newest_model(ROOT / "models"))])
        deadline = time.monotonic() + 900
        # No gateway here: the webhook goes straight to the Rasa server, which listens on the internal port.
        status = f"http://127.0.0.1:{settings.rasa_internal_port}/status?token={settings.rasa_api_token}"
        while not _ok(status):
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise RuntimeError(f"stack did not start; logs in {log_dir}")
            time.sleep(1)
    except BaseException:
        stop(processes)
        raise
    return processes, f"http://127.0.0.1:{settings.rasa_internal_port}/webhooks/wechat/webhook"


def _ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop(processes: List[subprocess.Popen]) -> None:
    for process in reversed(processes):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


async def one_turn(client: OfficialAccountClient, openid: str, text: str) -> float:
    started = time.perf_counter()
    result = await client.send_text(openid, text)
    elapsed = time.perf_counter() - started
    # None: no answer within WeChat's 5 s (the client gave up, as WeChat would); kept as data.
    if result.status not in (200, None):
        raise RuntimeError(f"webhook answered {result.status}")
    return elapsed


async def growth(webhook: str, openid: str, turns: int) -> List[float]:
    async with OfficialAccountClient(webhook, DEV_WECHAT["WECHAT_TOKEN"], DEV_WECHAT["WECHAT_APPID"],
                                     DEV_WECHAT["WECHAT_AES_KEY"]) as client:
        return [await one_turn(client, openid, QUESTIONS[n % len(QUESTIONS)]) for n in range(turns)]


async def after_preload(webhook: str, openid: str, repeats: int = 5) -> List[float]:
    async with OfficialAccountClient(webhook, DEV_WECHAT["WECHAT_TOKEN"], DEV_WECHAT["WECHAT_APPID"],
                                     DEV_WECHAT["WECHAT_AES_KEY"]) as client:
        return [await one_turn(client, openid, QUESTIONS[n]) for n in range(repeats)]


def blocks(latencies: List[float]) -> List[dict]:
    result = []
    for start in range(0, len(latencies), BLOCK):
        block = sorted(latencies[start:start + BLOCK])
        result.append({"turns": f"{start + 1}-{start + len(block)}",
                       "unanswered_in_5s": sum(1 for t in block if t >= 5.0),
                       "median_ms": round(statistics.median(block) * 1000, 1),
                       "p99_ms": round(block[min(len(block) - 1, int(0.99 * len(block)))] * 1000, 1)})
    return result


async def history_of(redis_url: str, openid: str) -> List[dict]:
    """The real events of the growth conversation, read through the event-log store."""
    store = EventLogTrackerStore(Domain.load(str(ROOT / "bot" / "domain")), redis_url=redis_url)
    try:
        tracker = await store.retrieve_full_tracker(openid)
        return [e.as_dict() for e in tracker.events]
    finally:
        await store.log.redis.close()


def year_of(events: List[dict], size: int) -> List[dict]:
    """`size` events cut from repeated real turns, stamped over the past year, latest now."""
    turn_events = [e for e in events if e["event"] not in ("session_started",)][:]
    copied = [dict(turn_events[n % len(turn_events)]) for n in range(size)]
    now = time.time()
    for index, event in enumerate(copied):
        event["timestamp"] = now - YEAR_S + YEAR_S * index / size - 60
    first = [{"event": "action", "name": "action_session_start", "timestamp": now - YEAR_S - 1},
             {"event": "session_started", "timestamp": now - YEAR_S - 1}]
    return first + copied


def preload_legacy(redis_port: int, openid: str, events: List[dict]) -> None:
    """Write the conversation as Rasa's RedisTrackerStore does (`tracker:<id>`, one JSON)."""
    client = redis.Redis(port=redis_port)
    client.set(RedisKeys.legacy_tracker(openid), json.dumps({"name": openid, "events": events}))
    client.close()


async def migrate_one(redis_url: str, openid: str) -> float:
    store = EventLogTrackerStore(Domain.load(str(ROOT / "bot" / "domain")), redis_url=redis_url)
    try:
        started = time.perf_counter()
        assert await store.migrate(openid)
        return time.perf_counter() - started
    finally:
        await store.log.redis.close()


def run_store(name: str, turns: int, year: Optional[List[dict]], work: Path) -> dict:
    port = free_port()
    redis_process = start_redis(port, work / f"redis-{name}", fsync="everysec")
    redis_url = f"redis://127.0.0.1:{port}/0"
    services: List[subprocess.Popen] = []
    try:
        services, webhook = start_stack(redis_url, STORES[name], work / f"logs-{name}")
        openid = f"o_hist_{uuid.uuid4().hex[:10]}"
        latencies = asyncio.run(growth(webhook, openid, turns))
        history = asyncio.run(history_of(redis_url, openid)) if name == "event_log" else None
        year = year or year_of(history, PRELOAD_EVENTS)
        loaded = f"o_year_{uuid.uuid4().hex[:10]}"
        preload_legacy(port, loaded, year)
        report: Dict = {"growth": blocks(latencies), "turn_1_ms": round(latencies[0] * 1000, 1)}
        if name == "event_log":
            report["migration_of_year_s"] = round(asyncio.run(migrate_one(redis_url, loaded)), 2)
        year_turns = asyncio.run(after_preload(webhook, loaded))
        report["year_of_history"] = {"events": len(year), "turn_ms": [round(t * 1000, 1) for t in year_turns],
                                     "median_ms": round(statistics.median(year_turns) * 1000, 1)}
        return {"report": report, "year": year}
    finally:
        stop(services)
        redis_process.terminate()
        redis_process.wait(10)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="bench-history-"))
    ours = run_store("event_log", TURNS, None, work)  # on failure `work` keeps the logs
    theirs = run_store("rasa_redis", BASELINE_TURNS, ours["year"], work)
    shutil.rmtree(work, ignore_errors=True)
    ours, theirs = ours["report"], theirs["report"]
    shared = min(len(ours["growth"]), len(theirs["growth"]))
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "event_log": ours,
        "rasa_redis": theirs,
        "ratios_rasa_over_event_log": {
            "per_block_median": [round(theirs["growth"][i]["median_ms"] / ours["growth"][i]["median_ms"], 2)
                                 for i in range(shared)],
            "year_of_history": round(theirs["year_of_history"]["median_ms"] / ours["year_of_history"]["median_ms"], 2),
        },
        "event_log_last_block_over_first": round(ours["growth"][-1]["median_ms"] / ours["growth"][0]["median_ms"], 2),
        "event_log_year_over_first_block": round(ours["year_of_history"]["median_ms"] / ours["growth"][0]["median_ms"], 2),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "history_growth.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
