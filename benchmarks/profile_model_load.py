"""`python -m benchmarks.profile_model_load [MODEL]`: where the time of loading a model goes in a
Rasa process, with Rasa's own RasaModel.load and with bot/rasa_model_pulling.py's, each in a
fresh process (TensorFlow keeps traced graphs per process). Phases: unpacking the archive,
building the weights (Rasa: `model.fit` on one example; ours: one eager loss), reading the checkpoint, tracing the
predict function, the rest of the graph's components, and the first parses. Writes
benchmarks/results/model_load_phases.json. MODEL: default the newest models/*.tar.gz.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
TEXTS = ("年假有几天", "老板欠了两个月工资怎么办", "你好")


def timed(times: dict, name: str, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            times[name] = times.get(name, 0.0) + time.perf_counter() - started
    return wrapper


def profile(model: str, variant: str) -> dict:
    """In this process: load `model` the `variant` way ("rasa" | "ours"), phase by phase."""
    import logging

    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.utils.tensorflow.models import RasaModel

    from bot import rasa_model_pulling

    times: dict = {}
    storage = LocalModelStorage._extract_archive_to_directory
    LocalModelStorage._extract_archive_to_directory = staticmethod(timed(times, "unpack", storage))
    RasaModel.load_weights = timed(times, "read_checkpoint", RasaModel.load_weights)
    RasaModel.run_inference = timed(times, "trace_predict", RasaModel.run_inference)
    load = rasa_model_pulling.RASA_LOAD.__func__ if variant == "rasa" else rasa_model_pulling.load_without_tracing_training
    RasaModel.load = classmethod(timed(times, "tf_models", load))
    started = time.perf_counter()
    agent = Agent.load(model)
    total = time.perf_counter() - started
    first = []
    for text in TEXTS:
        started = time.perf_counter()
        asyncio.run(agent.parse_message(text))
        first.append(round(time.perf_counter() - started, 3))
    # The TensorFlow models' load = building their weights + reading + tracing predict.
    times["build_weights"] = times.pop("tf_models") - times["read_checkpoint"] - times["trace_predict"]
    phases = {name: round(seconds, 2) for name, seconds in times.items()}
    phases["other_components"] = round(total - sum(times.values()), 2)
    return {"load_seconds": round(total, 2), "phases_seconds": phases, "first_parses_seconds": first}


def main() -> int:
    if len(sys.argv) == 3:  # the child: one variant
        print(json.dumps(profile(sys.argv[1], sys.argv[2])))
        return 0
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    model = sys.argv[1] if len(sys.argv) > 1 else str(models[-1])
    result = {"model": Path(model).name, "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    for variant in ("rasa", "ours"):
        done = subprocess.run([sys.executable, "-m", "benchmarks.profile_model_load", model, variant], cwd=ROOT,
                              env=env, capture_output=True, text=True, check=True)
        result[variant] = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "model_load_phases.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
