"""`make run`: start Redis (embedded unless REDIS_URL is set), the WeChat simulator (development),
the action server, the Rasa server and the staff console; keep them running; stop them all on Ctrl-C.

Each service is one process group watched by bot/supervisor.py: one that dies is restarted
with backoff while the others keep serving. The services run the same entry points as the
systemd units in deploy/systemd (bot.redis_server, bot.action_server, bot.rasa_server,
bot.console), so both ways of running behave alike: bound to BIND_HOST (loopback by default),
Rasa→action server calls carrying ACTION_SERVER_TOKEN, and no secret on any command line.
"""
from __future__ import annotations

import ipaddress
import os
import secrets
import signal
import socket
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

from bot.gateway.app import HEALTH_PATH as GATEWAY_HEALTH
from bot.rasa_server import newest_model
from bot.redis_server import is_loaded, wait_for_port
from bot.settings import ROOT, Settings, settings_or_exit
from bot.supervisor import PortInUse, ServiceSpec, StartFailed, Supervisor

PYTHON = sys.executable
STARTUP_TIMEOUT = 600  # seconds: loading TensorFlow and the model takes minutes on 2 busy cores
DEV_WARNING_INTERVAL = 600  # seconds between repeats of the development-credentials warning
POLL_SECONDS = 0.5
PROBE_TIMEOUT = 5  # seconds; a slower answer counts as "busy", not as dead


def say(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} [launcher] {message}", flush=True)


def service_env(settings: Settings) -> Dict[str, str]:
    """The children's environment: ours plus the two internal tokens (random per run when unset).
    Tokens travel in the environment, never as arguments (`ps` shows arguments to every user)."""
    env = dict(os.environ)
    env.update(
        RASA_API_TOKEN=settings.rasa_api_token or secrets.token_hex(24),
        ACTION_SERVER_TOKEN=settings.action_server_token or secrets.token_hex(24),
        PYTHONPATH=str(ROOT),
        # TensorFlow's start-up chatter hides the lines operators need.
        TF_CPP_MIN_LOG_LEVEL=env.get("TF_CPP_MIN_LOG_LEVEL", "2"),
    )
    return env


def probe_host(bind_host: str) -> str:
    """Where to reach a service bound to `bind_host` from this machine."""
    address = ipaddress.ip_address(bind_host)
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    return f"[{address}]" if address.version == 6 else str(address)


def http_ok(url: str) -> Optional[bool]:
    """True on 200; False when refused or answered otherwise; None when it timed out (busy)."""
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False
    except (socket.timeout, TimeoutError):
        return None
    except urllib.error.URLError as error:
        return None if isinstance(error.reason, (socket.timeout, TimeoutError)) else False
    except OSError:
        return False


def http_service(name: str, title: str, command: List[str], host: str, port: int, health: str, shown: str,
                 timeout: float = STARTUP_TIMEOUT) -> ServiceSpec:
    base = f"http://{host}:{port}"
    return ServiceSpec(name, title, command, port, base + shown, lambda: http_ok(base + health), timeout)


def service_specs(settings: Settings, model: Path, api_token: str) -> List[ServiceSpec]:
    host = probe_host(settings.bind_host)
    specs = []
    if settings.redis.embedded:
        port = settings.redis.port
        specs.append(ServiceSpec("redis", "redis (embedded, AOF in var/redis)", [PYTHON, "-m", "bot.redis_server"],
                                 port, settings.redis.url, lambda: is_loaded(port), 60))
    if settings.dev_mode:
        specs.append(http_service("simulator", "WeChat API simulator (development)",
                                  [PYTHON, "-m", "channels.wechat_sim", "--host", settings.bind_host,
                                   "--port", str(settings.simulator_port)],
                                  host, settings.simulator_port, "/_sim/health", "", timeout=30))
    specs.append(http_service("actions", "action server", [PYTHON, "-m", "bot.action_server"],
                              host, settings.action_port, "/health", "/webhook"))
    specs += rasa_specs(settings, model, api_token, host)
    # The public port: forwards to Rasa, answers by itself while Rasa is down (bot/gateway).
    # Its socket is held by the launcher: connections wait through a gateway restart, never refused.
    gateway = http_service("gateway", "webhook gateway (WeChat webhook)", [PYTHON, "-m", "bot.gateway"],
                           host, settings.rasa_port, GATEWAY_HEALTH, "/webhooks/wechat/webhook", timeout=30)
    gateway.listen = (settings.bind_host, settings.rasa_port)
    specs.append(gateway)
    # The console binds 127.0.0.1 itself (bot/console/__main__.py): it sits behind the HTTPS proxy.
    specs.append(http_service("console", "staff console", [PYTHON, "-m", "bot.console"],
                              "127.0.0.1", settings.console_port, "/login", "/", timeout=60))
    return specs


