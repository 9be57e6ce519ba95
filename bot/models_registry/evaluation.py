"""Evaluate one model on every held-out set and the crisis set, for the regression gate.

Runs in the trainer process (it loads TensorFlow). Labels and confidences come from the same
reader as the accuracy gates (`bot.nlu.evaluation.label_of` / `confidence_of`), so the console's
numbers and `make test`'s agree. The model is loaded once for all sets.
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Dict, List

import yaml

from bot.nlu.crisis_override import EMERGENCY
from bot.nlu.evaluation import Example, Prediction, Report, confidence_of, label_of, load_examples
from bot.settings import ROOT

NLU_TESTS = ROOT / "tests" / "nlu"
HELDOUT_SETS = {
    "heldout": NLU_TESTS / "heldout.yml",
    "heldout_real": NLU_TESTS / "heldout_real.yml",
    "inbox": NLU_TESTS / "inbox_heldout.yml",  # real messages annotated in the console (if any yet)
}
CRISIS_SET = NLU_TESTS / "crisis.yml"


def present_sets() -> Dict[str, Path]:
    return {name: path for name, path in HELDOUT_SETS.items() if path.is_file()}


def sets_fingerprint() -> str:
    """Changes whenever a test set changes: a cached evaluation of the active model is reused
    only for the very same sets."""
    digest = hashlib.sha256()
    for path in [*present_sets().values(), CRISIS_SET]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def crisis_texts() -> List[str]:
    data = yaml.safe_load(CRISIS_SET.read_text(encoding="utf-8"))
    return [case["text"] for case in data["crisis"]]


async def _predict(agent, examples: List[Example]) -> Report:
    report = Report()
    for example in examples:
        started = time.perf_counter()
        parse = await agent.parse_message(example.text)
        label, fell_back = label_of(parse)
        report.predictions.append(Prediction(example, label, fell_back, confidence_of(parse), [],
                                             time.perf_counter() - started))
    return report


def set_result(report: Report) -> dict:
    per_intent = report.per_intent()
    return {
        "messages": len(report.predictions),
        "accuracy": round(report.accuracy(), 4),
        "macro_f1": round(report.macro_f1(), 4),
        "per_intent_f1": {name: round(row["f1-score"], 4) for name, row in per_intent.items()
                          if isinstance(row, dict) and name not in ("macro avg", "weighted avg", "micro avg")},
        "predictions": [[p.example.text, p.example.label, p.label, round(p.confidence, 4)] for p in report.predictions],
    }


async def evaluate_model(model_path: Path) -> dict:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # not one debug line per parsed message in the run's log

    agent = Agent.load(str(model_path))
    await agent.parse_message("你好")  # warm-up: the first call builds TensorFlow graphs
    result = {"sets": {}, "sets_fingerprint": sets_fingerprint()}
    for name, path in present_sets().items():
        examples = load_examples(path)
        if examples:  # an inbox set with no annotations yet is an empty file
            result["sets"][name] = set_result(await _predict(agent, examples))
    missed = []
    texts = crisis_texts()
    for text in texts:
        parse = await agent.parse_message(text)
        if (parse.get("intent") or {}).get("name") != EMERGENCY:
            missed.append(text)
    result["crisis_recall"] = round(1 - len(missed) / len(texts), 4) if texts else 1.0
    result["crisis_messages"] = len(texts)
    result["crisis_missed"] = missed
    return result


def summary(evaluation: dict) -> dict:
    """What the registry page shows of an evaluation (no message texts)."""
    return {"crisis_recall": evaluation["crisis_recall"],
            **{name: {"accuracy": s["accuracy"], "macro_f1": s["macro_f1"], "messages": s["messages"]}
               for name, s in evaluation["sets"].items()}}


def load_cached(path: Path) -> dict | None:
    """A stored evaluation, if it was made on the current test sets."""
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return cached if cached.get("sets_fingerprint") == sets_fingerprint() else None
