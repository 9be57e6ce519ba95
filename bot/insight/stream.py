"""The insight consumer: reads the captured message stream and feeds `record_message`.

The capture (issue 12) writes one stream record per worker message. STREAM_FIELDS names the
fields this consumer reads; `message_from_record` is the single place that maps a record onto
the ingest, so aligning with the capture's final field names is a change here only.

Delivery: a consumer group; a record is acknowledged once counted, so a crash re-reads at
most the record in flight (at most one message counted twice), and two consoles never
count the same record.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import re
import uuid
from typing import Optional

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.districts import canonical_district
from bot.insight.ingest import Insight
from bot.redis_keys import RedisKeys

logger = logging.getLogger(__name__)

STREAM_FIELDS = ("text", "ts", "channel", "intent", "confidence", "response_key", "sender", "fallback",
                 "district", "crisis", "entities")
CRISIS_INTENTS = {"report_emergency"}
BATCH = 200
GROUP = "insight"
CONSUMER = "insight"
CLAIM_IDLE_MS = 60_000
BLOCK_MS = 5000
TRUE = {"1", "true", "True", "yes"}
# Channel names become parts of counter keys: only plain names (a record is never trusted blindly).
CHANNEL = re.compile(r"[a-z_]{1,32}")


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
    channel = fields.get("channel") or "wechat"
    return {
        "channel": channel if CHANNEL.fullmatch(channel) else "other",
        "district": (canonical_district(fields.get("district")) or _district_entity(fields.get("entities"))
                     or canonical_district(text)),
        "topic": topic[:64],
        "when": when,
        "is_crisis": intent in CRISIS_INTENTS or (fields.get("crisis") or "") in TRUE,
        "text": text,
        "sender": (fields.get("sender") or "")[:64],
    }


def _district_entity(raw: Optional[str]) -> Optional[str]:
    """The `district` entity of a JSON entity list (the capture's `entities` field), if any."""
    try:
        entities = json.loads(raw) if raw else []
    except ValueError:
        return None
    for entity in entities if isinstance(entities, list) else []:
        if isinstance(entity, dict) and entity.get("entity") == "district":
            return canonical_district(str(entity.get("value") or ""))
    return None


async def consume(redis: Redis, keys: RedisKeys, stop: asyncio.Event, block_ms: int = BLOCK_MS) -> None:
    """Aggregate the stream until `stop` is set, as a member of the consumer group GROUP: with
    several consoles running, each record is counted by one of them only. A record is
    acknowledged after its counters are written; records a crashed consumer left
    unacknowledged for CLAIM_IDLE_MS are claimed and counted first, so none is lost."""
    insight = Insight(redis, keys)
    stream = keys.insight_message_stream()
    me = f"{CONSUMER}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    try:
        await redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
    except ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise
    claimed = (await redis.xautoclaim(stream, GROUP, me, min_idle_time=CLAIM_IDLE_MS, start_id="0-0", count=BATCH))[1]
    await _count(redis, insight, stream, claimed)
    while not stop.is_set():
        batches = await redis.xreadgroup(GROUP, me, {stream: ">"}, count=BATCH, block=block_ms)
        await _count(redis, insight, stream, [record for _stream, found in batches or [] for record in found])
    with contextlib.suppress(Exception):
        await redis.xgroup_delconsumer(stream, GROUP, me)  # nothing pending: all were acknowledged


async def _count(redis: Redis, insight: Insight, stream: str, records) -> None:
    for record_id, fields in records:
        message = message_from_record(fields or {})
        if message is not None:
            await insight.record_message(**message)
        await redis.xack(stream, GROUP, record_id)
