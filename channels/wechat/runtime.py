"""The channel's connections (Redis, the WeChat API), created once per event loop."""
from __future__ import annotations

from redis.asyncio import Redis

from bot.appeals.evidence import FilingMarks
from bot.appeals.store import AppealStore
from bot.redis_keys import RedisKeys
from bot.settings import Settings
from channels.wechat.api_client import WeChatApiClient
from channels.wechat.ledger import InboundLedger
from channels.wechat.outbox import Outbox
from channels.wechat.records import WeChatRecords


class ChannelRuntime:
    def __init__(self, settings: Settings):
        self.keys = RedisKeys(settings.key_prefix)
        self.redis = Redis.from_url(settings.redis.url, decode_responses=True)
        self.api = WeChatApiClient(settings.wechat_api_base, settings.wechat_appid, settings.wechat_secret,
                                   self.redis, self.keys)
        self.outbox = Outbox(self.api, self.redis, self.keys)
        self.ledger = InboundLedger(self.redis, self.keys)
        self.records = WeChatRecords(self.redis, self.keys)
        # Evidence sent after filing goes to the worker's open appeal (bot/appeals/evidence.py).
        self.appeals = AppealStore(self.redis, self.keys)
        self.filing_marks = FilingMarks(self.redis, self.keys)

    async def close(self) -> None:
        await self.api.close()
        await self.redis.close()
