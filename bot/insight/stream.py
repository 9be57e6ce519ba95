"""The insight consumer: reads the captured message stream and feeds `record_message`.

The capture (issue 12) writes one stream record per worker message. STREAM_FIELDS names the
fields this consumer reads; `message_from_record` is the single place that maps a record onto
the ingest, so aligning with the capture's final field names is a change here only.

Delivery: the cursor (last id aggregated) is stored after each record's counters, so a
crash re-reads at most the record in flight (at most one message counted twice).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Optional

from redis.asyncio import Redis

from bot.districts import canonical_district
from bot.insight.ingest import Insight
from bot.redis_keys import RedisKeys

logger = logging.getLogger(__name__)

STREAM_FIELDS = ("text", "ts", "channel", "intent", "confidence", "response_key", "sender", "fallback",
                 "district", "crisis")
CRISIS_INTENTS = {"report_emergency"}
BATCH = 200
BLOCK_MS = 5000
TRUE = {"1", "true", "True", "yes"}


def message_from_record(fields: dict) -> Optional[dict]:
    """A stream record → keyword arguments of Insight.record_message (None: not countable)."""
    try:
        when = float(fields.get("ts") or 0)
    except ValueError:
        return None
    if when <= 0:
        return None
    intent = fields.get("intent") or ""
    response_key = fields.get("response_key") or ""  # "faq/wage_arrears" for FAQ topics
    if (fields.get("fallback") or "") in TRUE:
        topic = "fallback"
    elif response_key.startswith("faq/"):
        topic = response_key[4:]
    else:
        topic = intent or "fallback"
    text = fields.get("text") or ""
    return {
        "channel": fields.get("channel") or "wechat",
        "district": canonical_district(fields.get("district")) or canonical_district(text),
        "topic": topic[:64],
        "when": when,
        "is_crisis": intent in CRISIS_INTENTS or (fields.get("crisis") or "") in TRUE,
        "text": text,
        "sender": (fields.get("sender") or "")[:64],
    }


async def consume(redis: Redis, keys: RedisKeys, stop: asyncio.Event, block_ms: int = BLOCK_MS) -> None:
    """Aggregate the stream from the stored cursor on, until `stop` is set."""
    insight = Insight(redis, keys)
    cursor = await redis.get(keys.insight_stream_cursor()) or "0-0"
    while not stop.is_set():
        try:
            batches = await redis.xread({keys.insight_message_stream(): cursor}, count=BATCH, block=block_ms)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - Redis restarting: wait and resume from the cursor
            logger.warning("insight consumer: %s; retrying", error.__class__.__name__)
            await asyncio.sleep(2)
            continue
        for _stream, records in batches or []:
            for record_id, fields in records:
                message = message_from_record(fields)
                if message is not None:
                    await insight.record_message(**message)
                cursor = record_id
                await redis.set(keys.insight_stream_cursor(), cursor)
