"""Ingest: a message or an appeal change arrives → counters move, evidence is kept, detectors run.

`record_message` is fed by the stream consumer (stream.py), `record_appeal` by the appeal
store's hook (hook.py). Both apply the pure increments of counters.py in one MULTI, then run
the detectors on the series they touched, so a warning appears with the message that tips it.
"""
from __future__ import annotations

import json
import logging
import time
from datetime import date, timedelta
from typing import Iterable, List, Optional, Tuple

from redis.asyncio import Redis

from bot.appeals.model import Appeal
from bot.insight import counters, detector
from bot.insight import warnings as kinds
from bot.insight.counters import ALL, Increments
from bot.insight.employers import employer_key
from bot.insight.labels import topic_label
from bot.insight.periods import day_key, day_of
from bot.insight.warnings import WarningStore
from bot.redis_keys import RedisKeys

logger = logging.getLogger(__name__)
DAY_S = 24 * 3600
SAMPLES_KEPT = 50
SAMPLES_TTL_S = 40 * DAY_S
TEXT_KEPT = 200
CLUSTER_SIZE = 3
CLUSTER_WINDOW_S = 7 * DAY_S
EMPLOYER_KEPT_S = 30 * DAY_S
SPIKE_TTL_S = 2 * DAY_S  # one warning per series and day (the key outlives the day)

Series = Tuple[str, str, str, List[str]]  # (series name, district cut, counter field, districts)


