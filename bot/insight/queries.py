"""What the insight pages show, summed from the counter hashes (counters.py) of a window.

A window costs one HGETALL per whole month plus one per loose day, for the window and the
previous one, and one HMGET per day for the daily chart: no record is read.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Dict, List, Optional

from redis.asyncio import Redis

from bot.districts import CANONICAL
from bot.insight.counters import ALL, NO_DISTRICT
from bot.insight.labels import district_label, topic_label
from bot.insight.periods import Window, day_key, days, periods
from bot.redis_keys import RedisKeys

MAP_DISTRICTS = tuple(name for name in CANONICAL if name != "北京经济技术开发区")  # the 16 on the map


# Sums the counter hashes inside Redis: one reply of a few hundred fields instead of every
# hash of the window (redis-py's reply parser, not Redis, was the cost of a page).
SUM_LUA = """
local sums, order = {}, {}
for _, key in ipairs(KEYS) do
  local flat = redis.call('HGETALL', key)
  for i = 1, #flat, 2 do
    local field = flat[i]
    if sums[field] == nil then sums[field] = 0; order[#order + 1] = field end
    sums[field] = sums[field] + tonumber(flat[i + 1])
  end
end
local out = {}
for _, field in ipairs(order) do out[#out + 1] = field; out[#out + 1] = string.format('%.0f', sums[field]) end
return out
"""


async def totals(redis: Redis, keys: RedisKeys, window: Window, channel: str = ALL, district: str = ALL) -> Dict[str, float]:
    names = [keys.insight_counts(period, channel, district) for period in periods(window.since, window.until)]
    flat = await redis.register_script(SUM_LUA)(keys=names)
    summed: Dict[str, float] = defaultdict(float)
    for field, value in zip(flat[::2], flat[1::2]):
        summed[field] = float(value)
    return summed


async def daily(redis: Redis, keys: RedisKeys, window: Window, channel: str = ALL, district: str = ALL) -> List[dict]:
    every = days(window.since, window.until)
    async with redis.pipeline(transaction=False) as pipe:
        for day in every:
            pipe.hmget(keys.insight_counts(day_key(day), channel, district), "m", "a", "crisis")
        values = await pipe.execute()
    return [{"day": day_key(day), "messages": int(float(m or 0)), "appeals": int(float(a or 0)),
             "crisis": int(float(c or 0))} for day, (m, a, c) in zip(every, values)]


def ranked(now: Dict[str, float], before: Dict[str, float], prefix: str, limit: int = 15) -> List[dict]:
    """Topics under `prefix` ("t:" messages, "c:" appeal categories), biggest first, with change."""
    rows = []
    for field, count in now.items():
        if field.startswith(prefix) and count > 0:
            topic = field[len(prefix):]
            previous = before.get(field, 0.0)
            rows.append({"topic": topic, "label": topic_label(topic), "count": int(count), "previous": int(previous),
                         "change": _change(count, previous)})
    rows.sort(key=lambda row: (-row["count"], row["topic"]))
    return rows[:limit]


def district_rows(now: Dict[str, float], before: Dict[str, float], visible: List[str]) -> List[dict]:
    """Per district: messages, appeals (with change), 回访 satisfaction, and the 考核 figures."""
    rows = []
    for district in visible:
        x = lambda metric, src=now: src.get(f"x:{district}:{metric}", 0.0)  # noqa: E731
        received, previous = now.get(f"ad:{district}", 0.0), before.get(f"ad:{district}", 0.0)
        row = {
            "district": district, "label": district_label(district),
            "messages": int(now.get(f"md:{district}", 0.0)), "appeals": int(received),
            "appeals_previous": int(previous), "appeals_change": _change(received, previous),
            "first_action_h": _mean(x("fa_s"), x("fa_n"), 3600),
            "resolution_d": _mean(x("rs_s"), x("rs_n"), 86400),
            "overdue_share": _share(x("late"), received),
            "satisfaction": _mean(x("sat_s"), x("sat_n")),
            "ratings": int(x("sat_n")),
            "reopened_share": _share(x("reo"), x("rs_n")),
            "resolved": int(x("rs_n")),
        }
        prior = {
            "first_action_h": _mean(x("fa_s", before), x("fa_n", before), 3600),
            "overdue_share": _share(x("late", before), previous),
            "satisfaction": _mean(x("sat_s", before), x("sat_n", before)),
            "reopened_share": _share(x("reo", before), x("rs_n", before)),
        }
        row["score"] = score(row)
        row["previous_score"] = score({**row, **prior}) if previous else None
        row["trend"] = None if row["previous_score"] is None or row["score"] is None else round(row["score"] - row["previous_score"], 1)
        rows.append(row)
    return rows


def score(row: dict) -> Optional[float]:
    """考核 score 0-100 (README): timeliness, 督办, 回访 and 重办 weighted 30/30/25/15. None without appeals."""
    if not row.get("appeals") and not row.get("resolved"):
        return None
    speed = 1.0 if row["first_action_h"] is None else max(0.0, 1 - row["first_action_h"] / 48)
    on_time = 1 - (row["overdue_share"] or 0.0)
    pleased = 0.6 if row["satisfaction"] is None else row["satisfaction"] / 5
    kept = 1 - (row["reopened_share"] or 0.0)
    return round(100 * (0.30 * speed + 0.30 * on_time + 0.25 * pleased + 0.15 * kept), 1)


def visible_districts(remit: Optional[str]) -> List[str]:
    return [remit] if remit else [*CANONICAL, NO_DISTRICT]


def _change(now: float, before: float) -> Optional[float]:
    return None if not before else round(100 * (now - before) / before, 1)


def _mean(total: float, count: float, unit: float = 1.0) -> Optional[float]:
    return None if not count else round(total / count / unit, 1 if unit > 1 else 2)


def _share(part: float, whole: float) -> Optional[float]:
    return None if not whole else round(min(part / whole, 1.0), 3)


async def overview(redis: Redis, keys: RedisKeys, window: Window, channel: str, district: Optional[str],
                   remit: Optional[str]) -> dict:
    """Everything the overview page, its API and the reports show for one filter choice.
    `district`: the filter (None = all the caller may see); `remit`: the caller's own district
    (None = city), which limits the district breakdown whatever the filter."""
    cut = district or remit or ALL
    previous = window.previous()
    now, before = await totals(redis, keys, window, channel, cut), await totals(redis, keys, previous, channel, cut)
    everywhere = now if cut == ALL else await totals(redis, keys, window, channel, ALL)
    everywhere_before = before if cut == ALL else await totals(redis, keys, previous, channel, ALL)
    shown = [district] if district else visible_districts(remit)
    rows = district_rows(everywhere, everywhere_before, shown)
    return {
        "since": day_key(window.since), "until": day_key(window.until),
        "previous": {"since": day_key(previous.since), "until": day_key(previous.until)},
        "channel": channel, "district": district,
        "totals": {"messages": int(now.get("m", 0)), "appeals": int(now.get("a", 0)),
                   "crisis": int(now.get("crisis", 0)), "collective": int(now.get("col", 0))},
        "totals_previous": {"messages": int(before.get("m", 0)), "appeals": int(before.get("a", 0))},
        "daily": await daily(redis, keys, window, channel, cut),
        "topics": ranked(now, before, "t:"),
        "categories": ranked(now, before, "c:"),
        "districts": rows,
        "map": [{"name": row["district"], "value": row["appeals"]} for row in rows if row["district"] in MAP_DISTRICTS],
    }


async def assessment(redis: Redis, keys: RedisKeys, window: Window, channel: str, remit: Optional[str]) -> dict:
    """考核: every visible district union's figures for the window, ranked by score, with trend."""
    now = await totals(redis, keys, window, channel, ALL)
    before = await totals(redis, keys, window.previous(), channel, ALL)
    rows = [row for row in district_rows(now, before, visible_districts(remit)) if row["district"] != NO_DISTRICT]
    rows.sort(key=lambda row: (row["score"] is None, -(row["score"] or 0), row["district"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank if row["score"] is not None else None
    return {"since": day_key(window.since), "until": day_key(window.until), "channel": channel, "rows": rows}
