"""Server-side SVG pictures for the comparison page (no JavaScript, no inline script or style
attributes the CSP would refuse: SVG presentation attributes only). Pure functions → str."""
from __future__ import annotations

from typing import List, Optional
from xml.sax.saxutils import escape

CELL = 18
LABEL_WIDTH = 210


def _shade(count: int, peak: int, diagonal: bool) -> str:
    if count == 0:
        return "#ffffff"
    strength = 0.15 + 0.85 * count / max(peak, 1)
    # Right answers in blue, confusions in red: errors jump out.
    r, g, b = (31, 119, 180) if diagonal else (214, 39, 40)
    mix = lambda c: int(255 - (255 - c) * strength)  # noqa: E731
    return f"#{mix(r):02x}{mix(g):02x}{mix(b):02x}"


def confusion_svg(labels: List[str], matrix: List[List[int]]) -> str:
    size = len(labels)
    width, height = LABEL_WIDTH + size * CELL + 10, LABEL_WIDTH + size * CELL + 10
    peak = max((max(row) for row in matrix), default=1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="混淆矩阵 confusion matrix" font-size="10">']
    for i, label in enumerate(labels):
        y = LABEL_WIDTH + i * CELL
        parts.append(f'<text x="{LABEL_WIDTH - 4}" y="{y + 13}" text-anchor="end">{escape(label)}</text>')
        x = LABEL_WIDTH + i * CELL
        parts.append(f'<text transform="translate({x + 13},{LABEL_WIDTH - 4}) rotate(-60)">{escape(label)}</text>')
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            x, y = LABEL_WIDTH + j * CELL, LABEL_WIDTH + i * CELL
            parts.append(f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{_shade(count, peak, i == j)}" '
                         f'stroke="#dddddd"><title>{escape(labels[i])} → {escape(labels[j])}: {count}</title></rect>')
            if count:
                parts.append(f'<text x="{x + CELL / 2}" y="{y + 13}" text-anchor="middle">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram_svg(candidate: dict, active: Optional[dict]) -> str:
    """Bars per confidence bin: right (blue) and wrong (red), the active model's as outlines."""
    bins = len(candidate["right"])
    width, height, base, bar = 520, 230, 190, 40
    series = [candidate] + ([active] if active else [])
    peak = max(max(s["right"][i] + s["wrong"][i] for s in series) for i in range(bins)) or 1
    scale = (base - 20) / peak
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="置信度分布 confidence histogram" font-size="11">',
             f'<line x1="30" y1="{base}" x2="{30 + bins * (bar + 8)}" y2="{base}" stroke="#333333"/>']
    for i in range(bins):
        x = 34 + i * (bar + 8)
        right, wrong = candidate["right"][i] * scale, candidate["wrong"][i] * scale
        parts.append(f'<rect x="{x}" y="{base - right}" width="{bar}" height="{right}" fill="#1f77b4">'
                     f'<title>{i / bins:.1f}–{(i + 1) / bins:.1f} 正确 {candidate["right"][i]}</title></rect>')
        parts.append(f'<rect x="{x}" y="{base - right - wrong}" width="{bar}" height="{wrong}" fill="#d62728">'
                     f'<title>{i / bins:.1f}–{(i + 1) / bins:.1f} 错误 {candidate["wrong"][i]}</title></rect>')
        if active:
            total = (active["right"][i] + active["wrong"][i]) * scale
            parts.append(f'<rect x="{x - 2}" y="{base - total}" width="{bar + 4}" height="{total}" fill="none" '
                         f'stroke="#333333" stroke-dasharray="3 2"><title>当前模型 {active["right"][i]} 正确 / '
                         f'{active["wrong"][i]} 错误</title></rect>')
        parts.append(f'<text x="{x + bar / 2}" y="{base + 14}" text-anchor="middle">{i / bins:.1f}</text>')
    parts.append(f'<text x="34" y="{base + 32}">蓝：候选模型答对　红：答错　虚线框：当前模型（总数）</text>')
    parts.append("</svg>")
    return "".join(parts)