class Insight:
    def __init__(self, redis: Redis, keys: RedisKeys, clock=time.time):
        self.redis, self.keys, self.clock = redis, keys, clock
        self.warnings = WarningStore(redis, keys, clock)

    # --- messages --------------------------------------------------------------------------
    async def record_message(self, channel: str, district: Optional[str], topic: str, when: float,
                             is_crisis: bool, text: str = "", sender: str = "", count: int = 1,
                             detect: bool = True) -> None:
        day = day_of(when)
        increments = counters.message_increments(day, channel, district, topic, is_crisis, count)
        sample = {"kind": "message", "at": when, "channel": channel, "district": district, "topic": topic,
                  "sender": sender, "text": (text or "")[:TEXT_KEPT]}
        series = message_series(topic, district)
        await self._apply(increments, day, [name for name, *_ in series], sample)
        if detect:
            await self._detect(day, series, kinds.SPIKE_TOPIC, kinds.SPIKE_DISTRICT, ("消息", "条"))
        if is_crisis and detect:
            await self.warnings.raise_once(
                f"crisis:{sender or when}:{day_key(day)}", DAY_S, kinds.CRISIS,
                f"危机求助：{district or '未注明区'}职工消息需立即关注", [district or "-"],
                {"count": 1}, {"messages": [sample]})

    # --- appeals ---------------------------------------------------------------------------
    async def record_appeal(self, before: Optional[Appeal], after: Appeal, now: Optional[float] = None,
                            detect: bool = True) -> None:
        now = self.clock() if now is None else now
        if before is None:
            await self._filed(after, detect)
            return
        metrics = counters.response_metrics(before, after, now)
        if before.overdue(now) and after.status is not before.status:
            metrics.update(await self._late_once(after))
        if metrics:
            await self._apply(counters.district_metric_increments(after, day_of(now), metrics))
        if detect and after.collective and not before.collective:
            await self._collective(after)

    async def count_overdue(self, late: Iterable[Appeal]) -> int:
        """Open appeals past their due time, each counted once as overdue (督办): the sweep
        that catches appeals nobody touched, which no change event would report."""
        counted = 0
        for appeal in late:
            metrics = await self._late_once(appeal)
            if metrics:
                await self._apply(counters.district_metric_increments(appeal, day_of(appeal.created_at), metrics))
                counted += 1
        return counted

    async def _late_once(self, appeal: Appeal) -> dict:
        added = await self.redis.sadd(self.keys.insight_overdue_counted(), appeal.ticket_id)
        return {"late": 1} if added else {}

    async def _filed(self, appeal: Appeal, detect: bool) -> None:
        day = day_of(appeal.created_at)
        place = counters.appeal_district(appeal)
        sample = {"kind": "appeal", "at": appeal.created_at, "ticket": appeal.ticket_id, "district": place,
                  "category": appeal.category, "employer": appeal.employer or "", "channel": appeal.channel}
        series = appeal_series(appeal.category, place)
        await self._apply(counters.filing_increments(appeal, day), day, [name for name, *_ in series], sample)
        if not detect:
            return
        await self._detect(day, series, kinds.SPIKE_TOPIC, kinds.SPIKE_DISTRICT, ("诉求", "件"))
        await self._employer_cluster(appeal, place)
        if appeal.collective:
            await self._collective(appeal)
        if appeal.emergency:
            await self.warnings.raise_once(
                f"crisis:{appeal.ticket_id}", 30 * DAY_S, kinds.CRISIS,
                f"紧急诉求 {appeal.ticket_id}（{topic_label(appeal.category)}）", [place], {"count": 1},
                {"tickets": [appeal.ticket_id]})

    async def _collective(self, appeal: Appeal) -> None:
        place = counters.appeal_district(appeal)
        people = f"{appeal.headcount}人" if appeal.headcount else "多人"
        await self.warnings.raise_once(
            f"collective:{appeal.ticket_id}", 30 * DAY_S, kinds.COLLECTIVE,
            f"群体性诉求：{appeal.employer or '未注明单位'}（{people}，{topic_label(appeal.category)}）",
            [place], {"count": appeal.headcount or 0}, {"tickets": [appeal.ticket_id]})

    async def _employer_cluster(self, appeal: Appeal, place: str) -> None:
        key = employer_key(appeal.employer)
        if key is None:
            return
        index = self.keys.insight_employer(key)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(index, {f"{appeal.ticket_id}|{place}": appeal.created_at})
            pipe.zremrangebyscore(index, "-inf", appeal.created_at - EMPLOYER_KEPT_S)
            pipe.zrangebyscore(index, appeal.created_at - CLUSTER_WINDOW_S, "+inf", withscores=True)
            pipe.expire(index, EMPLOYER_KEPT_S)
            recent = (await pipe.execute())[2]
        if len(recent) < CLUSTER_SIZE:
            return
        districts = {member.split("|", 1)[1] for member, _ in recent}
        subject = f"employer:{key}"
        existing = await self.warnings.open_about(subject)
        if existing:
            await self.warnings.add_districts(existing, districts)
            return
        await self.warnings.raise_once(
            subject, CLUSTER_WINDOW_S, kinds.EMPLOYER,
            f"同一单位集中投诉：「{appeal.employer}」7天内{len(recent)}件诉求", districts,
            {"count": len(recent)}, {"employer_key": key, "since": min(score for _, score in recent)})

    # --- shared ----------------------------------------------------------------------------
    async def apply(self, increments: Increments, pipe=None) -> None:
        """Add `increments` to the counter hashes (in `pipe` when given, else in one MULTI)."""
        if pipe is not None:
            _queue_increments(pipe, self.keys, increments)
            return
        async with self.redis.pipeline(transaction=True) as own:
            _queue_increments(own, self.keys, increments)
            await own.execute()

    async def _apply(self, increments: Increments, day: Optional[date] = None, series: Iterable[str] = (),
                     sample: Optional[dict] = None) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            _queue_increments(pipe, self.keys, increments)
            if sample is not None:
                raw = json.dumps(sample, ensure_ascii=False)
                for name in series:
                    key = self.keys.insight_samples(day_key(day), name)
                    pipe.lpush(key, raw)
                    pipe.ltrim(key, 0, SAMPLES_KEPT - 1)
                    pipe.expire(key, SAMPLES_TTL_S)
            await pipe.execute()

    async def _detect(self, day: date, series: List[Series], topic_kind: str, district_kind: str, unit: tuple) -> None:
        for name, place, field, districts in series:
            today = int(float(await self.redis.hget(self.keys.insight_counts(day_key(day), ALL, place), field) or 0))
            if today < detector.MIN_COUNT or not _checkpoint(today):
                continue
            verdict = detector.assess(await self.history(day, place, field), today)
            if not verdict.spike:
                continue
            kind = district_kind if name.startswith(("m:", "a:")) else topic_kind
            what = place if kind == district_kind else f"话题「{topic_label(name.split(':', 1)[1])}」"
            noun, measure = unit
            await self.warnings.raise_once(
                f"spike:{day_key(day)}:{name}", SPIKE_TTL_S, kind,
                f"{what}{noun}激增：{day_key(day)} 已 {today} {measure}，平时约 {verdict.expected:.0f} {measure}",
                districts, verdict.figures(), {"day": day_key(day), "series": name})

    async def history(self, day: date, place: str, field: str) -> List[int]:
        """The BASELINE_DAYS daily counts of one counter before `day`, oldest first."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for back in range(detector.BASELINE_DAYS, 0, -1):
                pipe.hget(self.keys.insight_counts(day_key(day - timedelta(days=back)), ALL, place), field)
            return [int(float(value or 0)) for value in await pipe.execute()]

    async def samples(self, day: str, series: str) -> List[dict]:
        raws = await self.redis.lrange(self.keys.insight_samples(day, series), 0, SAMPLES_KEPT - 1)
        return [json.loads(raw) for raw in raws]


def message_series(topic: str, district: Optional[str]) -> List[Series]:
    found: List[Series] = [(f"t:{topic}", ALL, f"t:{topic}", [])]
    if district:
        found.append((f"m:{district}", district, "m", [district]))
    return found


def appeal_series(category: str, place: str) -> List[Series]:
    found: List[Series] = [(f"c:{category}", ALL, f"c:{category}", [])]
    if place != counters.NO_DISTRICT:
        found.append((f"a:{place}", place, "a", [place]))
    return found


def _checkpoint(count: int) -> bool:
    """Run the detector at every count up to 50, then every 10th: a busy series costs a few
    reads per ten messages, and a spike is still caught within ten messages of tipping."""
    return count <= 50 or count % 10 == 0


def _queue_increments(pipe, keys: RedisKeys, increments: Increments) -> None:
    for (period, channel, district), fields in increments.items():
        key = keys.insight_counts(period, channel, district)
        for field, value in fields.items():
            # Whole numbers only (delays in seconds): HINCRBY fails on a field once made a float.
            pipe.hincrby(key, field, int(round(value)))
