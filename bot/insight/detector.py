"""Spike detection on daily counts against a trailing 28-day baseline.

Method (README, "Early warning"): today's count is compared with what this weekday usually
brings. The expected count is the mean of the same weekday over the last four weeks, shrunk
toward the 28-day mean (so one odd Monday does not set the bar). How much the series wanders
beyond Poisson noise is measured on the baseline itself (Pearson dispersion around the
weekday means); a series that wanders gets a negative binomial tail, a steady one a Poisson
tail. A spike needs all three: at least MIN_COUNT today, at least RATIO times the expected
count, and a tail probability under P_VALUE. Small numbers stay quiet by construction: three
messages in a quiet district never reach MIN_COUNT, and a weekly Monday peak is expected.

Pure functions of the counts: unit-tested on synthetic series, no Redis.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

BASELINE_DAYS = 28
MIN_COUNT = 5
RATIO = 1.5
P_VALUE = 1e-3
# Shrinkage toward the 28-day mean, in "pseudo-weeks" (4 real same-weekday samples).
SHRINK = 2.0
# Never expect less than this: a brand-new topic with 0 history is not infinitely surprising.
MIN_EXPECTED = 0.5
MAX_DISPERSION = 20.0


@dataclass(frozen=True)
class Verdict:
    spike: bool
    count: int
    expected: float
    p_value: float
    dispersion: float

    def figures(self) -> dict:
        return {"count": self.count, "expected": round(self.expected, 1), "p_value": self.p_value,
                "dispersion": round(self.dispersion, 2)}


def weekday_means(history: Sequence[int]) -> list:
    """The expected count for each position's weekday (position i ≡ i mod 7), shrunk."""
    overall = sum(history) / len(history) if history else 0.0
    means = []
    for offset in range(7):
        same = history[offset::7]
        means.append((sum(same) + SHRINK * overall) / (len(same) + SHRINK) if same or overall else 0.0)
    return means


def assess(history: Sequence[int], today: int) -> Verdict:
    """`history`: the BASELINE_DAYS daily counts before today, oldest first (a multiple of 7,
    so history[0] falls on today's weekday). `today`: today's count so far."""
    history = list(history)[-BASELINE_DAYS:]
    if len(history) % 7:
        history = history[len(history) % 7:]
    if not history:
        return Verdict(False, today, 0.0, 1.0, 1.0)
    means = weekday_means(history)
    expected = max(means[0], MIN_EXPECTED)
    dispersion = _dispersion(history, means)
    p_value = upper_tail(today, expected, dispersion)
    spike = today >= MIN_COUNT and today >= RATIO * expected and p_value < P_VALUE
    return Verdict(spike, today, expected, p_value, dispersion)


def _dispersion(history: Sequence[int], means: Sequence[float]) -> float:
    """Pearson χ²/df around the weekday means: 1 for Poisson noise, more for a wandering series."""
    fitted = [(count, max(means[i % 7], MIN_EXPECTED)) for i, count in enumerate(history)]
    chi2 = sum((count - mean) ** 2 / mean for count, mean in fitted)
    df = max(len(history) - 7, 1)
    return min(max(chi2 / df, 1.0), MAX_DISPERSION)


def upper_tail(count: int, mean: float, dispersion: float = 1.0) -> float:
    """P(X ≥ count) for X Poisson(mean), or negative binomial with variance dispersion·mean."""
    if count <= 0:
        return 1.0
    if dispersion <= 1.0 + 1e-9:
        log_pmf = _poisson_log_pmf(mean)
    else:
        log_pmf = _negbin_log_pmf(mean, mean / (dispersion - 1.0))
    total, k = 0.0, count
    limit = count + 50 + int(20 * math.sqrt(mean * dispersion + 1))
    while k < limit:
        term = math.exp(log_pmf(k))
        total += term
        if term < 1e-16 * max(total, 1e-300) and k > mean * dispersion:
            break
        k += 1
    return min(total, 1.0)


def _poisson_log_pmf(mean: float):
    log_mean = math.log(mean)
    return lambda k: k * log_mean - mean - math.lgamma(k + 1)


def _negbin_log_pmf(mean: float, size: float):
    # size r, success probability p = r / (r + mean): mean r(1-p)/p = mean, variance mean(1 + mean/r).
    log_p, log_q = math.log(size / (size + mean)), math.log(mean / (size + mean))
    base = -math.lgamma(size)
    return lambda k: math.lgamma(k + size) + base - math.lgamma(k + 1) + size * log_p + k * log_q
