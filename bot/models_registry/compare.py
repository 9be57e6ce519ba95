"""The comparison page's content: candidate vs active model, from two evaluations. Pure.

Stored with the candidate (Redis, JSON) when its training ends, so the page, the gate at
activation time and the registry all read the same numbers.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Dict, List, Optional

from bot.models_registry import gate

HISTOGRAM_BINS = 10
TOP_LABELS = 25  # confusion matrix: the labels with the most messages or errors, for legibility


def confusion(predictions: List[list]) -> Dict[str, object]:
    """Counts of (expected, predicted) over the labels that matter most."""
    counts = Counter((row[1], row[2]) for row in predictions)
    weight = Counter()
    for (expected, predicted), n in counts.items():
        weight[expected] += n
        if expected != predicted:
            weight[predicted] += n
    labels = sorted(label for label, _ in weight.most_common(TOP_LABELS))
    matrix = [[counts.get((expected, predicted), 0) for predicted in labels] for expected in labels]
    return {"labels": labels, "matrix": matrix}


def histogram(predictions: List[list]) -> Dict[str, List[int]]:
    """Confidence histogram, right and wrong answers apart (bins of 0.1)."""
    right, wrong = [0] * HISTOGRAM_BINS, [0] * HISTOGRAM_BINS
    for _, expected, predicted, confidence in predictions:
        index = min(int(float(confidence) * HISTOGRAM_BINS), HISTOGRAM_BINS - 1)
        (right if expected == predicted else wrong)[index] += 1
    return {"right": right, "wrong": wrong}


def _all_predictions(evaluation: dict) -> List[list]:
    return [row for result in evaluation.get("sets", {}).values() for row in result.get("predictions", [])]


def build(candidate: dict, active: Optional[dict], active_id: str = "") -> dict:
    verdict = gate.judge(candidate, active)
    sets = {}
    for name, after in candidate.get("sets", {}).items():
        before = (active or {}).get("sets", {}).get(name)
        entry = {"messages": after["messages"], "accuracy": [before and before["accuracy"], after["accuracy"]],
                 "macro_f1": [before and before["macro_f1"], after["macro_f1"]]}
        if before is not None:
            entry["intent_f1"] = [[intent, old, new, round(change, 4)] for intent, (old, new, change)
                                  in gate.intent_f1_changes(before, after).items()]
            entry.update(gate.changed_messages(before, after))
        sets[name] = entry
    return {
        "active_id": active_id,
        "passed": verdict.passed,
        "checks": [asdict(check) for check in verdict.checks],
        "crisis_recall": [(active or {}).get("crisis_recall"), candidate["crisis_recall"]],
        "crisis_missed": candidate.get("crisis_missed", []),
        "sets": sets,
        "confusion": confusion(_all_predictions(candidate)),
        "histogram": {"candidate": histogram(_all_predictions(candidate)),
                      "active": histogram(_all_predictions(active)) if active else None},
    }
