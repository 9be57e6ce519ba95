"""Every setting the project reads from the environment, in one place.

Values come from the process environment, then from a `.env` file at the repository root
(the environment wins). A malformed value stops start-up with the variable's name, so an
operator never has to guess which setting is wrong.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
import sys
from pathlib import Path
from typing import Mapping, Optional, Tuple, Union
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]

EMBEDDED_REDIS_PORT = 6390
DEFAULT_WECHAT_API_BASE = "https://api.weixin.qq.com"

# Development values: safe to publish, useless against a real official account.
DEV_WECHAT = {
    "WECHAT_TOKEN": "dev-token-12351",
    "WECHAT_APPID": "wxdev0000000012351",
    "WECHAT_SECRET": "dev-secret-12351",
    "WECHAT_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
}
WECHAT_VARS = tuple(DEV_WECHAT)


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""

    def __init__(self, variable: str, problem: str):
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


# Development only: production (any WECHAT_* set) requires a real HOTLINE_SECRET.
DEV_HOTLINE_SECRET = "dev-hotline-secret-not-for-production"


@dataclasses.dataclass(frozen=True)
class RedisTarget:
    host: str
    port: int
    db: int
    password: Optional[str]
    embedded: bool

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}{self.host}:{self.port}/{self.db}"


@dataclasses.dataclass(frozen=True)
class Settings:
    rasa_port: int
    action_port: int
    console_port: int
    redis: RedisTarget
    key_prefix: str
    wechat_token: str
    wechat_appid: str
    wechat_secret: str
    wechat_aes_key: str
    wechat_api_base: str
    wechat_reply_deadline: float
    simulator_port: int
    rasa_api_token: str
    rasa_workers: int
    dev_mode: bool
    # Reverse proxies whose X-Forwarded-For the console believes (addresses or CIDR blocks).
    trusted_proxies: Tuple[Union[ipaddress.IPv4Network, ipaddress.IPv6Network], ...] = ()
    # Days the project keeps a worker's personal data (个人信息保护法); see bot/retention.py.
    retention_days: int = 180
    # Follow-ups for workers the bot could not answer while Redis was down (bot/follow_up.py).
    follow_up_spool: Optional[Path] = None
    # Process supervision and the internal services' exposure (bot/launcher.py, deploy/systemd).
    bind_host: str = "127.0.0.1"
    action_server_token: str = ""  # empty: the launcher makes a random one per run
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    var_dir: Path = ROOT / "var"
    # NLU capture and inbox (issue 12, bot/capture): stream bound, the inbox's "low confidence"
    # default, and the tree whose nlu_data/ and tests/nlu/ the inbox export writes.
    capture_stream_maxlen: int = 50_000
    inbox_low_confidence: float = 0.7
    nlu_export_root: Path = ROOT
    # The hotline channel (channels/hotline): the IVR's shared signing secret and turn deadline.
    hotline_secret: str = DEV_HOTLINE_SECRET
    hotline_turn_deadline: float = 2.5
    # Model registry, retraining from the console and Rasa's model server (bot/models_registry).
    model_registry_dir: Optional[Path] = None  # None: <var_dir>/model-registry
    models_kept: int = 10  # older models are pruned past this count (never the active or previous)
    model_pull_seconds: int = 10  # Rasa asks the model server this often; 0 = serve models/ as before
    model_server_url: str = ""  # empty: the console on CONSOLE_PORT
    training_config: Path = ROOT / "config.yml"
    # Where the Rasa server itself listens; RASA_PORT belongs to the webhook gateway (bot/gateway),
    # which forwards to this port and answers by itself while Rasa is down or restarting.
    rasa_internal_port: int = 5006
    # Set by the launcher only: the listening socket it holds for the gateway (bot/supervisor.py).
    gateway_listen_fd: Optional[int] = None
    # FAQ answer texts (bot/faq/answers.yml): read by Rasa's answer generator, edited by admins in
    # the console; its required facts live beside it (required_facts.yml).
    faq_answers_file: Path = ROOT / "bot" / "faq" / "answers.yml"
    # Beijing's average monthly wage (yuan) behind the severance cap of 3× (bot/faq/calculators.py);
    # (核实) each year against the figure 北京市人力资源和社会保障局 publishes.
    average_monthly_wage: int = 11761

    @property
    def rasa_internal_ports(self) -> Tuple[int, ...]:
        """One Rasa server per RASA_WORKERS, on consecutive ports from RASA_INTERNAL_PORT
        (bot/rasa_server.py --instance N listens on the N-th; the gateway balances across them)."""
        return tuple(range(self.rasa_internal_port, self.rasa_internal_port + self.rasa_workers))

    @property
    def registry_dir(self) -> Path:
        """Where registered model files live (MODEL_REGISTRY_DIR, default <VAR_DIR>/model-registry)."""
        return self.model_registry_dir or self.var_dir / "model-registry"

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        values = dict(read_dotenv(ROOT / ".env")) if env is None else {}
        values.update(os.environ if env is None else env)
        dev_mode = not any(values.get(name) for name in WECHAT_VARS)
        wechat = {name: values.get(name, DEV_WECHAT[name] if dev_mode else "") for name in WECHAT_VARS}
        simulator_port = _port(values, "WECHAT_SIM_PORT", 5095)
        # Development mode talks to the local WeChat simulator unless told otherwise.
        api_default = f"http://127.0.0.1:{simulator_port}" if dev_mode else DEFAULT_WECHAT_API_BASE
        redis = _redis(values.get("REDIS_URL", ""), _port(values, "EMBEDDED_REDIS_PORT", EMBEDDED_REDIS_PORT))
        return cls(
            rasa_port=_port(values, "RASA_PORT", 5005),
            action_port=_port(values, "ACTION_PORT", 5055),
            console_port=_port(values, "CONSOLE_PORT", 8080),
            redis=redis,
            key_prefix=_key_prefix(values.get("KEY_PREFIX", "gh:")),
            wechat_token=_wechat_token(wechat["WECHAT_TOKEN"]),
            wechat_appid=_required(wechat, "WECHAT_APPID", r"wx[0-9a-zA-Z]{6,30}"),
            wechat_secret=_required(wechat, "WECHAT_SECRET", r"\S{8,64}"),
            wechat_aes_key=_aes_key(wechat["WECHAT_AES_KEY"]),
            wechat_api_base=_url(values, "WECHAT_API_BASE", api_default),
            wechat_reply_deadline=_seconds(values, "WECHAT_REPLY_DEADLINE", 4.0, low=0.0, high=4.5),
            simulator_port=simulator_port,
            rasa_api_token=_api_token(values.get("RASA_API_TOKEN", "")),
            rasa_workers=_count(values, "RASA_WORKERS", 2, high=16),
            dev_mode=dev_mode,
            trusted_proxies=_networks(values, "TRUSTED_PROXIES"),
            retention_days=_count(values, "RETENTION_DAYS", 180, high=3650),
            follow_up_spool=_path(values, "FOLLOW_UP_SPOOL", _default_spool(redis)),
            bind_host=_bind_host(values.get("BIND_HOST", "")),
            action_server_token=_api_token(values.get("ACTION_SERVER_TOKEN", ""), "ACTION_SERVER_TOKEN"),
            action_server_url=_url(values, "ACTION_SERVER_URL",
                                   f"http://127.0.0.1:{_port(values, 'ACTION_PORT', 5055)}/webhook"),
            var_dir=ROOT / (values.get("VAR_DIR", "").strip() or "var"),  # an absolute VAR_DIR wins over ROOT
            capture_stream_maxlen=_count(values, "CAPTURE_STREAM_MAXLEN", 50_000, high=10_000_000),
            inbox_low_confidence=_fraction(values, "INBOX_LOW_CONFIDENCE", 0.7),
            nlu_export_root=ROOT / (values.get("NLU_EXPORT_ROOT", "").strip() or "."),
            hotline_secret=_hotline_secret(values.get("HOTLINE_SECRET", ""), dev_mode),
            hotline_turn_deadline=_seconds(values, "HOTLINE_TURN_DEADLINE", 2.5, low=0.5, high=10.0),
            model_registry_dir=_optional_dir(values, "MODEL_REGISTRY_DIR"),
            models_kept=_count(values, "MODELS_KEPT", 10, high=1000),
            model_pull_seconds=_pull_seconds(values),
            model_server_url=_url(values, "MODEL_SERVER_URL", "http://127.0.0.1:"
                                  f"{_port(values, 'CONSOLE_PORT', 8080)}/api/model-server/model.tar.gz"),
            training_config=_config_file(values, "TRAINING_CONFIG", ROOT / "config.yml"),
            rasa_internal_port=_rasa_internal_port(values, redis, dev_mode),
            gateway_listen_fd=_optional_fd(values, "GATEWAY_LISTEN_FD"),
            faq_answers_file=_answers_file(values),
            average_monthly_wage=_count(values, "AVERAGE_MONTHLY_WAGE", 11761, high=1_000_000),
        )


def _optional_fd(values: Mapping[str, str], name: str) -> Optional[int]:
    raw = values.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 3 <= int(raw) <= 65535:
        raise SettingsError(name, f"must be an open file descriptor number (3 or more), got {raw!r}")
    return int(raw)


def _rasa_internal_port(values: Mapping[str, str], redis: RedisTarget, dev_mode: bool) -> int:
    """RASA_INTERNAL_PORT, default RASA_PORT + 1 (5006): the first of RASA_WORKERS consecutive
    ports, one per Rasa server; none of them may be a port another service of this host uses."""
    public = _port(values, "RASA_PORT", 5005)
    workers = _count(values, "RASA_WORKERS", 2, high=16)
    internal = _port(values, "RASA_INTERNAL_PORT", public + 1 if public + workers <= 65535 else public - workers)
    if internal + workers - 1 > 65535:
        raise SettingsError("RASA_INTERNAL_PORT", f"{internal}+{workers - 1} (RASA_WORKERS={workers}) passes 65535")
    others = {"RASA_PORT": public, "ACTION_PORT": _port(values, "ACTION_PORT", 5055),
              "CONSOLE_PORT": _port(values, "CONSOLE_PORT", 8080)}
    if dev_mode:  # the WeChat simulator runs in development only
        others["WECHAT_SIM_PORT"] = _port(values, "WECHAT_SIM_PORT", 5095)
    if redis.embedded:
        others["EMBEDDED_REDIS_PORT"] = redis.port
    for name, port in others.items():
        if internal <= port < internal + workers:
            raise SettingsError("RASA_INTERNAL_PORT", f"Rasa servers use ports {internal}-{internal + workers - 1} "
                                f"(RASA_WORKERS={workers}), which takes {name} ({port})")
    return internal


def _hotline_secret(raw: str, dev_mode: bool) -> str:
    raw = raw.strip()
    if not raw:
        # Production without a secret: the hotline refuses every request (a WeChat-only deployment).
        return DEV_HOTLINE_SECRET if dev_mode else ""
    if not re.fullmatch(r"[\x21-\x7e]{16,128}", raw) or (raw == DEV_HOTLINE_SECRET and not dev_mode):
        raise SettingsError("HOTLINE_SECRET", "must be 16-128 printable ASCII characters (not the development value)")
    return raw


def settings_or_exit() -> Settings:
    """For a command's `main()`: the settings, or exit 2 with the variable named (no traceback)."""
    try:
        return Settings.from_env()
    except SettingsError as error:
        print(f"配置错误 (configuration error) — {error}", file=sys.stderr)
        raise SystemExit(2) from None


