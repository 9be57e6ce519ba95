"""The console's insight background work: the message-stream consumer (bot/insight/stream.py)
and, every few minutes, the overdue sweep that counts appeals nobody moved past their due
time (督办) — no change event reports those. The consumer has its own Redis connection: its
blocking XREAD never holds one the pages need."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator

from aiohttp import web
from redis.asyncio import Redis

from bot.console.appkeys import APPEALS, REDIS, SETTINGS
from bot.insight.ingest import Insight
from bot.insight.stream import consume
from bot.redis_keys import RedisKeys

logger = logging.getLogger(__name__)
OVERDUE_EVERY_S = 5 * 60


async def insight_ctx(app: web.Application) -> AsyncIterator[None]:
    keys = RedisKeys(app[SETTINGS].key_prefix)
    reader = Redis.from_url(app[SETTINGS].redis.url, decode_responses=True)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(_consume(reader, keys, stop), name="insight-consumer"),
             asyncio.create_task(_overdue(app, keys), name="insight-overdue")]
    yield
    stop.set()
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await reader.close(close_connection_pool=True)


async def _consume(reader: Redis, keys: RedisKeys, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await consume(reader, keys, stop)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - keep counting after a bad record or a restart
            logger.error("insight consumer stopped: %s; restarting", error.__class__.__name__, exc_info=error)
            await asyncio.sleep(5)


async def _overdue(app: web.Application, keys: RedisKeys) -> None:
    while True:
        await asyncio.sleep(OVERDUE_EVERY_S)
        try:
            late = await app[APPEALS].overdue()
            await Insight(app[REDIS], keys).count_overdue(late)
        except Exception as error:  # noqa: BLE001 - the next sweep tries again
            logger.warning("insight overdue sweep failed: %s", error.__class__.__name__)
