"""Admins' annotations of inbox groups: confirmed, corrected (to another label) or rejected
(not training material: nonsense, personal data). One Redis hash, group key → JSON:

    {"key", "text", "entities", "predicted", "intent", "status", "by", "at"}

`text` and `entities` are the group's newest message as captured (already masked), so the
export does not need the stream, which is trimmed. `intent` is the label to train on (empty
for rejected). Annotating again replaces the earlier annotation; the audit log keeps both.
"""
from __future__ import annotations

import json
import time
from typing import Any, Callable, Dict, Iterable, List

from redis.asyncio import Redis

from bot.capture.grouping import Group
from bot.redis_keys import RedisKeys

CONFIRMED, CORRECTED, REJECTED = "confirmed", "corrected", "rejected"
STATUS_LABELS = {CONFIRMED: "已确认", CORRECTED: "已更正", REJECTED: "不作训练"}
TRAINING = (CONFIRMED, CORRECTED)


class AnnotationStore:
    def __init__(self, redis: Redis, keys: RedisKeys, clock: Callable[[], float] = time.time):
        self._redis = redis
        self._key = keys.nlu_annotations()
        self._clock = clock

    async def all(self) -> Dict[str, Dict[str, Any]]:
        raw = await self._redis.hgetall(self._key)
        return {key: json.loads(value) for key, value in raw.items()}

    async def annotate(self, groups: Iterable[Group], status: str, intent: str, actor: str) -> List[Dict[str, Any]]:
        """Annotate each group; confirm takes the group's own prediction as the label."""
        at = self._clock()
        written = []
        for group in groups:
            label = {CONFIRMED: group.intent, CORRECTED: intent, REJECTED: ""}[status]
            written.append({"key": group.key, "text": group.text, "entities": group.entities,
                            "predicted": group.intent, "intent": label, "status": status, "by": actor, "at": at})
        if written:
            await self._redis.hset(self._key, mapping={a["key"]: json.dumps(a, ensure_ascii=False) for a in written})
        return written
