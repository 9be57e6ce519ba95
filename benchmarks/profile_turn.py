"""Profile whole turns in the Rasa server with py-spy: a flame graph of what stands between the
webhook and the reply (benchmarks/results/turn_flamegraph.svg).

Starts the stack as `make run` does (one Rasa worker), warms one conversation up to
WARM_TURNS turns, then records the Rasa process while PROFILED_TURNS more turns go through
the real webhook one after another. `python -m benchmarks.profile_turn`.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil

from benchmarks.bench_history import QUESTIONS, growth
from bot.redis_server import free_port, start_redis
from tests.integration.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
WARM_TURNS = int(os.environ.get("PROFILE_WARM_TURNS", "30"))
PROFILED_TURNS = int(os.environ.get("PROFILE_TURNS", "150"))


def rasa_pid(stack: Stack) -> int:
    for child in psutil.Process(stack.process.pid).children(recursive=True):
        command = " ".join(child.cmdline())
        if "bot.rasa_server" in command:
            return child.pid
    raise RuntimeError("no Rasa server process under the launcher")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="profile-turn-"))
    port = free_port()
    redis_process = start_redis(port, work / "redis")
    stack = Stack(f"redis://127.0.0.1:{port}/0", work / "launcher.log", {"RASA_WORKERS": "1"}).start()
    output = RESULTS / "turn_flamegraph.svg"
    try:
        openid = f"o_prof_{uuid.uuid4().hex[:8]}"
        asyncio.run(growth(stack.webhook_url, openid, WARM_TURNS))
        spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(rasa_pid(stack)),
                                "--output", str(output), "--format", "flamegraph", "--rate", "200"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(2)
        started = time.perf_counter()
        latencies = asyncio.run(growth(stack.webhook_url, openid, PROFILED_TURNS))
        spent = time.perf_counter() - started
        spy.send_signal(2)  # SIGINT: py-spy writes the flame graph and exits
        spy.wait(60)
    finally:
        stack.kill()
        redis_process.terminate()
        redis_process.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    latencies.sort()
    print(f"{PROFILED_TURNS} turns in {spent:.1f} s, median {latencies[len(latencies) // 2] * 1000:.0f} ms; "
          f"flame graph: {output.relative_to(ROOT)} ({len(QUESTIONS)} questions in rotation)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
