"""`make bench` (NLU part): our pipeline against the previous model and Rasa's default, on this machine.

Models compared, each on both held-out sets (tests/nlu/heldout.yml, the project's first set,
and tests/nlu/heldout_real.yml, written the way workers really write):
- ours: config.yml, trained from scratch here (full model: NLU + dialogue);
- previous: the model that was in service before this change, if a copy sits in
  var/previous/*.tar.gz (copy the served model there before retraining); skipped otherwise;
- default_zh: Rasa's default pipeline with JiebaTokenizer in place of WhitespaceTokenizer (the
  default as shipped refuses `language: zh`), trained on the same data (NLU only).
For each: intent accuracy, macro-F1, expected calibration error, accuracy per confidence band,
wrong answers above 0.95 confidence, share of errors the fallback catches, parse latency,
resident memory, training time. Results: benchmarks/results/nlu_benchmark.json,
nlu_comparison.md and reliability_<set>.png (reliability diagrams).

On a shared, loaded machine the peers can be trained ahead of time and kept:
    BENCH_MODELS=var/bench .venv/bin/python -m benchmarks.bench_nlu --train-only default_zh
then `BENCH_MODELS=var/bench make bench` reuses them (training times as measured then).
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

from bot.nlu.reliability import draw_diagram

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
RASA = str(Path(sys.executable).parent / "rasa")
CRISIS_SET = ROOT / "tests" / "nlu" / "crisis.yml"
HELDOUT_SETS = {"heldout": ROOT / "tests" / "nlu" / "heldout.yml", "heldout_real": ROOT / "tests" / "nlu" / "heldout_real.yml"}
PREVIOUS = ROOT / "var" / "previous"
MODELS = ("ours", "previous", "default_zh")


def train(config: Path, out: Path, name: str, nlu_only: bool) -> dict:
    command = [RASA, "train", *(["nlu", "--nlu", "nlu_data"] if nlu_only else ["--data", "nlu_data", "-d", "bot/domain"]),
               "-c", str(config), "--out", str(out), "--fixed-model-name", name]
    if not nlu_only:
        command.append("--force")
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.perf_counter() - started
    model = out / f"{name}.tar.gz"
    if result.returncode != 0 or not model.exists():
        raise RuntimeError(f"training {name} failed:\n{(result.stdout + result.stderr)[-3000:]}")
    return {"seconds": round(seconds, 1), "model": model}


def measure(model: Path) -> dict:
    """Evaluate in a fresh process so each model's memory is measured alone."""
    code = (
        "import json, psutil, sys; from pathlib import Path;"
        "from bot.nlu.evaluation import evaluate_sync;"
        f"sets = {{k: Path(v) for k, v in {json.dumps({k: str(v) for k, v in HELDOUT_SETS.items()})}.items()}};"
        "out = {}\n"
        "for name, path in sets.items():\n"
        f"    r = evaluate_sync(Path({str(model)!r}), path); s = r.summary()\n"
        "    s['per_intent_f1'] = {k: round(v['f1-score'], 3) for k, v in r.per_intent().items() if isinstance(v, dict)}\n"
        "    s['pairs'] = [[round(c, 4), ok] for c, ok in r.confidence_pairs()]\n"
        "    out[name] = s\n"
        "out['rss_mb'] = round(psutil.Process().memory_info().rss / 2**20)\n"
        "print('RESULT' + json.dumps(out, ensure_ascii=False))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = next((l for l in result.stdout.splitlines() if l.startswith("RESULT")), None)
    if line is None:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(line[len("RESULT"):])


def crisis_safety() -> dict:
    """Crisis recall and false alarms of the crisis layer (the detector CrisisOverride runs last)."""
    from bot.nlu.crisis.evaluation import measure_crisis_set

    result = measure_crisis_set(CRISIS_SET)
    (RESULTS / "crisis_safety.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"crisis recall {result['recall']:.3f} on {result['crisis']} crisis messages; false alarms "
          f"{len(result['false_alarms'])}/{result['hard_negatives']} hard negatives ({result['false_alarm_rate']:.1%})",
          flush=True)
    return result


def previous_model() -> Optional[Path]:
    models = sorted(PREVIOUS.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def trained(out: Path, name: str, config: Path, nlu_only: bool) -> dict:
    """A model trained now, or one trained earlier by this benchmark and kept in BENCH_MODELS
    (with its training time), so a loaded machine can train the peers ahead of time."""
    kept = Path(os.environ["BENCH_MODELS"]) if os.environ.get("BENCH_MODELS") else None
    if kept and (kept / f"{name}.tar.gz").exists() and (kept / f"{name}.json").exists():
        print(f"using {kept / name}.tar.gz trained earlier by the benchmark", flush=True)
        return {**json.loads((kept / f"{name}.json").read_text()), "model": kept / f"{name}.tar.gz"}
    print(f"training {name} ...", flush=True)
    result = train(config, kept or out, name, nlu_only)
    if kept:
        (kept / f"{name}.json").write_text(json.dumps({"seconds": result["seconds"]}))
    return result


def main(argv: List[str]) -> int:
    """`--train-only NAME` trains one model into BENCH_MODELS and stops."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    crisis_safety()
    report: Dict[str, dict] = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                           "date": time.strftime("%Y-%m-%d %H:%M"),
                                           "load_average": [round(x, 1) for x in os.getloadavg()]}}
    configs = {"ours": (ROOT / "config.yml", False), "default_zh": (ROOT / "benchmarks" / "default_config_zh.yml", True)}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        if "--train-only" in argv:
            name = argv[argv.index("--train-only") + 1]
            trained(out, name, *configs[name])
            return 0
        ours = trained(out, "ours", *configs["ours"])
        default_zh = trained(out, "default_zh", *configs["default_zh"])
        print("measuring ...", flush=True)
        report["ours"] = {"train_seconds": ours["seconds"], "trained": "full (NLU + dialogue)", **measure(ours["model"])}
        report["default_zh"] = {"train_seconds": default_zh["seconds"], "trained": "NLU only", **measure(default_zh["model"])}
    previous = previous_model()
    if previous is not None:
        report["previous"] = {"model": previous.name, **measure(previous)}
    for name in HELDOUT_SETS:
        series = {m: [tuple(p) for p in report[m][name]["pairs"]] for m in MODELS if m in report}
        draw_diagram(series, RESULTS / f"reliability_{name}.png")
    for m in MODELS:
        for name in HELDOUT_SETS:
            if m in report:
                report[m][name].pop("pairs")
    (RESULTS / "nlu_benchmark.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    markdown = render(report)
    (RESULTS / "nlu_comparison.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0


def _row(label: str, report: dict, value) -> str:
    cells = [value(report[m]) if m in report else "—" for m in MODELS]
    return f"| {label} | " + " | ".join(cells) + " |"


def render(report: dict) -> str:
    machine = report["machine"]
    lines = [f"# NLU benchmark ({machine['date']}, {machine['cpus']} cores, load average {machine['load_average']})", ""]
    previous = report.get("previous", {}).get("model", "not available (no model in var/previous/)")
    lines += [f"Previous model: {previous}. Rasa default: the default pipeline with JiebaTokenizer, same data.", ""]
    for name, path in HELDOUT_SETS.items():
        messages = report["ours"][name]["messages"]
        lines += [f"## {path.relative_to(ROOT)} ({messages} messages, never trained on)", "",
                  "| measure | our pipeline | previous model | Rasa default + Jieba |", "|---|---|---|---|"]
        lines.append(_row("intent accuracy", report, lambda r: f"{r[name]['intent_accuracy']:.3f}"))
        lines.append(_row("macro-F1", report, lambda r: f"{r[name]['macro_f1']:.3f}"))
        lines.append(_row("answered correctly (no fallback)", report, lambda r: f"{r[name]['answered_correctly']:.3f}"))
        lines.append(_row("fallback rate", report, lambda r: f"{r[name]['fallback_rate']:.3f}"))
        lines.append(_row("expected calibration error", report, lambda r: f"{r[name]['calibration']['ece']:.3f}"))
        lines.append(_row("wrong answers above 0.95 confidence", report,
                          lambda r: str(r[name]["calibration"]["wrong_above_0.95"])))
        lines.append(_row("errors caught by the fallback", report,
                          lambda r: f"{r[name]['calibration']['errors_caught_by_fallback']:.2f}"))
        for i, band in enumerate(report["ours"][name]["calibration"]["bands"]):
            lines.append(_row(f"accuracy (messages) at confidence {band['band']}", report,
                              lambda r, i=i: _band(r[name]["calibration"]["bands"][i])))
        lines.append(_row("entity F1 (value-level)", report, lambda r: f"{r[name]['entities']['f1']:.3f}"))
        lines += ["", f"Reliability diagram: benchmarks/results/reliability_{name}.png", ""]
    lines += ["## Cost", "", "| measure | our pipeline | previous model | Rasa default + Jieba |", "|---|---|---|---|"]
    lines.append(_row("parse p50 / p99 (ms)", report, lambda r: f"{r['heldout_real']['parse_latency_ms']['p50']:.1f} / "
                                                           f"{r['heldout_real']['parse_latency_ms']['p99']:.1f}"))
    lines.append(_row("training time (s)", report, lambda r: f"{r['train_seconds']} ({r['trained']})" if "train_seconds" in r else "—"))
    lines.append(_row("resident memory after load (MB)", report, lambda r: str(r["rss_mb"])))
    lines.append("")
    return "\n".join(lines)


def _band(band: dict) -> str:
    return "—" if band["accuracy"] is None else f"{band['accuracy']:.2f} ({band['messages']})"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
