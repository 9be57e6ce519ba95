"""The stores the actions use, connected once per action-server process."""
from __future__ import annotations

import functools

from redis.asyncio import Redis

from bot.appeals import AppealStore
from bot.appeals.evidence import FilingMarks
from bot.escalations import EscalationStore
from bot.redis_keys import RedisKeys
from bot.settings import Settings
from channels.wechat.records import WeChatRecords


@functools.lru_cache(maxsize=1)
def _connection() -> tuple:
    settings = Settings.from_env()
    return Redis.from_url(settings.redis.url, decode_responses=True), RedisKeys(settings.key_prefix)


def appeals() -> AppealStore:
    return AppealStore(*_connection())


def escalations() -> EscalationStore:
    return EscalationStore(*_connection())


def wechat_records() -> WeChatRecords:
    return WeChatRecords(*_connection())


def filing_marks() -> FilingMarks:
    return FilingMarks(*_connection())
