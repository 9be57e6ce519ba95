"""A Rasa event broker that captures every worker message, with what the bot made of it, in a
bounded Redis Stream (record format and stream key: bot/capture/record.py).

Configured in bot/endpoints.yml (`event_broker: type: bot.capture.broker.CaptureEventBroker`);
the tracker store (bot/trackers/store.py) publishes a turn's new events once it saved them,
one `publish()` per event, synchronously on Rasa's event loop. Here each event only feeds
the pure TurnAssembler; finished records go to the StreamWriter's in-memory queue and are
written by a background task. Right after the first event of a save, a `call_soon` callback
is scheduled: it runs once the tracker store's publishing loop is done (that loop does not
await between events) and finishes turns that ended without `action_listen` (a conversation
paused for staff, an error), so no record waits for the worker's next message.

Redis being down never fails a turn: publish() cannot raise, records wait in memory (bounded)
and are written when Redis is back.
"""
from __future__ import annotations

import asyncio
import logging
from asyncio import AbstractEventLoop
from typing import Any, Dict, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig
from redis.asyncio import Redis

from bot.capture.record import TurnAssembler, pseudonym_key
from bot.capture.writer import StreamWriter
from bot.redis_keys import RedisKeys
from bot.settings import Settings

logger = logging.getLogger(__name__)


class CaptureEventBroker(EventBroker):
    def __init__(self, writer: StreamWriter, key: bytes):
        self._writer = writer
        self._turns = TurnAssembler(key)
        self._flush_scheduled = False

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig,
                                   event_loop: Optional[AbstractEventLoop] = None) -> "CaptureEventBroker":
        return cls.from_settings(Settings.from_env())

    @classmethod
    def from_settings(cls, settings: Settings) -> "CaptureEventBroker":
        # Short socket timeouts: a hung Redis stalls only the background writer, briefly.
        redis = Redis.from_url(settings.redis.url, decode_responses=True, socket_timeout=5,
                               socket_connect_timeout=5)
        writer = StreamWriter(redis, RedisKeys(settings.key_prefix).capture_stream(),
                              settings.capture_stream_maxlen, keep_s=settings.retention_days * 24 * 3600)
        return cls(writer, pseudonym_key(settings.wechat_secret))

    @property
    def writer(self) -> StreamWriter:
        return self._writer

    def publish(self, event: Dict[Text, Any]) -> None:
        try:
            for record in self._turns.feed(event):
                self._writer.submit(record)
            self._schedule_flush()
        except Exception:  # noqa: BLE001 - capture must never break a worker's turn
            logger.exception("capture: event not recorded")

    def _schedule_flush(self) -> None:
        if self._flush_scheduled or not self._turns.pending:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a script): the next user event or close() finishes the turn
        self._flush_scheduled = True
        loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        try:
            for record in self._turns.flush():
                self._writer.submit(record)
        except Exception:  # noqa: BLE001 - see publish()
            logger.exception("capture: turn not recorded")

    async def close(self) -> None:
        for record in self._turns.flush():
            self._writer.submit(record)
        await self._writer.close()
