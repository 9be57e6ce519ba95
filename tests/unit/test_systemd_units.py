"""deploy/systemd: every service unit runs one of our entry points, restarts on failure, stops
its whole cgroup, reads the environment file, and belongs to the target that starts them all;
the Rasa servers are one template unit, an instance per server, as many as RASA_WORKERS."""
from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
SERVICES = sorted(UNITS.glob("12351-*.service"))


def read(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser


def test_there_is_a_unit_per_service():
    assert {p.stem for p in SERVICES} == {"12351-redis", "12351-actions", "12351-rasa@", "12351-gateway", "12351-console"}


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.stem)
def test_service_unit_supervises_like_the_launcher(path):
    service = read(path)["Service"]
    assert service["Restart"] == "on-failure"
    assert service["KillMode"] == "control-group"
    assert service["EnvironmentFile"].startswith("/")
    module = service["ExecStart"].split(" -m ", 1)[1].split()[0]
    assert (ROOT / (module.replace(".", "/") + ".py")).is_file() or (ROOT / module.replace(".", "/") / "__main__.py").is_file()
    assert "--auth-token" not in service["ExecStart"] and "TOKEN=" not in service.get("Environment", "")
    assert read(path)["Install"]["WantedBy"] == "12351-assistant.target"


def test_the_target_wants_every_service():
    wants = read(UNITS / "12351-assistant.target")["Unit"]["Wants"].split()
    rasa = [name for name in wants if name.startswith("12351-rasa@")]
    assert rasa == [f"12351-rasa@{n}.service" for n in range(Settings.from_env({}).rasa_workers)], \
        "one Rasa server per RASA_WORKERS (default), numbered from 0"
    assert sorted(set(wants) - set(rasa)) == sorted(p.name for p in SERVICES if "@" not in p.name)


def test_each_rasa_unit_is_one_server_on_its_own_port():
    service = read(UNITS / "12351-rasa@.service")["Service"]
    assert re.search(r"-m bot\.rasa_server --instance %i$", service["ExecStart"])
    assert "SANIC_WORKERS" not in service.get("Environment", ""), "one Sanic worker per server (bot/rasa_server.py)"


def test_the_environment_example_names_both_internal_tokens():
    text = (UNITS / "env.example").read_text(encoding="utf-8")
    assert "RASA_API_TOKEN=" in text and "ACTION_SERVER_TOKEN=" in text and "BIND_HOST=" in text
