"""Fill a Redis with a year of insight data for the benchmark and for trying the pages.

`python -m bot.insight.generate --days 365 --per-day 10000` writes the counters a year of
10,000 messages a day would leave (weekly rhythm, district sizes, topic mix, a few spikes),
through the same increment functions as the live ingest but summed per day, plus real
appeals filed through the appeal store for the last weeks (so evidence links open). Refuses
a Redis that already holds insight counters unless --force. Never touches other keys.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import defaultdict
from datetime import timedelta

from redis.asyncio import Redis

from bot.appeals import AppealStore
from bot.appeals.model import new_appeal
from bot.districts import CANONICAL
from bot.insight import counters
from bot.insight.ingest import Insight
from bot.insight.periods import day_of
from bot.redis_keys import RedisKeys

TOPICS = {"wage_arrears": 18, "overtime_pay": 9, "labor_contract": 8, "dismissal": 8, "social_insurance": 10,
          "work_injury": 5, "resignation": 6, "annual_leave": 4, "maternity": 3, "labor_arbitration": 5,
          "platform_workers": 4, "union_membership": 3, "mutual_aid": 2, "hardship_aid": 2, "greet": 6,
          "file_appeal": 3, "check_appeal_status": 2, "fallback": 2}
DISTRICT_SIZE = {"朝阳区": 16, "海淀区": 14, "丰台区": 9, "大兴区": 8, "通州区": 7, "昌平区": 8, "西城区": 6,
                 "东城区": 5, "顺义区": 5, "房山区": 5, "石景山区": 3, "北京经济技术开发区": 3, "门头沟区": 1.5,
                 "怀柔区": 1.5, "平谷区": 1.2, "密云区": 1.5, "延庆区": 1}
WEEKDAY = [1.25, 1.1, 1.05, 1.0, 0.95, 0.55, 0.45]
CHANNELS = {"wechat": 0.8, "hotline": 0.2}
APPEAL_SHARE = 0.01
EMPLOYERS = ["北京宏达建筑有限公司", "宏达建筑", "顺达物流", "金鼎餐饮管理有限公司", "华信科技", "恒通劳务派遣"]


def _split(total: int, weights: dict, rng: random.Random) -> dict:
    names, shares = list(weights), list(weights.values())
    whole = sum(shares)
    return {name: max(int(rng.gauss(total * share / whole, (total * share / whole) ** 0.5)), 0)
            for name, share in zip(names, shares)}


def day_increments(day, per_day: int, rng: random.Random, surge: float = 1.0):
    """Counters of one simulated day (message counts by channel × district × topic)."""
    increments = defaultdict(lambda: defaultdict(float))
    total = int(per_day * WEEKDAY[day.weekday()] * surge)
    for channel, channel_total in _split(total, CHANNELS, rng).items():
        for district, district_total in _split(channel_total, DISTRICT_SIZE, rng).items():
            for topic, count in _split(district_total, TOPICS, rng).items():
                if count:
                    counters.message_increments(day, channel, district, topic, False, count, increments)
            crisis = rng.random() < district_total / 40000
            if crisis:
                counters.message_increments(day, channel, district, "report_emergency", True, 1, increments)
    return increments


def appeal_increments(day, per_day: int, rng: random.Random, increments):
    total = int(per_day * APPEAL_SHARE * WEEKDAY[day.weekday()])
    for district, count in _split(total, DISTRICT_SIZE, rng).items():
        for _ in range(count):
            appeal = new_appeal("GH0", 0.0, description="生成数据", category=rng.choice(list(TOPICS)[:10]),
                                district=district, openid="o_generated", headcount=rng.choice([1, 1, 1, 3, 12]),
                                channel=rng.choice(["wechat", "wechat", "hotline"]))
            counters.filing_increments(appeal, day, increments)
            metrics = {"fa_n": 1, "fa_s": rng.expovariate(1 / (6 * 3600 * DISTRICT_SIZE[district] ** 0.3)),
                       "rs_n": 1, "rs_s": rng.expovariate(1 / (5 * 86400)), "sat_n": 1,
                       "sat_s": rng.choice([5, 5, 4, 4, 3, 2, 5]) if DISTRICT_SIZE[district] > 2 else rng.choice([5, 4, 4, 3])}
            if rng.random() < 0.08:
                metrics["late"] = 1
            if rng.random() < 0.04:
                metrics["reo"] = 1
            counters.district_metric_increments(appeal, day, metrics, increments)


async def generate(redis: Redis, keys: RedisKeys, days: int, per_day: int, seed: int = 12351,
                   live_appeals: int = 40, burst_district: bool = True) -> dict:
    rng = random.Random(seed)
    insight = Insight(redis, keys)
    today = day_of(time.time())
    started = time.perf_counter()
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        surge = 1.6 if back in (9, 40, 120) else 1.0  # a few city-wide surges to find
        increments = day_increments(day, per_day, rng, surge)
        appeal_increments(day, per_day, rng, increments)
        await insight.apply(increments)
    filed = await _file_live(redis, keys, rng, live_appeals)
    burst = await _burst(insight, per_day) if burst_district else 0
    return {"days": days, "per_day": per_day, "seconds": round(time.perf_counter() - started, 1), "appeals_filed": filed,
            "burst_messages": burst}


async def _burst(insight: Insight, per_day: int, district: str = "延庆区") -> int:
    """Today, live through the detector: a district's wage-arrears messages at ~2.5× its usual
    day, so the spike warning (with its messages as evidence) can be seen on the pages."""
    usual = per_day * DISTRICT_SIZE[district] / sum(DISTRICT_SIZE.values())
    count = int(2.5 * usual)
    now = time.time()
    for n in range(count):
        await insight.record_message("wechat", district, "wage_arrears", now - (count - n), False,
                                     text=f"延庆工地老板跑了，工钱没结（生成消息 {n + 1}）", sender=f"o_gen_burst_{n % 40}")
    return count


async def _file_live(redis: Redis, keys: RedisKeys, rng: random.Random, count: int) -> int:
    """Real appeals through the store (today), so warnings, evidence and 考核 have records."""
    store = AppealStore(redis, keys)
    for n in range(count):
        district = rng.choice(CANONICAL)
        appeal = await store.create(description="公司拖欠工资两个月", category=rng.choice(["wage_arrears", "social_insurance", "dismissal"]),
                                    employer=rng.choice(EMPLOYERS), district=district, openid=f"o_gen_{n}",
                                    headcount=rng.choice([1, 2, 15]), channel="wechat")
        if n % 3 == 0:
            await store.transition(appeal.ticket_id, "assigned", "staff:generator", queue=f"district:{district}")
    return count


def main(argv=None) -> int:
    from bot.settings import settings_or_exit

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=10_000)
    parser.add_argument("--force", action="store_true", help="add to a Redis that already has insight counters")
    args = parser.parse_args(argv)
    settings = settings_or_exit()

    async def run() -> dict:
        redis = Redis.from_url(settings.redis.url, decode_responses=True)
        keys = RedisKeys(settings.key_prefix)
        try:
            if not args.force and await redis.exists(keys.insight_counts(str(day_of(time.time()) - timedelta(days=1)), "*", "*")):
                sys.exit("insight counters already present here (use --force to add more)")
            return await generate(redis, keys, args.days, args.per_day)
        finally:
            await redis.close(close_connection_pool=True)

    print(asyncio.run(run()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
