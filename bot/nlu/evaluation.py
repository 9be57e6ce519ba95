"""Measure a trained model on the held-out set: intent accuracy, macro-F1, entities, latency.

The label of a prediction is the intent the bot acts on, with `faq` expanded into the topic
the ResponseSelector chose (`faq/<topic>`), exactly as the held-out file is labelled.
"""
from __future__ import annotations

import asyncio
import csv
import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.districts import canonical_district
from bot.nlu import reliability

FALLBACK = "nlu_fallback"


@dataclass
class Example:
    text: str
    label: str
    entities: List[Tuple[str, str]]


@dataclass
class Prediction:
    example: Example
    label: str  # top intent below the fallback threshold too
    fell_back: bool
    confidence: float  # what the fallback decided on: the top intent's (for faq: calibrated topic)
    entities: List[Tuple[str, str]]
    seconds: float


@dataclass
class Report:
    predictions: List[Prediction] = field(default_factory=list)

    @property
    def labels(self) -> List[str]:
        return sorted({p.example.label for p in self.predictions} | {p.label for p in self.predictions})

    def accuracy(self) -> float:
        return sum(p.label == p.example.label for p in self.predictions) / len(self.predictions)

    def answered_correctly(self) -> float:
        """Right and confident enough that the bot answers without asking to rephrase."""
        return sum(p.label == p.example.label and not p.fell_back for p in self.predictions) / len(self.predictions)

    def fallback_rate(self) -> float:
        return sum(p.fell_back for p in self.predictions) / len(self.predictions)

    def per_intent(self) -> Dict[str, Any]:
        from sklearn.metrics import classification_report

        truth = [p.example.label for p in self.predictions]
        guess = [p.label for p in self.predictions]
        return classification_report(truth, guess, output_dict=True, zero_division=0)

    def macro_f1(self) -> float:
        return self.per_intent()["macro avg"]["f1-score"]

    def entity_scores(self) -> Dict[str, float]:
        expected = sum(len(p.example.entities) for p in self.predictions)
        found = sum(len(p.entities) for p in self.predictions)
        hits = sum(len(set(p.example.entities) & set(p.entities)) for p in self.predictions)
        precision = hits / found if found else 0.0
        recall = hits / expected if expected else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": precision, "recall": recall, "f1": f1, "expected": expected}

    def latency_ms(self) -> Dict[str, float]:
        times = sorted(p.seconds * 1000 for p in self.predictions)
        return {
            "p50": statistics.median(times),
            "p99": times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))],
            "mean": statistics.fmean(times),
            "throughput_per_s": 1000 / statistics.fmean(times),
        }

    def confusions(self) -> List[Tuple[str, str, int]]:
        counts: Dict[Tuple[str, str], int] = {}
        for p in self.predictions:
            if p.label != p.example.label:
                key = (p.example.label, p.label)
                counts[key] = counts.get(key, 0) + 1
        return sorted(((t, g, n) for (t, g), n in counts.items()), key=lambda row: -row[2])

    def confidence_pairs(self) -> List[Tuple[float, bool]]:
        return [(p.confidence, p.label == p.example.label) for p in self.predictions]

    def errors_caught(self) -> float:
        """Share of the wrong labels the fallback turned into a clarifying question."""
        wrong = [p for p in self.predictions if p.label != p.example.label]
        return sum(p.fell_back for p in wrong) / len(wrong) if wrong else 1.0

    def calibration(self) -> Dict[str, Any]:
        pairs = self.confidence_pairs()
        return {
            "ece": round(reliability.expected_calibration_error(pairs), 4),
            "wrong_above_0.95": reliability.wrong_above(pairs),
            "errors_caught_by_fallback": round(self.errors_caught(), 4),
            "bands": reliability.bands(pairs),
        }

    def summary(self) -> Dict[str, Any]:
        return {
            "messages": len(self.predictions),
            "intent_accuracy": round(self.accuracy(), 4),
            "macro_f1": round(self.macro_f1(), 4),
            "answered_correctly": round(self.answered_correctly(), 4),
            "fallback_rate": round(self.fallback_rate(), 4),
            "entities": {k: round(v, 4) for k, v in self.entity_scores().items()},
            "parse_latency_ms": {k: round(v, 2) for k, v in self.latency_ms().items()},
            "calibration": self.calibration(),
        }


def load_examples(path: Path) -> List[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    examples = []
    for message in data.intent_examples:
        label = message.get_full_intent()
        entities = [_entity_key(e["entity"], e.get("value") or "") for e in message.get("entities") or []]
        examples.append(Example(message.get("text"), label, entities))
    return examples


def _entity_key(entity: str, value: str) -> Tuple[str, str]:
    if entity == "district":
        value = canonical_district(value) or value
    elif entity == "ticket_id":
        value = value.replace(" ", "").upper()
    return entity, str(value)


def label_of(parse: Dict[str, Any]) -> Tuple[str, bool]:
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK]
    fell_back = (parse.get("intent") or {}).get("name") == FALLBACK
    top = ranking[0]["name"] if ranking else FALLBACK
    if top == "faq":
        selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        top = selected.get("intent_response_key") or "faq"
    return top, fell_back


def confidence_of(parse: Dict[str, Any]) -> float:
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK]
    return float(ranking[0].get("confidence") or 0.0) if ranking else 0.0


async def evaluate(model_path: Path, examples: List[Example]) -> Report:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    await agent.parse_message("你好")  # warm-up: first call builds TensorFlow graphs
    report = Report()
    for example in examples:
        started = time.perf_counter()
        parse = await agent.parse_message(example.text)
        elapsed = time.perf_counter() - started
        label, fell_back = label_of(parse)
        entities = [_entity_key(e["entity"], e.get("value") or "") for e in parse.get("entities") or []]
        confidence = confidence_of(parse)
        report.predictions.append(Prediction(example, label, fell_back, confidence, sorted(set(entities)), elapsed))
    return report


def evaluate_sync(model_path: Path, heldout: Path) -> Report:
    return asyncio.run(evaluate(model_path, load_examples(heldout)))


def write_results(report: Report, out_dir: Path, name: str, extra: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """`<name>.json` (summary + per intent), `<name>_confusions.csv`, `<name>_errors.csv`,
    `<name>_confusion_matrix.csv` and `<name>_reliability.png`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = {**report.summary(), **(extra or {})}
    payload = {"summary": summary, "per_intent": report.per_intent()}
    (out_dir / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    with open(out_dir / f"{name}_confusions.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["expected", "predicted", "count"])
        writer.writerows(report.confusions())
    with open(out_dir / f"{name}_errors.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "expected", "predicted", "confidence", "fell_back"])
        for p in report.predictions:
            if p.label != p.example.label:
                writer.writerow([p.example.text, p.example.label, p.label, round(p.confidence, 4), p.fell_back])
    _write_confusion_matrix(report, out_dir / f"{name}_confusion_matrix.csv")
    reliability.draw_diagram({name: report.confidence_pairs()}, out_dir / f"{name}_reliability.png")
    return summary


def _write_confusion_matrix(report: Report, path: Path) -> None:
    labels = report.labels
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for p in report.predictions:
        matrix[index[p.example.label]][index[p.label]] += 1
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["expected \\ predicted", *labels])
        for label, row in zip(labels, matrix):
            writer.writerow([label, *row])
