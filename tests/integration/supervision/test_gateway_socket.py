"""The gateway's listening socket is the supervisor's (bot/supervisor.py `listen`): kill -9 of the
gateway refuses no connection; a request made while it is down waits in the socket's queue and
is answered by the restarted gateway, and the supervisor knows the new process owns the port."""
from __future__ import annotations

import os
import signal
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot import process_groups
from bot.gateway.app import HEALTH_PATH
from bot.launcher import http_ok
from bot.redis_server import free_port
from bot.supervisor import Backoff, ServiceSpec, Supervisor

ROOT = Path(__file__).resolve().parents[3]


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=20) as response:  # refused would raise at once
        return response.status


def test_a_killed_gateway_refuses_no_connection(tmp_path):
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("WECHAT_")}, "PYTHONPATH": str(ROOT),
           "RASA_PORT": str(port), "RASA_INTERNAL_PORT": str(free_port()),
           "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0", "FOLLOW_UP_SPOOL": str(tmp_path / "spool.jsonl")}
    health = f"http://127.0.0.1:{port}{HEALTH_PATH}"
    spec = ServiceSpec("gateway", "gateway", [sys.executable, "-m", "bot.gateway"], port, health,
                       lambda: http_ok(health), 30, listen=("127.0.0.1", port))
    lines = []
    supervisor = Supervisor([spec], env, ROOT, tmp_path / "run", lines.append,
                            lambda: Backoff(first=1.0, cap=1.0, stable_after=60))
    try:
        supervisor.start_all([["gateway"]])
        service = supervisor.services[0]
        first = service.pgid
        os.kill(first, signal.SIGKILL)
        while process_groups.group_members(first):
            time.sleep(0.05)
        with ThreadPoolExecutor(1) as pool:
            asked = pool.submit(get, health)  # nobody accepts right now: it must wait, not fail
            deadline = time.monotonic() + 30
            while not (asked.done() and service.state == "running"):
                assert time.monotonic() < deadline, lines
                supervisor.poll()  # on this thread: the children's PDEATHSIG belongs to it
                time.sleep(0.1)
            assert asked.result() == 200, "answered by the restarted gateway"
        assert service.pgid != first and service.restarts == 1, lines
        _, owners = process_groups.port_listeners(port)
        assert os.getpid() in owners, "the supervisor itself holds the socket"
    finally:
        assert supervisor.stop_all(grace=2)
    assert not process_groups.port_listeners(port)[0], "the socket is closed with the stack"
