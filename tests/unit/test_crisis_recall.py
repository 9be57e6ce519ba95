"""The recall gate: every message of the independent crisis set is a crisis, and few hard
negatives raise a false alarm. The report (misses, false alarms, by kind) goes to
`var/test-results/crisis_recall.json` (git-ignored), and is printed."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.nlu.crisis import detect

ROOT = Path(__file__).resolve().parents[2]
CRISIS_SET = ROOT / "tests" / "nlu" / "crisis.yml"
REPORT = ROOT / "var" / "test-results" / "crisis_recall.json"
MAX_FALSE_ALARM_RATE = 0.05


def measure(path: Path = CRISIS_SET) -> dict:
    """Recall on the crisis messages and false alarms on the hard negatives of a crisis set."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    crises, negatives = data["crisis"], data["hard_negatives"]
    missed = [c for c in crises if not detect(c["text"]).is_crisis]
    alarms = []
    for case in negatives:
        finding = detect(case["text"])
        if finding.is_crisis:
            alarms.append({**case, "why": finding.explain()})
    return {
        "crisis": len(crises), "missed": missed, "recall": 1 - len(missed) / len(crises),
        "hard_negatives": len(negatives), "false_alarms": alarms,
        "false_alarm_rate": len(alarms) / len(negatives),
        "false_alarms_by_kind": dict(Counter(a.get("kind") for a in alarms)),
    }


@pytest.fixture(scope="module")
def report() -> dict:
    if not CRISIS_SET.exists():
        pytest.fail(f"{CRISIS_SET} is missing: the recall gate needs the independent crisis set")
    result = measure()
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
