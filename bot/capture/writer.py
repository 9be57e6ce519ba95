"""Writes finished records to the Redis Stream in the background, never in a turn's way.

Rasa calls an event broker's `publish()` synchronously on its event loop, in the middle of
saving a turn. So `submit()` only appends to a bounded in-memory queue; one task per process
sends the queue with the async Redis client (XADD MAXLEN ~ N). When Redis fails the task
keeps the records and tries again with a growing pause (1 s up to 30 s), so a short outage
loses nothing; past QUEUE_LIMIT waiting records the oldest are dropped (and counted), so an
outage never grows the process' memory without bound. Turns never wait for any of this.

Records older than the retention period (RETENTION_DAYS) are trimmed as well (XTRIM MINID, at
most every TRIM_EVERY_S), so a quiet deployment does not keep messages for years.

A record written just before a connection broke may be sent again (Redis did the XADD but the
answer was lost); readers dedupe on the record's `mid`.
"""
from __future__ import annotations

import asyncio
import collections
import logging
import time
from typing import Deque, Dict, Optional

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

QUEUE_LIMIT = 10_000
BATCH = 200
FIRST_PAUSE_S, LAST_PAUSE_S = 1.0, 30.0
TRIM_EVERY_S = 600.0


class StreamWriter:
    def __init__(self, redis: Redis, stream: str, maxlen: int, keep_s: float, queue_limit: int = QUEUE_LIMIT):
        self._redis = redis
        self._keep_s = keep_s
        self._trimmed_at = 0.0
        self._stream = stream
        self._maxlen = maxlen
        self._queue: Deque[Dict[str, str]] = collections.deque()
        self._queue_limit = queue_limit
        self._wake = asyncio.Event()
        self._task: Optional[asyncio.Task] = None
        self.dropped = 0
        self.written = 0

    def submit(self, record: Dict[str, str]) -> None:
        """Queue a record (never blocks); starts the writing task on first use."""
        if len(self._queue) >= self._queue_limit:
            self._queue.popleft()
            self.dropped += 1
            if self.dropped in (1, 100) or self.dropped % 1000 == 0:
                logger.warning("capture: %d records dropped while Redis could not be written", self.dropped)
        self._queue.append(record)
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="capture-stream-writer")

    @property
    def waiting(self) -> int:
        return len(self._queue)

    async def _run(self) -> None:
        pause = FIRST_PAUSE_S
        while True:
            if not self._queue:
                self._wake.clear()
                await self._wake.wait()
                continue
            try:
                await self._send_batch()
                pause = FIRST_PAUSE_S
            except (RedisError, OSError) as error:
                logger.warning("capture: Redis stream write failed (%s); %d records waiting, retry in %.0f s",
                               error.__class__.__name__, len(self._queue), pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, LAST_PAUSE_S)

    async def _send_batch(self) -> None:
        batch = [self._queue[i] for i in range(min(BATCH, len(self._queue)))]
        async with self._redis.pipeline(transaction=False) as pipe:
            for record in batch:
                pipe.xadd(self._stream, record, maxlen=self._maxlen, approximate=True)
            await pipe.execute()
        # Only now are they stored: drop exactly those (new records were appended behind them).
        for _ in batch:
            self._queue.popleft()
        self.written += len(batch)
        await self._trim_old()

    async def _trim_old(self) -> None:
        now = time.time()
        if now - self._trimmed_at < TRIM_EVERY_S:
            return
        self._trimmed_at = now
        await self._redis.xtrim(self._stream, minid=f"{int((now - self._keep_s) * 1000)}-0", approximate=True)

    async def drain(self, timeout_s: float) -> bool:
        """Wait until the queue is empty (True) or the timeout passes (False)."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while self._queue and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        return not self._queue

    async def close(self, timeout_s: float = 2.0) -> None:
        if self._queue and self._task is not None and not self._task.done():
            await self.drain(timeout_s)
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - shutting down either way
                pass
        await self._redis.close(close_connection_pool=True)
