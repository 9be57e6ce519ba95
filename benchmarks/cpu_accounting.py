"""CPU time spent by each service of a running stack, read from the launcher's pidfiles.

Latency on a shared 2-core machine is noisy; CPU milliseconds per message are not. Together
with the wall time they say how close the machine is to saturation, which is what decides the
tail latency under load (queueing), and which process to make cheaper."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict

import psutil


def service_cpu_seconds(var_dir: Path) -> Dict[str, float]:
    """{service pidfile name: user+system CPU seconds of every live process in its group}."""
    groups: Dict[int, str] = {}
    for pidfile in sorted((var_dir / "run").glob("*.pid")):
        try:
            groups[int(json.loads(pidfile.read_text())["pgid"])] = pidfile.stem.rsplit("-", 1)[0]
        except (OSError, ValueError, KeyError):
            continue
    totals = {name: 0.0 for name in groups.values()}
    for process in psutil.process_iter(["pid"]):
        try:
            name = groups.get(os.getpgid(process.pid))
            if name is not None:
                times = process.cpu_times()
                totals[name] += times.user + times.system
        except (psutil.Error, ProcessLookupError, PermissionError):
            continue
    return totals


def this_process_cpu_seconds() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system


def per_message(before: Dict[str, float], after: Dict[str, float], client_seconds: float,
                messages: int, wall_seconds: float) -> dict:
    """CPU ms per message for each service and for the simulated WeChat client, and how busy
    the machine's cores were on average during the run."""
    used = {name: max(0.0, after.get(name, 0.0) - before.get(name, 0.0)) for name in after}
    used["benchmark_client"] = client_seconds
    total = sum(used.values())
    return {
        "cpu_ms_per_message": {name: round(1000 * seconds / messages, 1) for name, seconds in sorted(used.items())},
        "cpu_ms_per_message_total": round(1000 * total / messages, 1),
        "cores": psutil.cpu_count(),
        "cores_busy_share": round(total / (wall_seconds * psutil.cpu_count()), 3),
        "machine_load_average_1min_at_end": round(os.getloadavg()[0], 2),
    }
