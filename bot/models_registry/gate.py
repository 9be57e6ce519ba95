"""The regression gate: may a candidate model replace the active one? Pure functions only.

Inputs are evaluations as `bot.models_registry.evaluation` writes them: per data set the
accuracy, macro-F1, per-intent F1 and every prediction, plus the crisis recall. The rules
(issue 12) protect what matters most first: a model that misses one crisis message is never
activated without an admin's written reason, whatever it gains elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

MIN_CRISIS_RECALL = 1.0
MAX_ACCURACY_DROP = 0.005  # 0.5 percentage points
MAX_INTENT_F1_DROP = 0.05  # 5 percentage points
# Sets whose accuracy and per-intent F1 the gate guards (the crisis set has its own rule).
GUARDED_SETS = ("heldout", "heldout_real", "inbox")


@dataclass
class Check:
    rule: str  # crisis_recall | accuracy | intent_f1
    subject: str  # the data set, or "<set>: <intent>"
    before: Optional[float]
    after: float
    passed: bool
    message: str  # what the admin reads (simplified Chinese)


@dataclass
class Verdict:
    checks: List[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> List[Check]:
        return [check for check in self.checks if not check.passed]


def crisis_check(candidate: dict) -> Check:
    recall = float(candidate.get("crisis_recall", 0.0))
    ok = recall >= MIN_CRISIS_RECALL
    return Check("crisis_recall", "crisis", None, recall, ok,
                 f"危机识别召回率 {recall:.3f}" + ("" if ok else f"，低于 {MIN_CRISIS_RECALL:.1f}：有危机消息未被识别"))


def accuracy_check(name: str, before: dict, after: dict) -> Check:
    old, new = float(before["accuracy"]), float(after["accuracy"])
    ok = old - new <= MAX_ACCURACY_DROP + 1e-9
    change = (new - old) * 100
    return Check("accuracy", name, old, new, ok,
                 f"{name} 准确率 {old:.3f} → {new:.3f}（{change:+.1f} 个百分点）"
                 + ("" if ok else f"，下降超过 {MAX_ACCURACY_DROP * 100:.1f} 个百分点"))


def intent_f1_changes(before: dict, after: dict) -> Dict[str, Tuple[Optional[float], Optional[float], float]]:
    """intent → (F1 before, F1 after, change); an intent missing on one side counts as absent."""
    old, new = before.get("per_intent_f1", {}), after.get("per_intent_f1", {})
    changes = {}
    for intent in sorted(set(old) | set(new)):
        a, b = old.get(intent), new.get(intent)
        changes[intent] = (a, b, (b or 0.0) - (a or 0.0))
    return changes


def intent_f1_checks(name: str, before: dict, after: dict) -> List[Check]:
    checks = []
    for intent, (old, new, change) in intent_f1_changes(before, after).items():
        if old is None:
            continue  # a new intent cannot regress
        ok = -change <= MAX_INTENT_F1_DROP + 1e-9
        if not ok:
            checks.append(Check("intent_f1", f"{name}: {intent}", old, new or 0.0, False,
                                f"{name} 中意图 {intent} 的 F1 {old:.3f} → {new or 0.0:.3f}"
                                f"（下降 {-change * 100:.1f} 个百分点，超过 {MAX_INTENT_F1_DROP * 100:.0f}）"))
    if not checks:
        checks.append(Check("intent_f1", name, None, 0.0, True, f"{name} 中没有意图的 F1 下降超过 "
                                                               f"{MAX_INTENT_F1_DROP * 100:.0f} 个百分点"))
    return checks


def judge(candidate: dict, active: Optional[dict]) -> Verdict:
    """Every rule on every guarded set both evaluations share; with no active model to compare
    with (the first model), only the crisis rule applies."""
    verdict = Verdict([crisis_check(candidate)])
    if active is None:
        return verdict
    for name in GUARDED_SETS:
        before, after = active.get("sets", {}).get(name), candidate.get("sets", {}).get(name)
        if before is None or after is None:
            continue
        verdict.checks.append(accuracy_check(name, before, after))
        verdict.checks.extend(intent_f1_checks(name, before, after))
    return verdict


def changed_messages(before: dict, after: dict) -> Dict[str, List[dict]]:
    """Messages of one set that became wrong and those that became right, matched by text."""
    old = {row[0]: row for row in before.get("predictions", [])}
    became_wrong, became_right = [], []
    for text, expected, predicted, confidence in after.get("predictions", []):
        previous = old.get(text)
        if previous is None:
            continue
        was_right, is_right = previous[2] == previous[1], predicted == expected
        row = {"text": text, "expected": expected, "before": previous[2], "after": predicted,
               "confidence": confidence}
        if was_right and not is_right:
            became_wrong.append(row)
        elif is_right and not was_right:
            became_right.append(row)
    return {"became_wrong": became_wrong, "became_right": became_right}


def override_reason(raw: str) -> Optional[str]:
    """An admin's written reason to activate a model the gate refused: at least 10 characters
    of real text (not whitespace), at most 500; None when it does not qualify."""
    reason = " ".join((raw or "").split())
    return reason if 10 <= len(reason) <= 500 else None
