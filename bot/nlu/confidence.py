"""Honest confidence from the two classifiers' rankings (no Rasa imports).

DIET and the ResponseSelector are trained until their softmax is nearly one-hot, so a wrong
answer often comes with 1.00. Temperature scaling (dividing the logits by T > 1, fitted on
examples the model did not train on: benchmarks/fit_calibration.py) makes the numbers mean
what they say. The answer the bot gives for an FAQ is a topic, so its confidence is
P(faq) × P(topic | faq), not P(faq) alone.
"""
from __future__ import annotations

import math
from typing import Dict, List, Sequence

FAQ = "faq"
_FLOOR = 1e-12


def rescale(confidences: Sequence[float], temperature: float) -> List[float]:
    """Softmax of log(p) / T: the same ranking, flatter (T > 1) or sharper (T < 1)."""
    if not confidences:
        return []
    logits = [math.log(max(c, _FLOOR)) / temperature for c in confidences]
    top = max(logits)
    weights = [math.exp(x - top) for x in logits]
    total = sum(weights)
    return [w / total for w in weights]


def flat_ranking(intents: List[Dict], topics: List[Dict]) -> List[Dict]:
    """One ranking over what the bot can do: each intent, `faq` split into its topics."""
    labels = []
    for intent in intents:
        if intent["name"] == FAQ and topics:
            labels += [{"name": t["intent_response_key"], "confidence": intent["confidence"] * t["confidence"]}
                       for t in topics]
        else:
            labels.append({"name": intent["name"], "confidence": intent["confidence"]})
    return sorted(labels, key=lambda label: -label["confidence"])


def pool(first: Dict[str, float], second: Dict[str, float], first_weight: float, second_weight: float,
         floor: float = 1e-4) -> Dict[str, float]:
    """Log-linear pooling of two readers' probabilities over the same labels:
    p ∝ first^a · second^b. A label one reader ranks low pulls the answer down, so a wrong
    answer stays sure only when both readers, which err differently, are sure of it. A label a
    reader did not rank at all counts as `floor`."""
    labels = set(first) | set(second)
    if not labels:
        return {}
    logits = {label: first_weight * math.log(max(first.get(label, 0.0), floor))
              + second_weight * math.log(max(second.get(label, 0.0), floor)) for label in labels}
    top = max(logits.values())
    weights = {label: math.exp(value - top) for label, value in logits.items()}
    total = sum(weights.values())
    return {label: weight / total for label, weight in weights.items()}
