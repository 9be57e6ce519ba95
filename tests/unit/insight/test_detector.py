"""The spike detector on synthetic series: real spikes are flagged; a weekly rhythm, noise and
small numbers are not."""
from __future__ import annotations

import random

from bot.insight.detector import BASELINE_DAYS, MIN_COUNT, assess, upper_tail

# Monday-first weekly shape of a busy topic: weekdays high, weekend low.
WEEK = [60, 55, 52, 50, 48, 20, 15]


def weekly_history(rng: random.Random, scale: float = 1.0) -> list:
    """28 days, oldest first, starting on the weekday of "today" (a Monday here)."""
    return [rng.randint(int(0.85 * WEEK[i % 7] * scale), int(1.15 * WEEK[i % 7] * scale)) for i in range(BASELINE_DAYS)]


def test_a_real_spike_is_flagged():
    history = weekly_history(random.Random(1))
    verdict = assess(history, 140)
    assert verdict.spike
    assert 45 < verdict.expected < 65 and verdict.p_value < 1e-6


def test_a_busy_monday_is_the_weekly_rhythm_not_a_spike():
    rng = random.Random(2)
    for seed in range(50):
        history = weekly_history(random.Random(seed))
        monday = int(WEEK[0] * rng.uniform(0.9, 1.2))
        assert not assess(history, monday).spike, (seed, monday)


def test_the_weekend_level_on_a_weekday_would_not_hide_a_weekend_spike():
    # "today" is a Sunday: history[0] is a Sunday, so expected ≈ 15, and 60 is a spike.
    history = [WEEK[(6 + i) % 7] for i in range(BASELINE_DAYS)]
    assert assess(history, 60).spike
    assert not assess(history, 18).spike


def test_a_quiet_district_with_three_messages_is_not_flagged():
    history = [0, 1, 0, 0, 0, 0, 0] * 4
    verdict = assess(history, 3)
    assert not verdict.spike and verdict.count < MIN_COUNT


def test_a_quiet_district_that_suddenly_gets_many_is_flagged():
    assert assess([0, 1, 0, 0, 0, 0, 0] * 4, 12).spike


def test_a_wandering_series_needs_more_than_poisson_would():
    steady = [50] * 28
    wandering = [20, 90, 35, 75, 50, 60, 40, 85, 30, 70, 25, 60, 45, 55,
                 40, 65, 20, 80, 35, 70, 50, 70, 35, 85, 40, 55, 30, 60]
    assert assess(steady, 80).spike
    verdict = assess(wandering, 80)
    assert verdict.dispersion > 3 and not verdict.spike
    assert upper_tail(80, verdict.expected) < 1e-3  # a Poisson tail alone would have cried wolf


def test_tail_probabilities():
    assert abs(upper_tail(1, 2.0) - (1 - 2.718281828 ** -2)) < 1e-6
    assert upper_tail(0, 5.0) == 1.0
    assert upper_tail(10, 3.0, 3.0) > upper_tail(10, 3.0)  # overdispersion fattens the tail
