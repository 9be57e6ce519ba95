"""`make run`: start Redis (embedded unless REDIS_URL is set), the action server and the
Rasa server, print where each listens, and stop them all, in reverse order, on Ctrl-C.
"""
from __future__ import annotations

import ctypes
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from bot.redis_server import start_redis, wait_for_port
from bot.settings import ROOT, Settings, SettingsError

BIN = Path(sys.executable).parent
PR_SET_PDEATHSIG = 1
STARTUP_TIMEOUT = 240  # seconds: loading TensorFlow and the model is slow on 2 cores


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    url: str


def service_env(settings: Settings) -> Dict[str, str]:
    """What the child processes read: endpoints.yml expands these variables."""
    env = dict(os.environ)
    env.update(
        ACTION_PORT=str(settings.action_port),
        WECHAT_API_BASE=settings.wechat_api_base,
        # The Rasa HTTP API (used to notify workers and, later, by the console) needs a token.
        RASA_API_TOKEN=settings.rasa_api_token or secrets.token_hex(24),
        # Rasa parses on its event loop: one worker process per core keeps the 5 s deadline under load.
        SANIC_WORKERS=str(settings.rasa_workers),
        RASA_REDIS_HOST=settings.redis.host,
        RASA_REDIS_PORT=str(settings.redis.port),
        RASA_REDIS_DB=str(settings.redis.db),
        RASA_REDIS_PASSWORD=settings.redis.password or "",
        PYTHONPATH=str(ROOT),
        # TensorFlow's start-up chatter hides the lines operators need.
        TF_CPP_MIN_LOG_LEVEL=env.get("TF_CPP_MIN_LOG_LEVEL", "2"),
    )
    return env


def action_server_command(settings: Settings) -> List[str]:
    return [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(settings.action_port)]


def rasa_server_command(settings: Settings, model: Path, api_token: str) -> List[str]:
    return [
        str(BIN / "rasa"), "run",
        "--model", str(model),
        "--endpoints", str(ROOT / "bot" / "endpoints.yml"),
        "--credentials", str(ROOT / "bot" / ("credentials.dev.yml" if settings.dev_mode else "credentials.yml")),
        "--port", str(settings.rasa_port),
        "--enable-api", f"--auth-token={api_token}",
    ]


def newest_model(models_dir: Path) -> Path:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit(f"No trained model in {models_dir}: run `make train` first.")
    return models[-1]


def wait_http(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def start(settings: Settings, model: Path, log_dir: Optional[Path] = None) -> List[Service]:
    services: List[Service] = []
    env = service_env(settings)
    try:
        if settings.redis.embedded:
            redis = start_redis(settings.redis.port, ROOT / "var" / "redis")
            services.append(Service("redis (embedded, AOF in var/redis)", redis, settings.redis.url))
        else:
            wait_for_port(settings.redis.host, settings.redis.port, timeout=10)
        if settings.dev_mode:
            simulator = _spawn([sys.executable, "-m", "channels.wechat_sim", "--port", str(settings.simulator_port)],
                               env, log_dir, "wechat-simulator")
            services.append(Service("WeChat API simulator (development)", simulator, settings.wechat_api_base))
            wait_for_port("127.0.0.1", settings.simulator_port, timeout=30, process=simulator)
        actions = _spawn(action_server_command(settings), env, log_dir, "actions")
        services.append(Service("action server", actions, f"http://127.0.0.1:{settings.action_port}/webhook"))
        rasa = _spawn(rasa_server_command(settings, model, env["RASA_API_TOKEN"]), env, log_dir, "rasa")
        services.append(Service("rasa server (WeChat webhook)", rasa,
                                f"http://127.0.0.1:{settings.rasa_port}/webhooks/wechat/webhook"))
        wait_http(f"http://127.0.0.1:{settings.action_port}/health", actions, STARTUP_TIMEOUT)
        wait_http(f"http://127.0.0.1:{settings.rasa_port}/webhooks/wechat/", rasa, STARTUP_TIMEOUT)
        console = _spawn([sys.executable, "-m", "bot.console"], env, log_dir, "console")
        services.append(Service("staff console", console, f"http://127.0.0.1:{settings.console_port}/"))
        wait_http(f"http://127.0.0.1:{settings.console_port}/login", console, 60)
    except BaseException:
        stop(services)
        raise
    return services


def _spawn(command: List[str], env: Dict[str, str], log_dir: Optional[Path], name: str) -> subprocess.Popen:
    output = None
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        output = open(log_dir / f"{name}.log", "ab")
    # A session of its own: Ctrl-C reaches only the launcher, which stops children in order.
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT if output else None,
                            start_new_session=True, preexec_fn=die_with_parent)


def die_with_parent() -> None:
    """Linux: a child gets SIGTERM if the launcher itself is killed, so nothing is orphaned."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def stop(services: List[Service], timeout: float = 20) -> None:
    for service in reversed(services):
        if service.process.poll() is None:
            service.process.send_signal(signal.SIGTERM)
            try:
                service.process.wait(timeout)
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait()


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"Configuration error — {error}", file=sys.stderr)
        return 2
    services = start(settings, newest_model(ROOT / "models"))
    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    mode = "development (local WeChat simulator; try `make chat`)" if settings.dev_mode else "production"
    print(f"\n12351 assistant running in {mode} mode:")
    for service in services:
        print(f"  {service.name:<38} {service.url}")
    print("Press Ctrl-C to stop.\n", flush=True)
    exit_code = 0
    while not stopping:
        dead = [s for s in services if s.process.poll() is not None]
        if dead:
            print(f"{dead[0].name} exited with {dead[0].process.returncode}; stopping.", file=sys.stderr)
            exit_code = 1
            break
        time.sleep(0.5)
    stop(services)
    print("All services stopped.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
