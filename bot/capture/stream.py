"""Reading the capture stream (the records of bot/capture/record.py), newest first."""
from __future__ import annotations

from typing import Any, Dict, List

from redis.asyncio import Redis

from bot.capture.record import decode
from bot.redis_keys import RedisKeys

PAGE = 1000


async def recent_records(redis: Redis, keys: RedisKeys, limit: int) -> List[Dict[str, Any]]:
    """Up to `limit` records, newest first, each once (a writer retry may have stored a record
    twice: the same `mid`). Each record gets its stream id as `id`."""
    records: List[Dict[str, Any]] = []
    seen = set()
    end = "+"
    while len(records) < limit:
        batch = await redis.xrevrange(keys.capture_stream(), max=end, min="-", count=PAGE)
        if not batch:
            break
        for stream_id, fields in batch:
            record = decode(fields)
            if record["mid"] and record["mid"] in seen:
                continue
            seen.add(record["mid"])
            records.append({**record, "id": stream_id})
        if len(batch) < PAGE:
            break
        end = f"({batch[-1][0]}"
    return records[:limit]
