"""`make bench` (insight part): insight pages on a year of data at 10,000 messages a day.

Starts a private Redis, fills it with bot.insight.generate (365 days × 10,000 messages, the
counters the live ingest would leave, plus live appeals), serves the console in-process and
signs in as city staff, then times REQUESTS requests of each page: the overview (last 7 days,
and a whole year), the map, the assessment (last 30 days). Measures the Redis memory the
insight keys use (MEMORY USAGE summed over them). Results: benchmarks/results/insight.json.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from bot.console.accounts import CITY, DISTRICT, AccountStore
from bot.console.app import init_app
from bot.insight.generate import generate
from bot.redis_keys import RedisKeys
from bot.redis_server import free_port, start_redis
from bot.settings import ROOT, Settings

RESULTS = ROOT / "benchmarks" / "results"
DAYS = int(os.environ.get("INSIGHT_BENCH_DAYS", "365"))
PER_DAY = int(os.environ.get("INSIGHT_BENCH_PER_DAY", "10000"))
REQUESTS = int(os.environ.get("INSIGHT_BENCH_REQUESTS", "60"))
PASSWORD = "bench insight password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGES = {
    "overview_7d": "/insight",
    "overview_year": "/insight?from={year_ago}&to={today}",
    "map_30d": "/insight/map?from={month_ago}&to={today}",
    "assessment_30d": "/insight/assessment?from={month_ago}&to={today}",
    "overview_api_district_30d": "/api/insight/overview?from={month_ago}&to={today}&district=朝阳区",
}


async def insight_memory(redis: Redis, prefix: str) -> dict:
    total, count = 0, 0
    async for key in redis.scan_iter(match=f"{prefix}insight:*", count=1000):
        total += await redis.memory_usage(key) or 0
        count += 1
    return {"keys": count, "bytes": total, "mib": round(total / 2 ** 20, 1)}


async def sign_in(client: TestClient, username: str) -> None:
    form = await client.get("/login")
    token = CSRF.search(await form.text()).group(1)
    response = await client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                                 allow_redirects=False)
    assert response.status == 303, response.status


async def time_page(client: TestClient, path: str) -> dict:
    await client.get(path)  # warm
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = await client.get(path)
        await response.read()
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, (path, response.status)
    timings.sort()
    return {"p50_ms": round(statistics.median(timings), 1), "p99_ms": round(timings[int(0.99 * (len(timings) - 1))], 1),
            "max_ms": round(timings[-1], 1), "requests": REQUESTS}


async def run(url: str) -> dict:
    prefix = "bench:"
    redis = Redis.from_url(url, decode_responses=True)
    keys = RedisKeys(prefix)
    before = (await redis.info("memory"))["used_memory"]
    generated = await generate(redis, keys, DAYS, PER_DAY)
    after = (await redis.info("memory"))["used_memory"]
    memory = await insight_memory(redis, prefix)
    accounts = AccountStore(redis, keys)
    await accounts.create("city", PASSWORD, CITY, "市总")
    await accounts.create("chaoyang", PASSWORD, DISTRICT, "朝阳", district="朝阳区")
    settings = Settings.from_env({"REDIS_URL": url, "KEY_PREFIX": prefix})
    from datetime import date, timedelta
    today = date.today()
    dates = {"today": today, "year_ago": today - timedelta(days=364), "month_ago": today - timedelta(days=29)}
    pages = {}
    async with TestClient(TestServer(init_app(settings))) as client:
        await sign_in(client, "city")
        for name, path in PAGES.items():
            pages[name] = await time_page(client, path.format(**dates))
        await sign_in(client, "chaoyang")
        pages["overview_7d_district_staff"] = await time_page(client, "/insight")
    await redis.close(close_connection_pool=True)
    return {"generated": generated, "redis_used_memory_growth_mib": round((after - before) / 2 ** 20, 1),
            "insight_keys_memory": memory, "pages": pages, "budget_ms": 300,
            "machine_load": os.getloadavg()}


def main() -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="gh-bench-insight-"))
    port = free_port()
    process = start_redis(port, data_dir)
    try:
        result = asyncio.run(run(f"redis://127.0.0.1:{port}/0"))
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "insight.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
