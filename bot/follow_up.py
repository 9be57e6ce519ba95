"""Workers the bot could not answer, kept for staff to follow up — whatever is down.

A turn in which the bot said nothing although the conversation was not paused (the action
server down, an exception, Rasa or Redis failing) is answered with BUSY_TEXT by the channel,
and the worker goes into the human queue with the reason REASON_SYSTEM_BUSY. When Redis
itself is down the queue is out of reach, so the follow-up goes to a local spool
(bot/follow_up_spool.py) and is replayed into the queue when Redis is back. Channel-neutral:
any channel calls `record` with its own message key.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Awaitable, Callable, Optional

from redis.exceptions import RedisError

from bot.escalations import EscalationBusy, EscalationStore
from bot.follow_up_spool import FollowUpSpool

logger = logging.getLogger(__name__)

# The one text a worker gets when the system could not answer (every channel uses this).
BUSY_TEXT = ("抱歉，系统繁忙，这次没能及时回复您。您的留言已转给工作人员，会尽快跟进；"
             "着急的话请拨打12351职工服务热线（北京以外请拨010-12351）。")
REASON_SYSTEM_BUSY = "system_busy"
# What a Redis outage looks like from redis-py: refused or dropped connections, timeouts.
OUTAGE_ERRORS = (RedisError, OSError, asyncio.TimeoutError)
# Why the queue may not take a worker right now (then the spool keeps them).
QUEUE_UNAVAILABLE = (*OUTAGE_ERRORS, EscalationBusy)


class FollowUps:
    def __init__(self, escalations: EscalationStore, spool: FollowUpSpool, clock: Callable[[], float] = time.time):
        self._escalations = escalations
        self._spool = spool
        self._clock = clock

    async def record(self, openid: str, text: Optional[str], message_key: str, channel: str) -> str:
        """Put the worker in the human queue, or in the local spool if Redis is out of reach.

        Returns "queued" or "spooled" ("spooled" also for a retry already in the spool).
        """
        try:
            await self._queue(openid, text)
            return "queued"
        except QUEUE_UNAVAILABLE as error:
            logger.warning("human queue unavailable (%s); follow-up spooled to %s", error, self._spool.path)
        entry = {"openid": openid, "text": (text or "")[:500], "message_key": message_key,
                 "channel": channel, "at": self._clock()}
        await asyncio.to_thread(self._spool.append, entry)
        return "spooled"

    async def answered_during_outage(self, message_key: str) -> bool:
        """True for a message already answered (and spooled) while Redis was down: a retry of it
        must not run the bot once Redis is back."""
        return await asyncio.to_thread(self._spool.contains, message_key)

    async def replay(self, mark_answered: Callable[[str], Awaitable[None]]) -> int:
        """Move spooled follow-ups into the human queue; `mark_answered(message_key)` lets the
        channel record that the message was answered. Returns how many were delivered."""
        if not await asyncio.to_thread(self._spool.pending):
            return 0
        batch = await asyncio.to_thread(self._spool.open_batch)
        if batch is None:
            return 0
        delivered = 0
        try:
            for entry in batch.entries:
                if entry.get("openid"):  # a damaged entry is dropped, not retried for ever
                    await self._queue(entry["openid"], entry.get("text"))
                if entry.get("message_key"):
                    await mark_answered(entry["message_key"])
                delivered += 1
        except QUEUE_UNAVAILABLE as error:
            logger.info("follow-up replay paused, the human queue is still unavailable: %s", error)
        finally:
            await asyncio.to_thread(batch.close, batch.entries[delivered:])
        if delivered:
            logger.info("%d spooled follow-up(s) moved into the human queue", delivered)
        return delivered

    async def _queue(self, openid: str, text: Optional[str]) -> None:
        # escalate keeps an existing entry's place and reason, so a replay or a retry adds nothing twice.
        await self._escalations.escalate(openid, REASON_SYSTEM_BUSY, excerpt=text)
