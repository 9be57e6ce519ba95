"""`make bench` (WeChat part): many simulated workers against the running stack.

Starts the whole assistant as `make run` does (private Redis, the WeChat simulator, action
and Rasa servers), then CONVERSATIONS simulated users at once each send MESSAGES_EACH real
AES-encrypted, signed text messages, 2-6 s apart, through the webhook, exactly as WeChat
would (5 s timeout, up to 3 attempts). Reports webhook latency p50/p99, messages per second, the
share answered passively, duplicates (bot turns beyond one per message) and answers slower
than 5 s. Traffic goes to 127.0.0.1 only; the run is bounded in count and time.
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered

from bot.redis_server import free_port, start_redis
from bot.trackers.store import EventLogTrackerStore
from benchmarks.cpu_accounting import per_message, service_cpu_seconds, this_process_cpu_seconds
from benchmarks.wechat_workers import QUESTIONS, official_account
from channels.wechat_sim.official_account import OfficialAccountClient
from tests.integration.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
CONVERSATIONS = int(os.environ.get("BENCH_CONVERSATIONS", "200"))
MESSAGES_EACH = int(os.environ.get("BENCH_MESSAGES_EACH", "3"))
# A worker reads the answer and types the next message: 2-6 s between messages.
THINK_SECONDS = (2.0, 6.0)
RASA_WORKERS = os.environ.get("BENCH_RASA_WORKERS", "2")
# Second run: this many of the conversations already carry a year of history (YEAR_EVENTS events).
HEAVY = int(os.environ.get("BENCH_HEAVY_CONVERSATIONS", "50"))
YEAR_EVENTS = 10000


async def conversation(client: OfficialAccountClient, openid: str, samples: list) -> None:
    await asyncio.sleep(random.uniform(0, THINK_SECONDS[1]))  # workers do not all start at once
    for turn in range(MESSAGES_EACH):
        if turn:
            await asyncio.sleep(random.uniform(*THINK_SECONDS))
        started = time.perf_counter()
        result = await client.send_text(openid, random.choice(QUESTIONS))
        samples.append({"seconds": time.perf_counter() - started, "attempts": result.attempts,
                        "passive": result.reply is not None, "ok": result.status == 200, "openid": openid})


async def load(stack: Stack, users: list) -> dict:
    samples: list = []
    connector = aiohttp.TCPConnector(limit=CONVERSATIONS)
    async with aiohttp.ClientSession(connector=connector) as http:
        client = official_account(stack, http)
        var_dir = Path(stack.env["VAR_DIR"])
        cpu_before, client_before = service_cpu_seconds(var_dir), this_process_cpu_seconds()
        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(conversation(client, u, samples) for u in users)), timeout=1800)
        wall = time.perf_counter() - started
        cpu = per_message(cpu_before, service_cpu_seconds(var_dir), this_process_cpu_seconds() - client_before,
                          len(samples), wall)
        await asyncio.sleep(8)  # let answers sent asynchronously arrive at the simulator
        async with http.get(f"{stack.simulator_url}/_sim/messages") as response:
            customer_service = len((await response.json())["messages"])
    return {"samples": samples, "wall": wall, "users": users, "customer_service_messages": customer_service,
            "cpu": cpu}


async def user_turns(redis_url: str, users: list) -> int:
    """User messages Rasa recorded, read through the tracker store (bot/trackers)."""
    store = EventLogTrackerStore(Domain.load(str(ROOT / "bot" / "domain")), redis_url=redis_url)
    try:
        turns = 0
        for user in users:
            tracker = await store.retrieve_full_tracker(user)
            turns += sum(1 for e in tracker.events if isinstance(e, UserUttered)) if tracker else 0
        return turns
    finally:
        await store.log.redis.close()


def year_of_faq_turns(size: int) -> list:
    """`size` events of FAQ turns as the bot records them, spread over the past year."""
    now, year = time.time(), 365 * 24 * 3600
    parse = {"intent": {"name": "faq", "confidence": 0.97}, "entities": [], "text": "加班费怎么算",
             "response_selector": {"faq": {"response": {"intent_response_key": "faq/overtime_pay",
                                                         "confidence": 0.95}}}}
    turn = [{"event": "user", "text": "加班费怎么算", "parse_data": parse, "input_channel": "wechat"},
            {"event": "action", "name": "action_answer_faq"},
            {"event": "bot", "text": "加班工资：工作日加班不低于工资的150%……", "data": {}},
            {"event": "action", "name": "action_listen"}]
    events = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"},
              {"event": "action", "name": "action_listen"}]
    events += [dict(turn[n % len(turn)]) for n in range(size - len(events))]
    for index, event in enumerate(events):
        event["timestamp"] = now - year + year * index / size - 600
    return events


async def preload(redis_url: str, users: list) -> int:
    """Give `users` a year of history each; returns the user messages each one carries."""
    store = EventLogTrackerStore(Domain.load(str(ROOT / "bot" / "domain")), redis_url=redis_url)
    events = year_of_faq_turns(YEAR_EVENTS)
    plan = store.plan_history(events)
    try:
        for user in users:
            await store.import_events(user, events, plan)
    finally:
        await store.log.redis.close()
    return sum(1 for e in events if e["event"] == "user")


async def warm_up(stack: Stack) -> None:
    """Each question a few times before measuring: a freshly started Rasa traces TensorFlow's
    functions on its first parses, which a server that has been up for a minute has long done.
    Concurrent senders, so every Rasa server gets some."""
    async with aiohttp.ClientSession() as http:
        client = official_account(stack, http)

        async def sender(index: int) -> None:
            for question in QUESTIONS:
                await client.send_text(f"o_bench_warm_{index}", question)

        await asyncio.gather(*(sender(i) for i in range(2 * int(RASA_WORKERS))))


def new_users() -> list:
    return [f"o_bench_{uuid.uuid4().hex[:10]}" for _ in range(CONVERSATIONS)]


def latency_ms(samples: list) -> dict:
    times = sorted(s["seconds"] for s in samples)
    return {"p50": round(statistics.median(times) * 1000, 1),
            "p99": round(times[int(0.99 * (len(times) - 1))] * 1000, 1),
            "max": round(times[-1] * 1000, 1)}


def summarise(run: dict, redis_port: int, preloaded_turns: int = 0, heavy_users: tuple = ()) -> dict:
    samples = run["samples"]
    turns = asyncio.run(user_turns(f"redis://127.0.0.1:{redis_port}/0", run["users"])) - preloaded_turns
    sent = len(samples)
    return {
        "conversations": CONVERSATIONS,
        "messages": sent,
        "webhook_latency_ms": latency_ms(samples),
        "messages_per_second": round(sent / run["wall"], 1),
        "answered_passively": round(sum(s["passive"] for s in samples) / sent, 4),
        "answered_by_customer_service_api": run["customer_service_messages"],
        "bot_turns": turns,
        "duplicates": max(0, turns - sent),
        "lost": max(0, sent - turns),
        "slower_than_5s": sum(1 for s in samples if s["attempts"] > 1 or s["seconds"] > 5),
        "http_failures": sum(1 for s in samples if not s["ok"]),
        "cpu": run["cpu"],
        # Same run, split: does a year of history make a conversation's turns slower under load?
        **({"webhook_latency_ms_by_history": {
            "with_year_of_history": latency_ms([s for s in samples if s["openid"] in heavy_users]),
            "new_conversations": latency_ms([s for s in samples if s["openid"] not in heavy_users])}}
           if heavy_users else {}),
    }


def main() -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="bench-redis-"))
    port = free_port()
    redis_process = start_redis(port, data_dir)
    stack = Stack(f"redis://127.0.0.1:{port}/0", data_dir / "launcher.log", {"RASA_WORKERS": RASA_WORKERS}).start()
    redis_url = f"redis://127.0.0.1:{port}/0"
    try:
        asyncio.run(warm_up(stack))
        report = summarise(asyncio.run(load(stack, new_users())), port)
        if HEAVY:
            users = new_users()
            each = asyncio.run(preload(redis_url, users[:HEAVY]))
            heavy = summarise(asyncio.run(load(stack, users)), port, preloaded_turns=each * HEAVY,
                              heavy_users=tuple(users[:HEAVY]))
            report["with_year_of_history"] = {"conversations_with_history": HEAVY, "events_each": YEAR_EVENTS,
                                              **heavy}
    finally:
        stack.kill()
        redis_process.terminate()
        redis_process.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)
    report.update(date=time.strftime("%Y-%m-%d %H:%M"), rasa_workers=int(RASA_WORKERS),
                  think_seconds=list(THINK_SECONDS))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "wechat_load.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    runs = [report, report.get("with_year_of_history", report)]
    return 0 if all(r["duplicates"] == 0 and r["slower_than_5s"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
