"""The channel's connections (Redis, the WeChat API), created once per event loop, and the
background replay of follow-ups spooled while Redis was down."""
from __future__ import annotations

import asyncio
import logging
from typing import Optional

from redis.asyncio import Redis

from bot.escalations import EscalationStore
from bot.follow_up import BUSY_TEXT, FollowUps
from bot.follow_up_spool import FollowUpSpool
from bot.appeals.evidence import FilingMarks
from bot.appeals.store import AppealStore
from bot.redis_keys import RedisKeys
from bot.settings import Settings
from channels.wechat.api_client import WeChatApiClient
from channels.wechat.ledger import InboundLedger, Outcome
from channels.wechat.outbox import Outbox
from channels.wechat.records import WeChatRecords

logger = logging.getLogger(__name__)

# A dead or hung Redis must fail a call quickly, so the worker still gets an answer in time.
REDIS_CONNECT_TIMEOUT_S = 1.0
REDIS_TIMEOUT_S = 2.0
REPLAY_INTERVAL_S = 3.0


class ChannelRuntime:
    def __init__(self, settings: Settings):
        self.keys = RedisKeys(settings.key_prefix)
        self.redis = Redis.from_url(settings.redis.url, decode_responses=True,
                                    socket_connect_timeout=REDIS_CONNECT_TIMEOUT_S,
                                    socket_timeout=REDIS_TIMEOUT_S)
        self.api = WeChatApiClient(settings.wechat_api_base, settings.wechat_appid, settings.wechat_secret,
                                   self.redis, self.keys)
        self.outbox = Outbox(self.api, self.redis, self.keys)
        self.ledger = InboundLedger(self.redis, self.keys)
        self.records = WeChatRecords(self.redis, self.keys)
        # Evidence sent after filing goes to the worker's open appeal (bot/appeals/evidence.py).
        self.appeals = AppealStore(self.redis, self.keys)
        self.filing_marks = FilingMarks(self.redis, self.keys)
        self.follow_ups = FollowUps(EscalationStore(self.redis, self.keys), FollowUpSpool(settings.follow_up_spool))
        self._replaying: Optional[asyncio.Task] = None

    def start_replay(self) -> None:
        """Replay spooled follow-ups in the background for as long as the server runs."""
        if self._replaying is None:
            self._replaying = asyncio.ensure_future(self._replay_forever())

    async def _replay_forever(self) -> None:
        while True:
            try:
                await self.follow_ups.replay(self._mark_answered)
            except Exception:  # the loop must outlive any single failure
                logger.exception("follow-up replay failed")
            await asyncio.sleep(REPLAY_INTERVAL_S)

    async def _mark_answered(self, message_key: str) -> None:
        # A WeChat retry of a message answered during the outage finds this and runs nothing.
        await self.ledger.settle_unless_known(message_key, Outcome(BUSY_TEXT, delivered_async=False))

    async def close(self) -> None:
        if self._replaying is not None:
            self._replaying.cancel()
        await self.api.close()
        await self.redis.close()

