"""Where a training run stands, read from what `rasa train` prints. Pure: feed it lines.

Rasa logs "Starting to train component 'X'." / "Finished training component 'X'." (its
training hooks) and draws a tqdm bar "Epochs: 40%|... | 24/60 [00:31<00:47, ...]" for the
TensorFlow components; the bar redraws with carriage returns, so callers split on both
'\r' and '\n'. Nothing here depends on Rasa being importable (the console reads the result).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Optional

STARTED = re.compile(r"Starting to train component '(?P<name>\w+)'")
FINISHED = re.compile(r"(?:Finished training component|Restored component) '(?P<name>\w+)'")
EPOCHS = re.compile(r"Epochs:\s*\d+%\|[^|]*\|\s*(?P<done>\d+)/(?P<total>\d+)\s*\[(?P<spent>[\d:]+)<(?P<left>[\d:?]+)")
VALIDATING = re.compile(r"Started validating domain and training data")
SAVED = re.compile(r"Your Rasa model is trained and saved")

# Stage → what the admin reads.
STAGES = {
    "queued": "排队中",
    "validating": "校验训练数据",
    "training": "训练中",
    "saving": "保存模型",
    "evaluating": "评估并与当前模型比较",
    "done": "已完成",
    "failed": "失败",
    "cancelled": "已取消",
}


def clock_seconds(text: str) -> Optional[float]:
    """tqdm's "MM:SS" or "H:MM:SS"; None for "?" (not known yet)."""
    if not re.fullmatch(r"\d+(?::\d+){1,2}", text):
        return None
    seconds = 0
    for part in text.split(":"):
        seconds = seconds * 60 + int(part)
    return float(seconds)


@dataclass
class Progress:
    stage: str = "queued"
    component: str = ""
    components_done: int = 0
    epoch: int = 0
    epochs: int = 0
    component_left: Optional[float] = None  # seconds tqdm expects the current component to need

    def feed(self, line: str) -> bool:
        """Update from one output line; True when something changed."""
        before = asdict(self)
        if VALIDATING.search(line):
            self.stage = "validating"
        elif match := STARTED.search(line):
            self.stage, self.component, self.epoch, self.epochs, self.component_left = (
                "training", match["name"], 0, 0, None)
        elif match := FINISHED.search(line):
            self.stage, self.component = "training", match["name"]
            self.components_done += 1
            self.component_left = 0.0
        elif match := EPOCHS.search(line):
            self.epoch, self.epochs = int(match["done"]), int(match["total"])
            self.component_left = clock_seconds(match["left"])
        elif SAVED.search(line):
            self.stage = "saving"
        return asdict(self) != before


def estimate_left(elapsed: float, previous_total: Optional[float], component_left: Optional[float]) -> Optional[float]:
    """Seconds left: the last successful run's length minus the time spent (runs of one
    configuration take about as long), never less than what the current component still needs;
    without a previous run, only the current component's estimate."""
    candidates = [value for value in (component_left,) if value is not None]
    if previous_total:
        candidates.append(max(previous_total - elapsed, 0.0))
    return max(candidates) if candidates else None


def format_duration(seconds: Optional[float]) -> str:
    """"3 分 05 秒" for the progress page ("—" when not known)."""
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return (f"{hours} 小时 " if hours else "") + f"{minutes} 分 {secs:02d} 秒"
