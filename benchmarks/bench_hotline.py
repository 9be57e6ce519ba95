"""`make bench` (hotline part): many simultaneous calls through the hotline's signed protocol.

Starts the whole assistant as `make run` does, then CALLS calls at once, each a start turn
and TURNS_EACH spoken questions 2-6 s apart, as the IVR would place them (signed JSON; a turn
the gateway did not answer within its 4 s timeout is re-sent, re-signed, once). Reports the
turn latency p50/p99 at the gateway, turns past HOTLINE_TURN_DEADLINE, holding prompts,
duplicated turns (bot turns beyond one per spoken question), and the longest prompt spoken by
espeak-ng (`-v cmn -s 260`) among everything the calls heard. 127.0.0.1 only, bounded.
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import time
import wave
from pathlib import Path

import aiohttp

from bot.redis_server import free_port, start_redis
from bot.settings import DEV_HOTLINE_SECRET
from benchmarks.wechat_workers import QUESTIONS
from channels.hotline_sim.ivr import Call
from tests.integration.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
CALLS = int(os.environ.get("BENCH_CALLS", "100"))
TURNS_EACH = int(os.environ.get("BENCH_TURNS_EACH", "3"))
THINK_SECONDS = (2.0, 6.0)
DEADLINE_S = float(os.environ.get("BENCH_HOTLINE_DEADLINE", "2.5"))
GATEWAY_TIMEOUT_S = 4.0
RASA_WORKERS = os.environ.get("BENCH_RASA_WORKERS", "2")
HOLD = "请稍等，正在为您查询。"


async def one_call(url: str, http: aiohttp.ClientSession, samples: list, heard: set, calls: list) -> None:
    await asyncio.sleep(random.uniform(0, THINK_SECONDS[1]))
    call = Call(url, DEV_HOTLINE_SECRET, caller=f"139{random.randint(10 ** 7, 10 ** 8 - 1)}", http=http)
    calls.append(call)
    await timed(call, call.start(), samples, heard, "start")
    for _ in range(TURNS_EACH):
        await asyncio.sleep(random.uniform(*THINK_SECONDS))
        answer = await timed(call, call.says(random.choice(QUESTIONS)), samples, heard, "speech")
        while answer is not None and HOLD in answer.said:  # the bot's answer comes at the next turn
            await asyncio.sleep(1.5)
            answer = await timed(call, call.silence(), samples, heard, "no_input")
    await call.hangs_up()


async def timed(call: Call, request, samples: list, heard: set, kind: str):
    began = time.perf_counter()
    try:
        answer = await asyncio.wait_for(request, GATEWAY_TIMEOUT_S)
        retried = False
    except asyncio.TimeoutError:
        answer, retried = await call.retry_last(), True
    seconds = time.perf_counter() - began
    heard.update(a["text"] for a in answer.actions if a.get("type") == "say")
    samples.append({"seconds": seconds, "ok": answer.status == 200, "kind": kind, "retried": retried,
                    "hold": HOLD in answer.said, "well_ended": bool(answer.actions) and
                    answer.actions[-1]["type"] in ("gather", "transfer", "hangup")})
    return answer


def user_turns(stack: Stack, sender: str) -> int:
    query = urllib.parse.urlencode({"token": stack.api_token})
    address = f"http://127.0.0.1:{stack.rasa_port}/conversations/{sender}/tracker?{query}"
    with urllib.request.urlopen(address, timeout=30) as response:
        return sum(1 for event in json.loads(response.read())["events"] or [] if event.get("event") == "user")


def spoken_seconds(texts: set) -> tuple:
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        return None, "espeak-ng not installed"
    longest, which = 0.0, ""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.wav"
        for text in texts:
            subprocess.run([espeak, "-v", "cmn", "-s", "260", "-w", str(path), text], check=True, capture_output=True)
            with wave.open(str(path)) as audio:
                seconds = audio.getnframes() / audio.getframerate()
            if seconds > longest:
                longest, which = seconds, text
    return round(longest, 2), which


async def load(url: str) -> dict:
    samples, heard, calls = [], set(), []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CALLS * 2)) as http:
        began = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(one_call(url, http, samples, heard, calls)
                                                for _ in range(CALLS))), timeout=1800)
        wall = time.perf_counter() - began
    return {"samples": samples, "heard": heard, "calls": calls, "wall": wall}


def summarise(run: dict, stack: Stack) -> dict:
    samples = run["samples"]
    times = sorted(s["seconds"] for s in samples)
    spoken_turns = TURNS_EACH * CALLS
    bot_turns = sum(user_turns(stack, f"hotline-{call.call_id}") for call in run["calls"])
    longest, text = spoken_seconds(run["heard"])
    return {
        "calls": CALLS, "turns": len(samples),
        "turn_latency_ms": {"p50": round(statistics.median(times) * 1000, 1),
                            "p99": round(times[int(0.99 * (len(times) - 1))] * 1000, 1),
                            "max": round(times[-1] * 1000, 1)},
        "past_deadline": sum(1 for s in samples if s["seconds"] > DEADLINE_S),
        "holding_prompts": sum(s["hold"] for s in samples),
        "gateway_retries": sum(s["retried"] for s in samples),
        "spoken_questions": spoken_turns, "bot_turns": bot_turns,
        "duplicated_turns": max(0, bot_turns - spoken_turns), "lost_turns": max(0, spoken_turns - bot_turns),
        "badly_ended_answers": sum(1 for s in samples if not s["well_ended"]),
        "http_failures": sum(1 for s in samples if not s["ok"]),
        "longest_prompt_seconds": longest, "longest_prompt": text,
        "turns_per_second": round(len(samples) / run["wall"], 1),
    }


def main() -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="bench-hotline-"))
    port = free_port()
    redis_process = start_redis(port, data_dir)
    stack = Stack(f"redis://127.0.0.1:{port}/0", data_dir / "launcher.log",
                  {"RASA_WORKERS": RASA_WORKERS, "HOTLINE_TURN_DEADLINE": str(DEADLINE_S)}).start()
    try:
        url = f"http://127.0.0.1:{stack.rasa_port}/webhooks/hotline/webhook"
        report = summarise(asyncio.run(load(url)), stack)
    finally:
        stack.kill()
        redis_process.terminate()
        redis_process.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)
    report.update(date=time.strftime("%Y-%m-%d %H:%M"), rasa_workers=int(RASA_WORKERS),
                  think_seconds=list(THINK_SECONDS), deadline_s=DEADLINE_S)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "hotline_load.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if report["duplicated_turns"] == 0 and report["past_deadline"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
