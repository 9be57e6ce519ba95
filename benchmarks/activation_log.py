"""The phases of a model switch as each Rasa worker logs them (bot/rasa_model_pulling.py), read
back from the launcher's log by the retraining and activation benchmarks."""
from __future__ import annotations

import re
from typing import List

PHASES = re.compile(r"Model \S+ \(model_id (\S+)\) now served: download ([\d.]+) s, load and warm-up ([\d.]+) s")


def phases(log: str, offset: int, model_id: str) -> List[dict]:
    """One entry per worker that switched to `model_id` after `offset` in the log."""
    return [{"download_seconds": float(m[2]), "load_and_warm_up_seconds": float(m[3])}
            for m in PHASES.finditer(log[offset:]) if m[1] == model_id]
