"""The retention sweep (bot/retention.py) run by the console once a day, so a deployment
started with `make run` keeps nothing past RETENTION_DAYS without a cron job. Each run is
recorded in the audit log. `python -m bot.retention` does the same by hand or from cron."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator

from aiohttp import web

from bot.console.appkeys import AUDIT, REDIS, SETTINGS
from bot.redis_keys import RedisKeys
from bot.retention import RetentionSweep
from bot.trackers.hook import EventLogTrackerHook

logger = logging.getLogger(__name__)
FIRST_RUN_S = 10 * 60  # after start-up, out of the way of the first requests
EVERY_S = 24 * 60 * 60


async def retention_ctx(app: web.Application) -> AsyncIterator[None]:
    task = asyncio.create_task(_daily(app), name="retention-sweep")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _daily(app: web.Application) -> None:
    await asyncio.sleep(FIRST_RUN_S)
    while True:
        await run_once(app)
        await asyncio.sleep(EVERY_S)


async def run_once(app: web.Application) -> dict:
    settings = app[SETTINGS]
    try:
        keys = RedisKeys(settings.key_prefix)
        trackers = EventLogTrackerHook(app[REDIS], keys, settings.retention_days * 24 * 3600)
        summary = await RetentionSweep(app[REDIS], keys, settings.retention_days, trackers).run()
    except Exception as error:  # noqa: BLE001 - tomorrow's run tries again; the console stays up
        logger.error("retention sweep failed: %s", error.__class__.__name__, exc_info=error)
        return {}
    counts = {name: value for name, value in summary.items() if isinstance(value, int) and not isinstance(value, bool)}
    await app[AUDIT].record("system", "retention_sweep", "", "", **counts)
    logger.info("retention sweep: %s", counts)
    return summary