def rasa_specs(settings: Settings, model: Path, api_token: str, host: str) -> List[ServiceSpec]:
    """RASA_WORKERS Rasa servers, one per internal port, each its own supervised service: a
    killed one restarts while the others serve (the gateway balances across the live ones).
    /status answers 200 only once a model is loaded: a Rasa that failed to load its model still
    serves the channels' health routes (and answers every message with nothing)."""
    return [http_service(rasa_service_name(instance), f"rasa server {instance} (internal; via the gateway)",
                         [PYTHON, "-m", "bot.rasa_server", "--instance", str(instance), "--model", str(model)],
                         host, port, f"/status?token={api_token}", "")
            for instance, port in enumerate(settings.rasa_internal_ports)]


def rasa_service_name(instance: int) -> str:
    return f"rasa-{instance}"


def start_stages(specs: List[ServiceSpec]) -> List[List[str]]:
    """Redis first (everything else connects to it at start-up), then the rest side by side."""
    names = [spec.name for spec in specs]
    first = [name for name in names if name == "redis"]
    return [stage for stage in (first, [name for name in names if name != "redis"]) if stage]


def development_warning(settings: Settings) -> str:
    lines = [
        "WARNING: DEVELOPMENT CREDENTIALS. No WECHAT_* variables are set, so this stack uses the",
        "published development token, AppSecret and AES key, and serves Rasa's REST channel, which",
        "believes any sender id. It must not face the internet. For production set every WECHAT_*",
        "variable (README: A real official account).",
    ]
    if not ipaddress.ip_address(settings.bind_host).is_loopback:
        lines.append(f"BIND_HOST={settings.bind_host}: these services are reachable from other machines NOW.")
    bar = "!" * 92
    return "\n".join([bar, *(f"!! {line}" for line in lines), bar])


class Interrupted(Exception):
    """SIGTERM while the stack is still starting."""


def main() -> int:
    settings = settings_or_exit()
    model = newest_model(ROOT / "models")
    if model is None:
        print(f"No trained model in {ROOT / 'models'}: run `make train` first.", file=sys.stderr)
        return 2
    if not settings.redis.embedded:
        wait_for_port(settings.redis.host, settings.redis.port, timeout=10)
    env = service_env(settings)
    specs = service_specs(settings, model, env["RASA_API_TOKEN"])
    supervisor = Supervisor(specs, env, ROOT, settings.var_dir / "run", say)
    if settings.dev_mode:
        print(development_warning(settings), flush=True)

    def interrupt_start(signum, frame):
        raise Interrupted()

    signal.signal(signal.SIGTERM, interrupt_start)
    try:
        supervisor.start_all(start_stages(specs))
    except (StartFailed, PortInUse) as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Interrupted):
        print("Start-up interrupted; everything stopped.")
        return 130
    return supervise(settings, supervisor, specs)


def supervise(settings: Settings, supervisor: Supervisor, specs: List[ServiceSpec]) -> int:
    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    mode = "development (local WeChat simulator; try `make chat`)" if settings.dev_mode else "production"
    print(f"\n12351 assistant running in {mode} mode:")
    for spec in specs:
        print(f"  {spec.title:<38} {spec.url}")
    print("Press Ctrl-C to stop.\n", flush=True)
    warned = time.monotonic()
    while not stopping:
        supervisor.poll()
        if settings.dev_mode and time.monotonic() - warned >= DEV_WARNING_INTERVAL:
            print(development_warning(settings), flush=True)
            warned = time.monotonic()
        time.sleep(POLL_SECONDS)
    clean = supervisor.stop_all()
    print("All services stopped." if clean else "Some processes did not stop; see var/run/*.pid", flush=True)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
