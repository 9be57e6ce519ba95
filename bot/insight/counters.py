"""Which counters a message or an appeal change moves: pure, so the ingest, the stream
consumer and the generator apply exactly the same increments.

A counter hash is one period (day and month) × one channel (or "*") × one district (or "*",
"-" when none was named). Fields:
  m, t:<topic>, crisis          messages, by topic, crisis messages
  a, c:<category>, col          appeals filed, by category, collective
  md:<district>, ad:<district>  (district "*" only) messages / appeals per district
  x:<district>:<metric>         (district "*" only) the district union's response figures:
      fa_n fa_s  first actions and their summed delay (s)   rs_n rs_s  resolutions, delay (s)
      late  appeals that went overdue (督办)                 sat_n sat_s  回访 ratings, summed
      reo  re-opened (重办)
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Dict, Iterable, Optional, Tuple

from bot.appeals.model import Appeal
from bot.appeals.status import Status
from bot.appeals.validation import DISTRICT_QUEUE
from bot.insight.periods import day_key, month_key

ALL = "*"
NO_DISTRICT = "-"
Cut = Tuple[str, str, str]  # (period, channel, district)
Increments = Dict[Cut, Dict[str, float]]


def district_or_none(value: Optional[str]) -> str:
    return value or NO_DISTRICT


def appeal_district(appeal: Appeal) -> str:
    """The district an appeal counts for: where it happened, else the union that owns it."""
    if appeal.district:
        return appeal.district
    if appeal.queue and appeal.queue.startswith(DISTRICT_QUEUE):
        return appeal.queue[len(DISTRICT_QUEUE):]
    return NO_DISTRICT


def _cuts(day: date, channel: str, district: str) -> Iterable[Cut]:
    for period in (day_key(day), month_key(day)):
        for chan in (channel, ALL):
            for place in (district, ALL):
                yield period, chan, place


def message_increments(day: date, channel: str, district: Optional[str], topic: str, is_crisis: bool,
                       count: int = 1, into: Optional[Increments] = None) -> Increments:
    out = into if into is not None else defaultdict(lambda: defaultdict(float))
    place = district_or_none(district)
    for cut in _cuts(day, channel, place):
        fields = out[cut]
        fields["m"] += count
        fields[f"t:{topic}"] += count
        if is_crisis:
            fields["crisis"] += count
        if cut[2] == ALL:
            fields[f"md:{place}"] += count
    return out


def filing_increments(appeal: Appeal, day: date, into: Optional[Increments] = None, count: int = 1) -> Increments:
    out = into if into is not None else defaultdict(lambda: defaultdict(float))
    place = appeal_district(appeal)
    for cut in _cuts(day, appeal.channel, place):
        fields = out[cut]
        fields["a"] += count
        fields[f"c:{appeal.category}"] += count
        if appeal.collective:
            fields["col"] += count
        if cut[2] == ALL:
            fields[f"ad:{place}"] += count
    return out


def response_metrics(before: Appeal, after: Appeal, now: float) -> Dict[str, float]:
    """What the move from `before` to `after` tells about the union's response."""
    found: Dict[str, float] = {}
    # Withdrawn by the worker or closed as a duplicate: no union acted on it.
    if before.status is Status.SUBMITTED and after.status.value not in ("submitted", "cancelled", "merged"):
        found.update(fa_n=1, fa_s=max(now - after.created_at, 0.0))
    if after.status is Status.RESOLVED and before.status is not Status.RESOLVED:
        found.update(rs_n=1, rs_s=max(now - after.created_at, 0.0))
    if after.status is Status.REVISITED and before.status is not Status.REVISITED and after.satisfaction:
        found.update(sat_n=1, sat_s=float(after.satisfaction))
    if after.reopened > before.reopened:
        found["reo"] = after.reopened - before.reopened
    return found


def district_metric_increments(appeal: Appeal, day: date, metrics: Dict[str, float],
                               into: Optional[Increments] = None) -> Increments:
    out = into if into is not None else defaultdict(lambda: defaultdict(float))
    place = appeal_district(appeal)
    for period in (day_key(day), month_key(day)):
        for chan in (appeal.channel, ALL):
            fields = out[(period, chan, ALL)]
            for metric, value in metrics.items():
                fields[f"x:{place}:{metric}"] += value
    return out
