"""`make bench` (NLU part): our pipeline against Rasa's default, on this machine.

For each pipeline: training time from scratch, held-out accuracy and macro-F1, parse latency
(p50/p99) and sequential throughput of the loaded model, and resident memory after loading.
Results are printed and written to benchmarks/results/nlu_benchmark.json and
benchmarks/results/nlu_comparison.md.
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

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
RASA = str(Path(sys.executable).parent / "rasa")
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
CRISIS_SET = ROOT / "tests" / "nlu" / "crisis.yml"


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
    error = None
    if result.returncode != 0 or not model.exists():
        lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
        error = next((line for line in reversed(lines) if "language" in line or "Exception" in line), lines[-1] if lines else "")
    return {"seconds": round(seconds, 1), "model": model if error is None else None, "error": error}


def measure(model: Path) -> dict:
    """Evaluate in a fresh process so each model's memory is measured alone."""
    code = (
        "import json, psutil, sys; from pathlib import Path;"
        "from bot.nlu.evaluation import evaluate_sync;"
        f"r = evaluate_sync(Path({str(model)!r}), Path({str(HELDOUT)!r}));"
        "s = r.summary(); s['rss_mb'] = round(psutil.Process().memory_info().rss / 2**20);"
        "s['per_intent_f1'] = {k: round(v['f1-score'], 3) for k, v in r.per_intent().items() if isinstance(v, dict)};"
        "print('RESULT' + json.dumps(s, ensure_ascii=False))"
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


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    crisis_safety()
    report = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "date": time.strftime("%Y-%m-%d %H:%M")}}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        print("training our pipeline (full model: NLU + dialogue) ...", flush=True)
        ours = train(ROOT / "config.yml", out, "ours", nlu_only=False)
        print("training Rasa's default pipeline with language: zh ...", flush=True)
        default_zh = train(ROOT / "benchmarks" / "default_config_zh.yml", out, "default_zh", nlu_only=True)
        print("training Rasa's default pipeline as shipped (language: en) ...", flush=True)
        default = train(ROOT / "benchmarks" / "default_config.yml", out, "default", nlu_only=True)
        report["ours"] = {"train_seconds_full": ours["seconds"], **measure(ours["model"])}
        report["default_zh"] = {"error": default_zh["error"] or "trained"}
        if default_zh["model"]:
            report["default_zh"].update(measure(default_zh["model"]))
        report["default"] = {"train_seconds_nlu": default["seconds"], **measure(default["model"])}
    (RESULTS / "nlu_benchmark.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    markdown = render(report)
    (RESULTS / "nlu_comparison.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0


def render(report: dict) -> str:
    ours, default = report["ours"], report["default"]
    rows = [
        ("held-out intent accuracy", "intent_accuracy"),
        ("held-out macro-F1", "macro_f1"),
        ("answered correctly (no fallback)", "answered_correctly"),
        ("fallback rate", "fallback_rate"),
    ]
    lines = [
        f"# NLU benchmark ({report['machine']['date']}, {report['machine']['cpus']} cores)",
        "",
        f"Held-out set: {ours['messages']} messages (tests/nlu/heldout.yml), never trained on.",
        "",
        "| measure | our pipeline | Rasa default (as shipped) |",
        "|---|---|---|",
    ]
    lines += [f"| {label} | {ours[key]:.3f} | {default[key]:.3f} |" for label, key in rows]
    lines += [
        f"| entity F1 (value-level) | {ours['entities']['f1']:.3f} | {default['entities']['f1']:.3f} |",
        f"| parse p50 / p99 (ms) | {ours['parse_latency_ms']['p50']:.1f} / {ours['parse_latency_ms']['p99']:.1f} | "
        f"{default['parse_latency_ms']['p50']:.1f} / {default['parse_latency_ms']['p99']:.1f} |",
        f"| parse throughput (msg/s, one process) | {ours['parse_latency_ms']['throughput_per_s']:.0f} | "
        f"{default['parse_latency_ms']['throughput_per_s']:.0f} |",
        f"| training time (s) | {ours['train_seconds_full']} (full: NLU + dialogue) | {default['train_seconds_nlu']} (NLU only) |",
        f"| resident memory after load (MB) | {ours['rss_mb']} | {default['rss_mb']} |",
        "",
        f"Rasa's default pipeline with `language: zh`: {report['default_zh'].get('error')}",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
