"""The stores the actions use, connected once per action-server process."""
from __future__ import annotations

import functools

from redis.asyncio import Redis

from bot.appeals import AppealStore
from bot.appeals.evidence import FilingMarks
from bot.escalations import EscalationStore
from bot.redis_keys import RedisKeys
from bot.settings import Settings
from bot.worker_channels import WorkerChannels


@functools.lru_cache(maxsize=1)
def _connection() -> tuple:
    settings = Settings.from_env()
    return Redis.from_url(settings.redis.url, decode_responses=True), RedisKeys(settings.key_prefix)


def appeals() -> AppealStore:
    return AppealStore(*_connection())


def escalations() -> EscalationStore:
    return EscalationStore(*_connection())


def worker_channels() -> WorkerChannels:
    """What each worker's channel keeps about them (media sent, last location)."""
    return WorkerChannels(None, connection=_connection())


def filing_marks() -> FilingMarks:
    return FilingMarks(*_connection())
