"""Fit the ConfidenceCalibrator's temperatures on labelled messages the model did not see.

Picks the (intent, faq) temperatures that minimise the negative log-likelihood of the true
label under the flattened ranking the bot acts on (P(intent), P(faq) × P(topic)). Two ways:

    .venv/bin/python -m benchmarks.fit_calibration
        splits the training data 80/20 per intent (fixed seed), trains the pipeline without
        the calibrator on the 80 % and fits on the 20 % (one extra training run);
    .venv/bin/python -m benchmarks.fit_calibration --model M.tar.gz --data tests/nlu/heldout.yml --at 2.0 1.5
        fits on a labelled set with a trained model, no training; `--at` gives the temperatures
        its calibrator ran with (default 1.0 1.0), so the raw confidences are recovered exactly.
        The model must be trained without IntentEnsemble (its pooled numbers are not DIET's).

Prints the temperatures to put into config.yml, the share of errors each fallback threshold
would catch, and writes benchmarks/results/calibration_fit.json.
"""
from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from bot.nlu.confidence import FAQ, flat_ranking, rescale
from bot.nlu.reliability import expected_calibration_error

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
RASA = str(Path(sys.executable).parent / "rasa")
CALIBRATOR = "bot.nlu.confidence_calibrator.ConfidenceCalibrator"
# The temperatures scale DIET's and the ResponseSelector's own numbers; the second reader pools
# on top of the calibrated ones, so it is left out while fitting.
ENSEMBLE = "bot.nlu.intent_ensemble.IntentEnsemble"
GRID = [round(0.5 + 0.25 * i, 2) for i in range(39)]  # 0.5 … 10.0


def split(out: Path) -> Tuple[Path, Path]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "nlu_data" / "nlu"))
    train, test = data.train_test_split(train_frac=0.8, random_seed=12351)
    train_file, test_file = out / "train.yml", out / "calibration.yml"
    train.persist_nlu(str(train_file))
    test.persist_nlu(str(test_file))
    return train_file, test_file


def config_without_calibrator(out: Path) -> Path:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] not in (CALIBRATOR, ENSEMBLE)]
    path = out / "config.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def train(config: Path, data: Path, out: Path) -> Path:
    subprocess.run([RASA, "train", "nlu", "-c", str(config), "--nlu", str(data), "--out", str(out),
                    "--fixed-model-name", "calibration"], cwd=ROOT, check=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True)
    return out / "calibration.tar.gz"


async def raw_rankings(model: Path, data: Path, at: Tuple[float, float] = (1.0, 1.0)) -> List[Tuple[str, List[Dict], List[Dict]]]:
    """(true label, raw intent ranking, raw FAQ topic ranking) per message; messages a
    deterministic rule decided (crisis words, a bare option number) tell nothing and are skipped."""
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    agent = Agent.load(str(model))
    rows = []
    for message in load_data(str(data)).intent_examples:
        parse = await agent.parse_message(message.get("text"))
        if parse.get("crisis_terms") or parse.get("option_choice"):
            continue
        topics = ((parse.get("response_selector") or {}).get(FAQ) or {}).get("ranking") or []
        intents = [r for r in parse.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
        intents = _undo_joint(intents, topics)
        rows.append((message.get_full_intent(), _undo_temperature(intents, at[0]), _undo_temperature(topics, at[1])))
    return rows


def _undo_joint(intents: List[Dict], topics: List[Dict]) -> List[Dict]:
    """The calibrator replaced P(faq) by P(faq) × P(top topic)."""
    if not topics:
        return intents
    top = max(t["confidence"] for t in topics)
    return [{**i, "confidence": i["confidence"] / top} if i["name"] == FAQ and top > 0 else i for i in intents]


def _undo_temperature(ranking: List[Dict], temperature: float) -> List[Dict]:
    """p ∝ raw^(1/T), so raw ∝ p^T."""
    return [{**r, "confidence": c} for r, c in zip(ranking, rescale([r["confidence"] for r in ranking], 1 / temperature))]


def scored(rows, intent_t: float, faq_t: float) -> List[Tuple[str, float, bool]]:
    """(true label, probability of the true label, whether the top label is right)."""
    out = []
    for label, intents, topics in rows:
        scaled_i = [{**i, "confidence": c} for i, c in zip(intents, rescale([i["confidence"] for i in intents], intent_t))]
        scaled_t = [{**t, "confidence": c} for t, c in zip(topics, rescale([t["confidence"] for t in topics], faq_t))]
        labels = flat_ranking(scaled_i, scaled_t)
        truth = next((x["confidence"] for x in labels if x["name"] == label), 1e-6)
        out.append((labels[0]["confidence"], truth, labels[0]["name"] == label))
    return out


def nll(points) -> float:
    return -sum(math.log(max(truth, 1e-9)) for _, truth, _ in points) / len(points)


def threshold_table(points) -> list:
    """For each FallbackClassifier threshold: share of errors caught, share of right answers lost."""
    wrong = [c for c, _, ok in points if not ok]
    right = [c for c, _, ok in points if ok]
    return [{"threshold": t,
             "errors_caught": round(sum(c < t for c in wrong) / len(wrong), 3) if wrong else 1.0,
             "right_answers_asked_again": round(sum(c < t for c in right) / len(right), 3)}
            for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)]


def main(argv: List[str]) -> int:
    if "--model" in argv:
        model, data = Path(argv[argv.index("--model") + 1]), Path(argv[argv.index("--data") + 1])
        at = (1.0, 1.0)
        if "--at" in argv:  # the temperatures the model's calibrator ran with
            at = (float(argv[argv.index("--at") + 1]), float(argv[argv.index("--at") + 2]))
        rows, source = asyncio.run(raw_rankings(model, data, at)), str(data)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            train_file, test_file = split(out)
            print("training the pipeline without the calibrator on 80 % of the training data ...", flush=True)
            model = train(config_without_calibrator(out), train_file, out)
            rows, source = asyncio.run(raw_rankings(model, test_file)), "20 % of the training data"
    fits = sorted(((nll(scored(rows, ti, tf)), ti, tf) for ti in GRID for tf in GRID))
    best_nll, intent_t, faq_t = fits[0]
    before, after = scored(rows, 1.0, 1.0), scored(rows, intent_t, faq_t)
    result = {
        "fitted_on": source,
        "calibration_messages": len(rows),
        "intent_temperature": intent_t,
        "faq_temperature": faq_t,
        "nll_before": round(nll(before), 4),
        "nll_after": round(best_nll, 4),
        "ece_before": round(expected_calibration_error([(c, ok) for c, _, ok in before]), 4),
        "ece_after": round(expected_calibration_error([(c, ok) for c, _, ok in after]), 4),
        "accuracy": round(sum(ok for _, _, ok in after) / len(after), 4),
        "fallback_thresholds": threshold_table(after),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "calibration_fit.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(f"config.yml → intent_temperature: {intent_t}  faq_temperature: {faq_t}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
