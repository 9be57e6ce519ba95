"""Which model do the Rasa worker processes behind one port serve? (tests and benchmarks)

Rasa's Sanic workers share the port; each new connection lands on one of them, so many
fresh connections to /status sample every worker: with 2 workers and 24 requests, the chance
that one worker is never asked is about 1 in 8 million.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Callable, List, Optional

SAMPLES = 24


def status_model_ids(port: int, token: str, samples: int = SAMPLES) -> List[str]:
    ids = []
    for _ in range(samples):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/status?token={token}", timeout=10) as response:
                ids.append(json.loads(response.read())["model_id"])
        except (urllib.error.URLError, OSError, ValueError, KeyError):
            ids.append("?")  # busy loading, or no model: not the one we wait for
    return ids


def wait_until_served(port: int, token: str, model_id: str, timeout: float,
                      during: Optional[Callable[[], None]] = None) -> float:
    """Seconds until every sampled answer names `model_id`; AssertionError after `timeout`.
    `during` runs between samples (e.g. a worker's message, to show nothing is dropped)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if set(status_model_ids(port, token)) == {model_id}:
            return time.monotonic() - started
        if during is not None:
            during()
        time.sleep(1)
    raise AssertionError(f"not every worker serves {model_id} after {timeout} s: {status_model_ids(port, token)}")
