"""Accuracy gates on both held-out sets; reports go to var/test-results/ (git-ignored).

- tests/nlu/heldout.yml (397 messages, the project's first set): the model before issue 9 scored
  0.975, but 33 of these messages (after folding punctuation, width and script) were also in
  its training data and have since been removed from it; the floor is 0.95 (today's level
  minus noise, about 8 messages).
- tests/nlu/heldout_real.yml (written the way workers really write, by a separate writer who
  never saw the training data): at least 0.93.
Per-intent report, confusion matrix, misclassified messages and the reliability diagram of
each set are written under var/test-results/, so a test run never dirties the tree.
"""
from pathlib import Path

import pytest

from bot.nlu.evaluation import evaluate_sync, write_results
from tests.conftest import TEST_RESULTS

ROOT = Path(__file__).resolve().parents[1]
GATES = {
    "heldout": {"min_accuracy": 0.95, "min_messages": 300},
    "heldout_real": {"min_accuracy": 0.93, "min_messages": 400},
}


@pytest.mark.parametrize("name", sorted(GATES))
def test_heldout_intent_accuracy(model_path, name):
    gate = GATES[name]
    report = evaluate_sync(model_path, ROOT / "tests" / "nlu" / f"{name}.yml")
    summary = write_results(report, TEST_RESULTS, name, {"model": model_path.name})
    print(f"\n{name}: {summary}")
    assert summary["messages"] >= gate["min_messages"]
    assert summary["intent_accuracy"] >= gate["min_accuracy"], summary
