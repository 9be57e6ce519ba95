"""Accuracy gate on the held-out set; the per-intent report goes to var/test-results/ (git-ignored)."""
from pathlib import Path

from bot.nlu.evaluation import evaluate_sync, write_results
from tests.conftest import TEST_RESULTS

ROOT = Path(__file__).resolve().parents[1]
MIN_ACCURACY = 0.90


def test_heldout_intent_accuracy(model_path):
    report = evaluate_sync(model_path, ROOT / "tests" / "nlu" / "heldout.yml")
    summary = write_results(report, TEST_RESULTS, "heldout", {"model": model_path.name})
    print(f"\nheld-out: {summary}")
    assert summary["messages"] >= 300
    assert summary["intent_accuracy"] >= MIN_ACCURACY, summary
