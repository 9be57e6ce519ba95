"""The whole assistant as `make run` starts it (bot/launcher.py), on free ports, for tests."""
from __future__ import annotations

import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

from bot.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]


def free_ports(count: int) -> List[int]:
    """`count` consecutive ports free right now (Rasa servers listen on RASA_INTERNAL_PORT + N)."""
    for _ in range(200):
        first = random.randint(20000, 60000 - count)
        ports = list(range(first, first + count))
        try:
            for port in ports:
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return ports
    raise RuntimeError(f"no {count} consecutive free ports")


class Stack:
    def __init__(self, redis_url: Optional[str], log_path: Path, env: Optional[Dict[str, str]] = None):
        """`redis_url` None: the launcher runs (and supervises) an embedded Redis on a free port."""
        self.rasa_port, self.action_port, self.simulator_port = free_port(), free_port(), free_port()
        self.console_port = free_port()
        # RASA_PORT is the webhook gateway's (bot/gateway); the Rasa servers listen on these.
        workers = int((env or {}).get("RASA_WORKERS", "1"))
        self.rasa_internal_ports = free_ports(workers)
        self.rasa_internal_port = self.rasa_internal_ports[0]
        self.redis_port = free_port() if redis_url is None else None
        redis_env = {"REDIS_URL": redis_url} if redis_url else {"EMBEDDED_REDIS_PORT": str(self.redis_port)}
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("WECHAT_") and k != "REDIS_URL"},
            **redis_env,
            "RASA_PORT": str(self.rasa_port),
            "RASA_INTERNAL_PORT": str(self.rasa_internal_port),
            "ACTION_PORT": str(self.action_port),
            "WECHAT_SIM_PORT": str(self.simulator_port),
            "CONSOLE_PORT": str(self.console_port),
            "PYTHONPATH": str(ROOT),
            "RASA_WORKERS": "1",  # tests: one model in memory per stack is enough
            # Known to the tests, so they can read trackers through Rasa's API.
            "RASA_API_TOKEN": secrets.token_hex(16),
            # Pidfiles (and an embedded Redis, if a test asks for one) stay with the test's files.
            "VAR_DIR": str(log_path.parent / "var"),
            **(env or {}),
        }
        self.api_token = self.env["RASA_API_TOKEN"]
        self.log_path = log_path
        self.ports = {"gateway": self.rasa_port, "actions": self.action_port, "console": self.console_port,
                      "simulator": self.simulator_port, "redis": self.redis_port,
                      **{f"rasa-{n}": port for n, port in enumerate(self.rasa_internal_ports)}}
        self.ports["rasa"] = self.rasa_internal_port  # "rasa": the first Rasa server, rasa-0
        self.process: Optional[subprocess.Popen] = None

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/wechat/webhook"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.console_port}"

    @property
    def simulator_url(self) -> str:
        return f"http://127.0.0.1:{self.simulator_port}"

    def pidfile(self, service: str) -> dict:
        """What the launcher recorded for a service: {"pgid", "port", "command"} (empty if none)."""
        name = "rasa-0" if service == "rasa" else service
        path = Path(self.env["VAR_DIR"]) / "run" / f"{name}-{self.ports[service]}.pid"
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return {}

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def start(self) -> "Stack":
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "bot.launcher"], cwd=ROOT, env=self.env,
                                        stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 540
        while b"Press Ctrl-C to stop" not in self.log_path.read_bytes()[offset:]:
            assert self.process.poll() is None, self.log_path.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "stack did not start in 540 s"
            time.sleep(0.5)
        return self

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(60)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.interrupt()
