"""Profile whole turns in the Rasa server with py-spy: a flame graph of what stands between the
webhook and the reply (benchmarks/results/turn_flamegraph.svg).

Starts the stack as `make run` does (one Rasa worker), warms one conversation up to
WARM_TURNS turns, then records the Rasa process while PROFILED_TURNS more turns go through
the real webhook one after another. `python -m benchmarks.profile_turn`.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict

import psutil

from benchmarks.bench_history import QUESTIONS, growth
from bot.redis_server import free_port, start_redis
from tests.integration.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
WARM_TURNS = int(os.environ.get("PROFILE_WARM_TURNS", "30"))
PROFILED_TURNS = int(os.environ.get("PROFILE_TURNS", "150"))
# Where a turn's CPU goes, by the source file (or function) that is on the stack.
STAGES = {
    "nlu_pipeline (all of message parsing)": "rasa/nlu/",
    "nlu_tokenizer (jieba)": "jieba",
    "nlu_featurizers": "rasa/nlu/featurizers/",
    "nlu_diet_classifier": "diet_classifier.py",
    "nlu_response_selector": "response_selector.py",
    "policies (next action prediction)": "rasa/core/policies/",
    "policy_ted": "ted_policy.py",
    "policy_rules_and_memo": "rule_policy.py",
    "tensorflow (inside NLU and policies)": "tensorflow/",
    "tracker_store (bot/trackers)": "bot/trackers/",
    "event_broker (bot/capture)": "bot/capture/",
    "faq_answers (bot/faq)": "bot/faq/",
    "crisis_and_normalizer (bot/nlu)": "bot/nlu/",
    "wechat_channel": "channels/wechat/",
    "action_server_calls": "rasa/core/actions/action.py",
    "json_and_serialisation": "json/",
    "sanic_http": "sanic/",
}


def rasa_pid(stack: Stack) -> int:
    for child in psutil.Process(stack.process.pid).children(recursive=True):
        command = " ".join(child.cmdline())
        if "bot.rasa_server" in command:
            return child.pid
    raise RuntimeError("no Rasa server process under the launcher")


def record(stack: Stack, openid: str, output: Path, kind: str, turns: int):
    """py-spy on the Rasa process while `turns` turns go through the webhook: (latencies, seconds)."""
    spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(rasa_pid(stack)),
                            "--output", str(output), "--format", kind, "--rate", "200"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(2)
    started = time.perf_counter()
    latencies = asyncio.run(growth(stack.webhook_url, openid, turns))
    spent = time.perf_counter() - started
    spy.send_signal(2)  # SIGINT: py-spy writes its output and exits
    spy.wait(60)
    return latencies, spent


def stage_shares(collapsed: str) -> Dict[str, float]:
    """Share of the Rasa process's samples (inclusive) in which each stage of a turn was on the
    stack, from py-spy's raw (collapsed) output: 'frame;frame;... count' per line."""
    counts = {name: 0 for name in STAGES}
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        for name, needle in STAGES.items():
            if needle in stack:
                counts[name] += int(count)
    return {name: round(count / total, 3) for name, count in counts.items()} if total else {}


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="profile-turn-"))
    port = free_port()
    redis_process = start_redis(port, work / "redis")
    stack = Stack(f"redis://127.0.0.1:{port}/0", work / "launcher.log", {"RASA_WORKERS": "1"}).start()
    output = RESULTS / "turn_flamegraph.svg"
    try:
        openid = f"o_prof_{uuid.uuid4().hex[:8]}"
        asyncio.run(growth(stack.webhook_url, openid, WARM_TURNS))
        # Two recordings of the same kind of turns: a flame graph to look at, raw stacks to sum up.
        latencies, spent = record(stack, openid, output, "flamegraph", PROFILED_TURNS // 2)
        raw = work / "turns.txt"
        more, spent_raw = record(stack, openid, raw, "raw", PROFILED_TURNS - PROFILED_TURNS // 2)
        latencies, spent = latencies + more, spent + spent_raw
        shares = stage_shares(raw.read_text())
    finally:
        stack.kill()
        redis_process.terminate()
        redis_process.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    latencies.sort()
    summary = {"date": time.strftime("%Y-%m-%d %H:%M"), "turns": PROFILED_TURNS,
               "median_ms": round(latencies[len(latencies) // 2] * 1000, 1),
               "machine_load_average_1min": round(os.getloadavg()[0], 2),
               "share_of_rasa_cpu_samples": shares}
    (RESULTS / "turn_profile.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(shares, indent=2))
    print(f"{PROFILED_TURNS} turns in {spent:.1f} s, median {latencies[len(latencies) // 2] * 1000:.0f} ms; "
          f"flame graph: {output.relative_to(ROOT)} ({len(QUESTIONS)} questions in rotation)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