def read_dotenv(path: Path) -> dict:
    """KEY=VALUE lines; `#` comments and blank lines ignored, optional quotes stripped."""
    if not path.is_file():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def _port(values: Mapping[str, str], name: str, default: int) -> int:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise SettingsError(name, f"must be a port number 1-65535, got {raw!r}")
    return int(raw)


def _count(values: Mapping[str, str], name: str, default: int, high: int) -> int:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise SettingsError(name, f"must be a whole number from 1 to {high}, got {raw!r}")
    return int(raw)


def _networks(values: Mapping[str, str], name: str) -> tuple:
    """Comma-separated addresses or CIDR blocks (10.0.0.5, 10.0.0.0/8, ::1); empty: none."""
    found = []
    for item in filter(None, (part.strip() for part in values.get(name, "").split(","))):
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingsError(name, f"must be comma-separated IP addresses or CIDR blocks, got {item!r}") from None
    return tuple(found)


def _seconds(values: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not low <= seconds <= high:
        raise SettingsError(name, f"must be a number of seconds between {low} and {high}, got {raw!r}")
    return seconds


def _fraction(values: Mapping[str, str], name: str, default: float) -> float:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise SettingsError(name, f"must be a number from 0 to 1, got {raw!r}")
    return value


def _redis(raw: str, embedded_port: int) -> RedisTarget:
    raw = raw.strip()
    if not raw:
        return RedisTarget("127.0.0.1", embedded_port, 0, None, embedded=True)
    parsed = urlparse(raw)
    if parsed.scheme != "redis" or not parsed.hostname:
        raise SettingsError("REDIS_URL", "must look like redis://[:password@]host:port/db")
    try:
        port = parsed.port or 6379
        db = int(parsed.path.lstrip("/") or 0)
    except ValueError:
        raise SettingsError("REDIS_URL", "port and database number must be integers") from None
    return RedisTarget(parsed.hostname, port, db, parsed.password, embedded=False)


def _default_spool(redis: RedisTarget) -> Path:
    # One spool per Redis database: a replay must never carry follow-ups into another stack's queue.
    return ROOT / "var" / f"follow-up-spool-{redis.host}-{redis.port}-{redis.db}.jsonl"


def _path(values: Mapping[str, str], name: str, default: Path) -> Path:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    path = Path(raw) if Path(raw).is_absolute() else ROOT / raw
    if path.is_dir():
        raise SettingsError(name, f"must be a file path, {raw!r} is a directory")
    return path


def _optional_dir(values: Mapping[str, str], name: str) -> Optional[Path]:
    raw = values.get(name, "").strip()
    if not raw:
        return None
    path = Path(raw) if Path(raw).is_absolute() else ROOT / raw
    if path.exists() and not path.is_dir():
        raise SettingsError(name, f"must be a directory, {raw!r} is a file")
    return path


def _pull_seconds(values: Mapping[str, str]) -> int:
    # Every Rasa must switch within 30 s of an activation (issue 12): a pull interval above 30 cannot.
    raw = values.get("MODEL_PULL_SECONDS", "").strip()
    if not raw:
        return 10
    if not raw.isdigit() or int(raw) > 30:
        raise SettingsError("MODEL_PULL_SECONDS", f"must be a whole number from 0 (off) to 30, got {raw!r}")
    return int(raw)


def _config_file(values: Mapping[str, str], name: str, default: Path) -> Path:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    path = Path(raw) if Path(raw).is_absolute() else ROOT / raw
    if not path.is_file():
        raise SettingsError(name, f"must name an existing training configuration file, got {raw!r}")
    return path


def _answers_file(values: Mapping[str, str]) -> Path:
    raw = values.get("FAQ_ANSWERS_FILE", "").strip()
    if not raw:
        return Settings.faq_answers_file
    path = Path(raw) if Path(raw).is_absolute() else ROOT / raw
    if not path.is_file() or not path.with_name("required_facts.yml").is_file():
        raise SettingsError("FAQ_ANSWERS_FILE", f"must name an existing answers file with required_facts.yml "
                                                f"beside it, got {raw!r}")
    return path


def _api_token(raw: str, name: str = "RASA_API_TOKEN") -> str:
    # Empty: the launcher makes a random one for its own processes (the API is internal).
    if raw and not re.fullmatch(r"[A-Za-z0-9_-]{16,128}", raw):
        raise SettingsError(name, "must be 16-128 letters, digits, '_' or '-'")
    return raw


def _bind_host(raw: str) -> str:
    # Internal services answer on loopback only unless an operator opens them on purpose.
    raw = raw.strip() or "127.0.0.1"
    try:
        ipaddress.ip_address(raw)
    except ValueError:
        raise SettingsError("BIND_HOST", f"must be an IP address such as 127.0.0.1 or 0.0.0.0, got {raw!r}") from None
    return raw


def _key_prefix(raw: str) -> str:
    if not re.fullmatch(r"[a-z0-9_]{1,16}:", raw):
        raise SettingsError("KEY_PREFIX", "must be 1-16 lowercase letters/digits followed by ':'")
    return raw


def _wechat_token(raw: str) -> str:
    # WeChat allows 3-32 letters and digits for the server token.
    if not re.fullmatch(r"[A-Za-z0-9_-]{3,32}", raw or ""):
        raise SettingsError("WECHAT_TOKEN", "must be 3-32 letters or digits (the token set in the WeChat console)")
    return raw


def _required(values: Mapping[str, str], name: str, pattern: str) -> str:
    raw = values.get(name, "")
    if not re.fullmatch(pattern, raw or ""):
        raise SettingsError(name, "missing or malformed (set all WECHAT_* variables for production)")
    return raw


def _aes_key(raw: str) -> str:
    # Empty means plaintext mode; otherwise WeChat's EncodingAESKey is 43 base64 characters.
    if raw and not re.fullmatch(r"[A-Za-z0-9+/]{43}", raw):
        raise SettingsError("WECHAT_AES_KEY", "must be the 43-character EncodingAESKey, or empty for plaintext mode")
    return raw


def _url(values: Mapping[str, str], name: str, default: str) -> str:
    raw = values.get(name, "").strip() or default
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(name, f"must be an http(s) URL, got {raw!r}")
    return raw.rstrip("/")
