"""The recall gate: every message of the independent crisis set is a crisis, and few hard
negatives raise a false alarm. The report (misses, false alarms, by kind) goes to
`var/test-results/crisis_recall.json` (git-ignored), and is printed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.nlu.crisis.evaluation import measure_crisis_set

ROOT = Path(__file__).resolve().parents[2]
CRISIS_SET = ROOT / "tests" / "nlu" / "crisis.yml"
REPORT = ROOT / "var" / "test-results" / "crisis_recall.json"
MAX_FALSE_ALARM_RATE = 0.05


@pytest.fixture(scope="module")
def report() -> dict:
    if not CRISIS_SET.exists():
        pytest.fail(f"{CRISIS_SET} is missing: the recall gate needs the independent crisis set")
    result = measure_crisis_set(CRISIS_SET)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\ncrisis recall {result['recall']:.3f} ({result['crisis']} messages), false alarms "
          f"{len(result['false_alarms'])}/{result['hard_negatives']} ({result['false_alarm_rate']:.1%}); report {REPORT}")
    for alarm in result["false_alarms"]:
        print(f"  false alarm [{alarm.get('kind')}] {alarm['text']} — {alarm['why']}")
    return result


def test_the_set_is_large_enough(report):
    assert report["crisis"] >= 150 and report["hard_negatives"] >= 150


def test_every_crisis_is_recognised(report):
    assert report["recall"] == 1.0, "missed: " + " | ".join(c["text"] for c in report["missed"])


def test_false_alarms_stay_rare(report):
    assert report["false_alarm_rate"] <= MAX_FALSE_ALARM_RATE, report["false_alarms"]
