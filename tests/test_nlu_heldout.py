"""Accuracy and honest-confidence gates on both held-out sets; reports go to var/test-results/
(git-ignored).

- tests/nlu/heldout.yml (469 messages, the project's first set): the model before issue 9
  scored 0.975 on its 397 messages then, 33 of which were also training examples (removed
  since). With the second reader pooled with DIET (bot/nlu/intent_ensemble.py) it scores 0.977;
  the floor is 0.965 (about 5 messages of noise below).
- tests/nlu/heldout_real.yml (633 messages written the way workers really write, by separate
  writers who never saw the training data): 0.973; the floor is 0.95.
- Wrong answers given with confidence above 0.95 cannot be caught by the fallback: 1 on each
  set now (5 on each before the second reader); at most 3.
Per-intent report, confusion matrix, misclassified messages and the reliability diagram of
each set are written under var/test-results/, so a test run never dirties the tree.
"""
from pathlib import Path

import pytest

from bot.nlu.evaluation import evaluate_sync, write_results
from tests.conftest import TEST_RESULTS

ROOT = Path(__file__).resolve().parents[1]
GATES = {
    "heldout": {"min_accuracy": 0.965, "min_messages": 450},
    "heldout_real": {"min_accuracy": 0.95, "min_messages": 600},
}
MAX_WRONG_ABOVE_095 = 3


@pytest.mark.parametrize("name", sorted(GATES))
def test_heldout_intent_accuracy_and_confidence(model_path, name):
    gate = GATES[name]
    report = evaluate_sync(model_path, ROOT / "tests" / "nlu" / f"{name}.yml")
    summary = write_results(report, TEST_RESULTS, name, {"model": model_path.name})
    print(f"\n{name}: {summary}")
    assert summary["messages"] >= gate["min_messages"]
    assert summary["intent_accuracy"] >= gate["min_accuracy"], summary
    assert summary["calibration"]["wrong_above_0.95"] <= MAX_WRONG_ABOVE_095, summary["calibration"]
