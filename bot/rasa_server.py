"""`python -m bot.rasa_server [--instance N] [--model PATH]`: Rasa's own `rasa run`, configured from bot/settings.py.

One process is one Rasa server with one Sanic worker, listening on RASA_INTERNAL_PORT + N. The
launcher (and systemd's 12351-rasa@N units) run RASA_WORKERS of them side by side, each
supervised on its own, and the webhook gateway balances across them: a killed one is only one
of several (the others answer at once while it reloads its model for a minute or more), where
one server with several Sanic workers went down whole. They share everything else through
Redis (trackers, conversation locks, the WeChat ledger), as the Sanic workers did.

Why not `rasa run ... --auth-token=...` directly: a command line is world-readable (`ps`,
/proc/<pid>/cmdline), so the API token would leak to every local user. Here the token comes
from the environment and is handed to Rasa's command-line entry point in-process: Rasa parses
the same arguments as always (so logging and telemetry settings behave as in `rasa run`), but
the argument list the kernel shows is the one above. The launcher and the systemd units run
this module.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Dict, List, Optional

from bot.settings import ROOT, Settings, SettingsError

ENDPOINTS = ROOT / "bot" / "endpoints.yml"


def newest_model(models_dir: Path) -> Optional[Path]:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def rasa_environment(settings: Settings) -> Dict[str, str]:
    """What endpoints.yml expands and Rasa reads."""
    return {
        "ACTION_SERVER_URL": settings.action_server_url,
        "ACTION_SERVER_TOKEN": settings.action_server_token,
        "WECHAT_API_BASE": settings.wechat_api_base,
        # One Sanic worker: the capacity is RASA_WORKERS separate servers (one per core), each
        # restarted on its own, instead of one server whose death takes all its workers.
        "SANIC_WORKERS": "1",
        "RASA_REDIS_HOST": settings.redis.host,
        "RASA_REDIS_PORT": str(settings.redis.port),
        "RASA_REDIS_DB": str(settings.redis.db),
        "RASA_REDIS_PASSWORD": settings.redis.password or "",
        "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
    }


def rasa_arguments(settings: Settings, model: Path, endpoints: Path = ENDPOINTS, instance: int = 0) -> List[str]:
    credentials = "credentials.dev.yml" if settings.dev_mode else "credentials.yml"
    return [
        "rasa", "run",
        "--model", str(model),
        "--endpoints", str(endpoints),
        "--credentials", str(ROOT / "bot" / credentials),
        "--interface", settings.bind_host,
        # RASA_PORT belongs to the webhook gateway (bot/gateway), which forwards here.
        "--port", str(instance_port(settings, instance)),
        "--enable-api", "--auth-token", settings.rasa_api_token,
    ]


MODEL_SERVER_BLOCK = """
# Added by bot/rasa_server.py: the console's model registry is the model server (issue 12).
models:
  url: ${MODEL_SERVER_URL}
  wait_time_between_pulls: ${MODEL_PULL_SECONDS}
  headers:
    X-Model-Token: ${RASA_API_TOKEN}
"""


def instance_port(settings: Settings, instance: int) -> int:
    """The port of Rasa server number `instance` (0-based; SettingsError past RASA_WORKERS)."""
    if not 0 <= instance < settings.rasa_workers:
        raise SettingsError("RASA_WORKERS", f"is {settings.rasa_workers}, so there is no Rasa instance {instance} "
                            f"(instances 0-{settings.rasa_workers - 1})")
    return settings.rasa_internal_ports[instance]


def model_server_endpoints(settings: Settings, instance: int = 0) -> Path:
    """endpoints.yml plus a `models:` section, written where the run's files go; values stay
    ${VARIABLES} that Rasa expands from the environment (no token in the file). One file per
    instance: instances start side by side and must not read each other's half-written file."""
    path = settings.var_dir / "run" / f"endpoints-rasa-{instance_port(settings, instance)}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ENDPOINTS.read_text(encoding="utf-8") + MODEL_SERVER_BLOCK, encoding="utf-8")
    return path


def pull_models(settings: Settings, model: Optional[Path], instance: int = 0) -> Optional[Path]:
    """Register/activate models/'s newest model if new, then point Rasa at the model server.
    None (serve `model` from disk as before) when pulling is off or the registry is unreachable."""
    if settings.model_pull_seconds == 0:
        return None
    import asyncio

    from redis.exceptions import RedisError

    from bot.models_registry.bootstrap import ensure_active

    try:
        active = asyncio.run(ensure_active(settings, model))
    except shutil.SameFileError:
        # Another instance placed the same file at the same moment: it registers it; serve on.
        active = True
    except (RedisError, OSError) as error:
        print(f"Model registry unavailable ({error.__class__.__name__}): serving {model} without pulling.",
              file=sys.stderr)
        return None
    if active is None:
        return None
    os.environ.update(MODEL_SERVER_URL=settings.model_server_url, MODEL_PULL_SECONDS=str(settings.model_pull_seconds))
    return model_server_endpoints(settings, instance)


def required_tokens(settings: Settings) -> None:
    """Rasa's HTTP API and the action server must never run open: both tokens are required here
    (the launcher makes random ones per run; under systemd they come from the EnvironmentFile)."""
    for variable, value in (("RASA_API_TOKEN", settings.rasa_api_token),
                            ("ACTION_SERVER_TOKEN", settings.action_server_token)):
        if not value:
            raise SettingsError(variable, "required to run the Rasa server (make run sets a random one)")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.rasa_server", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="default: the newest models/*.tar.gz")
    parser.add_argument("--instance", type=int, default=0,
                        help="which of the RASA_WORKERS servers (0-based): listens on RASA_INTERNAL_PORT + N")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = Settings.from_env()
        required_tokens(settings)
        instance_port(settings, args.instance)
    except SettingsError as error:
        print(f"Configuration error — {error}", file=sys.stderr)
        return 2
    model = args.model or newest_model(ROOT / "models")
    if model is None or not model.is_file():
        print(f"No trained model ({model or ROOT / 'models'}): run `make train` first.", file=sys.stderr)
        return 2
    os.environ.update(rasa_environment(settings))
    endpoints = pull_models(settings, model, args.instance) or ENDPOINTS
    sys.argv = rasa_arguments(settings, model, endpoints, args.instance)  # read by Rasa's parser only; /proc keeps ours
    from rasa.__main__ import main as rasa_main

    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
