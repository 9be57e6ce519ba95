"""Is the confidence honest? Expected calibration error, accuracy per band, reliability diagram.

Works on (confidence, correct) pairs, so it serves the held-out tests and `make bench` alike.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Sequence, Tuple

# Bands a reader can act on: below the fallback, unsure, fairly sure, sure, "certain".
BANDS: Tuple[Tuple[float, float], ...] = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.95), (0.95, 1.0001))
CERTAIN = 0.95


def _bins(pairs: Sequence[Tuple[float, bool]], edges: Sequence[Tuple[float, float]]) -> List[List[Tuple[float, bool]]]:
    return [[p for p in pairs if low <= p[0] < high] for low, high in edges]


def expected_calibration_error(pairs: Sequence[Tuple[float, bool]], bins: int = 10) -> float:
    """Σ over equal-width bins of |accuracy − mean confidence| weighted by the bin's share."""
    if not pairs:
        return 0.0
    edges = [(i / bins, (i + 1) / bins if i < bins - 1 else 1.0001) for i in range(bins)]
    total = 0.0
    for members in _bins(pairs, edges):
        if members:
            accuracy = sum(ok for _, ok in members) / len(members)
            confidence = sum(c for c, _ in members) / len(members)
            total += abs(accuracy - confidence) * len(members) / len(pairs)
    return total


def bands(pairs: Sequence[Tuple[float, bool]]) -> List[Dict[str, object]]:
    rows = []
    for (low, high), members in zip(BANDS, _bins(pairs, BANDS)):
        rows.append({
            "band": f"{low:.2f}-{min(high, 1.0):.2f}",
            "messages": len(members),
            "accuracy": round(sum(ok for _, ok in members) / len(members), 4) if members else None,
        })
    return rows


def wrong_above(pairs: Sequence[Tuple[float, bool]], level: float = CERTAIN) -> int:
    return sum(1 for c, ok in pairs if c > level and not ok)


def draw_diagram(series: Dict[str, Sequence[Tuple[float, bool]]], path: Path, bins: int = 10) -> None:
    """Accuracy against confidence per bin for each named series; the diagonal is honesty."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(5.5, 5.5), dpi=110)
    axis.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    edges = [(i / bins, (i + 1) / bins if i < bins - 1 else 1.0001) for i in range(bins)]
    for name, pairs in series.items():
        points = [(sum(c for c, _ in m) / len(m), sum(ok for _, ok in m) / len(m), len(m))
                  for m in _bins(pairs, edges) if m]
        if points:
            xs, ys, sizes = zip(*points)
            ece = expected_calibration_error(pairs, bins)
            axis.plot(xs, ys, marker="o", label=f"{name} (ECE {ece:.3f})")
            for x, y, n in points:
                axis.annotate(str(n), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    axis.set_xlabel("confidence the bot acted on")
    axis.set_ylabel("accuracy")
    axis.set_xlim(0, 1.02)
    axis.set_ylim(0, 1.02)
    axis.set_title("Reliability (numbers: messages per bin)")
    axis.legend(loc="upper left", fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
