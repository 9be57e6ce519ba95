"""The crisis layer agrees with the project's labelled messages: it never turns a held-out
or training message of another intent into an emergency (that would cost the held-out
accuracy gates a message), and it recognises the messages labelled report_emergency."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.nlu.crisis import detect

ROOT = Path(__file__).resolve().parents[2]
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")


def labelled(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for item in data.get("nlu") or []:
        for line in (item.get("examples") or "").splitlines():
            if item.get("intent") and line.strip().startswith("- "):
                yield item["intent"], _ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line.strip()[2:])


def split(paths):
    messages = [pair for path in paths for pair in labelled(path)]
    emergencies = [text for intent, text in messages if intent == "report_emergency"]
    others = [(intent, text) for intent, text in messages if intent != "report_emergency"]
    return emergencies, others


@pytest.mark.parametrize("name", ["heldout.yml", "heldout_real.yml"])
def test_held_out_sets_keep_their_intents(name):
    path = ROOT / "tests" / "nlu" / name
    if not path.exists():
        pytest.skip(f"{name} is not in this checkout")
    emergencies, others = split([path])
    assert [t for t in emergencies if not detect(t).is_crisis] == []
    assert [(i, t, detect(t).explain()) for i, t in others if detect(t).is_crisis] == []


def test_training_examples_rarely_alarm_and_emergencies_are_recognised():
    emergencies, others = split(sorted((ROOT / "nlu_data" / "nlu").glob("*.yml")))
    alarms = [(i, t) for i, t in others if detect(t).is_crisis]
    missed = [t for t in emergencies if not detect(t).is_crisis]
    assert len(alarms) <= 0.01 * len(others), alarms
    assert len(missed) <= 0.05 * len(emergencies), missed
