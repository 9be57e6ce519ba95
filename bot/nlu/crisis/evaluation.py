"""Recall and false alarms of the crisis detector on a crisis set (`crisis:` and
`hard_negatives:` lists of {text, kind}); shared by the recall gate and `make bench`."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from bot.nlu.crisis.detector import detect


def measure_crisis_set(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    crises, negatives = data["crisis"], data["hard_negatives"]
    missed = [case for case in crises if not detect(case["text"]).is_crisis]
    alarms = []
    for case in negatives:
        finding = detect(case["text"])
        if finding.is_crisis:
            alarms.append({**case, "why": finding.explain()})
    return {
        "crisis": len(crises), "missed": missed, "recall": 1 - len(missed) / len(crises),
        "recall_by_kind": {kind: 1 - sum(1 for m in missed if m.get("kind") == kind) / total
                           for kind, total in Counter(c.get("kind") for c in crises).items()},
        "hard_negatives": len(negatives), "false_alarms": alarms,
        "false_alarm_rate": len(alarms) / len(negatives),
        "false_alarms_by_kind": dict(Counter(a.get("kind") for a in alarms)),
    }
