"""`make bench` (crisis part): how many crises each layer catches, and at what cost in false alarms.

On every crisis set under tests/nlu (crisis.yml, and the independent crisis_fresh_dev/test.yml,
crisis_fresh3.yml and crisis_fresh4.yml, each written from the spec only), and on the non-emergency messages of both held-out sets:
- rules: the detector's rules alone (bot/nlu/crisis, `learned=False`);
- detector: the rules, then the learned reader when no rule fires — as the actions, the
  channel and CrisisOverride use it;
- end to end: the served model's NLU pipeline (the classifier, the fallback, then
  CrisisOverride: the rules, or the classifier's emergency reading of at least
  CLASSIFIER_THRESHOLD) — what the dialogue actually receives.
Also the emergency confidence each non-crisis message got, to choose the threshold by. Writes
benchmarks/results/crisis_fresh.json.
"""
from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List

import yaml

from bot.nlu.crisis import detect, framing
from bot.nlu.crisis_override import CLASSIFIER_THRESHOLD, EMERGENCY
from bot.rasa_server import newest_model

ROOT = Path(__file__).resolve().parents[1]
NLU_TESTS = ROOT / "tests" / "nlu"
RESULTS = ROOT / "benchmarks" / "results"
THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5)


def crisis_sets() -> Dict[str, List[dict]]:
    sets = {}
    for path in sorted(NLU_TESTS.glob("crisis*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sets[path.stem] = ([{**c, "crisis": True} for c in data["crisis"]]
                           + [{**c, "crisis": False} for c in data["hard_negatives"]])
    return sets


def everyday_messages() -> List[dict]:
    """Non-emergency messages of both held-out sets: a false alarm here hits ordinary questions."""
    messages = []
    for name in ("heldout", "heldout_real"):
        for block in yaml.safe_load((NLU_TESTS / f"{name}.yml").read_text(encoding="utf-8"))["nlu"]:
            if block["intent"] == EMERGENCY:
                continue
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line.strip()[2:])
                    messages.append({"text": text, "kind": block["intent"], "crisis": False})
    return messages


async def read_all(agent, cases: List[dict]) -> None:
    for case in cases:
        parsed = await agent.parse_message(case["text"])
        case["rules"] = detect(case["text"], learned=False).is_crisis
        case["detector"] = detect(case["text"]).is_crisis
        case["framed"] = framing(case["text"]) is not None  # CrisisOverride then ignores the classifier
        case["end_to_end"] = parsed["intent"]["name"] == EMERGENCY
        case["layer"] = (parsed.get("crisis") or {}).get("family")
        # The classifier's own reading (CrisisOverride keeps it when it overrides the ranking).
        ranking = parsed.get("intent_ranking") or []
        crisis = parsed.get("crisis") or {}
        case["emergency_confidence"] = crisis.get("classifier_confidence", max(
            (r["confidence"] for r in ranking if r["name"] == EMERGENCY), default=0.0))


def _alarm(case: dict, threshold: float) -> bool:
    """What CrisisOverride would decide with the classifier threshold at `threshold`."""
    return case["detector"] or (case["emergency_confidence"] >= threshold and not case["framed"])


def summary(cases: List[dict]) -> dict:
    crises = [c for c in cases if c["crisis"]]
    others = [c for c in cases if not c["crisis"]]
    result = {"crises": len(crises), "non_crises": len(others)}
    for layer in ("rules", "detector", "end_to_end"):
        missed = [c for c in crises if not c[layer]]
        alarms = [c for c in others if c[layer]]
        result[layer] = {
            "recall": round(1 - len(missed) / len(crises), 3) if crises else None,
            "false_alarms": len(alarms),
            "missed_by_kind": dict(Counter(c["kind"] for c in missed)),
            "false_alarms_by_kind": dict(Counter(c["kind"] for c in alarms)),
        }
    result["caught_by_learned_reader_only"] = sum(1 for c in crises if c["detector"] and not c["rules"])
    result["caught_by_classifier_only"] = sum(1 for c in crises if c["end_to_end"] and not c["detector"])
    # What the dialogue would get at other thresholds: the detector, or the classifier at >= t
    # (its top intent being the emergency is among these: its confidence is then the highest).
    result["classifier_threshold_sweep"] = {
        str(t): {"recall": round(sum(1 for c in crises if _alarm(c, t)) / len(crises), 3) if crises else None,
                 "false_alarms": sum(1 for c in others if _alarm(c, t))}
        for t in (*THRESHOLDS, 0.7, 0.9)}
    return result


def detect_cost(texts: List[str]) -> dict:
    """Milliseconds per detect() call, rules alone and with the learned reader (trained already)."""
    cost = {}
    for name, learned in (("rules", False), ("rules_and_learned", True)):
        times = []
        for text in texts:
            start = time.perf_counter()
            detect(text, learned=learned)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        cost[name] = {"mean": round(sum(times) / len(times), 2), "p95": round(times[int(len(times) * 0.95)], 2),
                      "max": round(times[-1], 2), "messages": len(times)}
    return cost


async def main() -> int:
    from rasa.core.agent import Agent

    model = newest_model(ROOT / "models")
    if model is None:
        print("no trained model in models/ (make train)")
        return 1
    agent = Agent.load(str(model))
    report = {"model": model.name, "classifier_threshold": CLASSIFIER_THRESHOLD, "sets": {}}
    for name, cases in {**crisis_sets(), "heldout_non_emergency": everyday_messages()}.items():
        await read_all(agent, cases)
        report["sets"][name] = summary(cases)
        line = report["sets"][name]
        print(f"{name}: rules recall {line['rules']['recall']} false alarms {line['rules']['false_alarms']}/"
              f"{line['non_crises']}; rules+learned recall {line['detector']['recall']} false alarms "
              f"{line['detector']['false_alarms']}/{line['non_crises']}; end to end recall {line['end_to_end']['recall']} false alarms "
              f"{line['end_to_end']['false_alarms']}/{line['non_crises']}")
    report["detect_cost_ms"] = detect_cost([c["text"] for cases in crisis_sets().values() for c in cases] +
                                           [c["text"] for c in everyday_messages()])
    print(f"detect() per message: {report['detect_cost_ms']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "crisis_fresh.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
