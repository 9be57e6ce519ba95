"""deploy/systemd: every service unit runs one of our entry points, restarts on failure, stops
its whole cgroup, reads the environment file, and belongs to the target that starts them all."""
from __future__ import annotations

import configparser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
SERVICES = sorted(UNITS.glob("12351-*.service"))


def read(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser


def test_there_is_a_unit_per_service():
    assert {p.stem for p in SERVICES} == {"12351-redis", "12351-actions", "12351-rasa", "12351-gateway", "12351-console"}


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.stem)
def test_service_unit_supervises_like_the_launcher(path):
    service = read(path)["Service"]
    assert service["Restart"] == "on-failure"
    assert service["KillMode"] == "control-group"
    assert service["EnvironmentFile"].startswith("/")
    module = service["ExecStart"].split(" -m ", 1)[1].strip()
    assert (ROOT / (module.replace(".", "/") + ".py")).is_file() or (ROOT / module.replace(".", "/") / "__main__.py").is_file()
    assert "--auth-token" not in service["ExecStart"] and "TOKEN=" not in service.get("Environment", "")
    assert read(path)["Install"]["WantedBy"] == "12351-assistant.target"


def test_the_target_wants_every_service():
    wants = read(UNITS / "12351-assistant.target")["Unit"]["Wants"].split()
    assert sorted(wants) == sorted(p.name for p in SERVICES)


def test_the_environment_example_names_both_internal_tokens():
    text = (UNITS / "env.example").read_text(encoding="utf-8")
    assert "RASA_API_TOKEN=" in text and "ACTION_SERVER_TOKEN=" in text and "BIND_HOST=" in text
