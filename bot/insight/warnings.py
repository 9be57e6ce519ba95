"""Early warnings: raised once per subject, seen at once, acknowledged with a note.

A warning names the districts it touches (none: a city-wide topic spike). District staff see
those touching their district; the city union sees all, with who acknowledged each and when
— that is how a district's warning is reported upward. Acknowledgements are appended to
their own list (RPUSH is atomic: two staff acknowledging at once both stay on record).
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Iterable, List, Optional

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

SPIKE_TOPIC, SPIKE_DISTRICT, EMPLOYER, COLLECTIVE, CRISIS = (
    "spike_topic", "spike_district", "employer_cluster", "collective", "crisis")
KIND_LABELS = {
    SPIKE_TOPIC: "话题激增", SPIKE_DISTRICT: "地区激增", EMPLOYER: "同一单位集中投诉",
    COLLECTIVE: "群体性诉求", CRISIS: "危机求助",
}
NOTE_MAX = 500


@dataclass
class Warning:
    id: str
    kind: str
    title: str
    created_at: float
    districts: List[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)  # how to find the messages/appeals behind it
    acks: List[dict] = field(default_factory=list)  # filled on read

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def acknowledged(self) -> bool:
        return bool(self.acks)

    @property
    def escalated(self) -> bool:
        return any(ack.get("escalate") for ack in self.acks)

    def public(self) -> dict:
        data = asdict(self)
        data.update(kind_label=self.kind_label, acknowledged=self.acknowledged, escalated=self.escalated)
        return data


class WarningStore:
    def __init__(self, redis: Redis, keys: RedisKeys, clock=time.time):
        self._redis, self._keys, self._clock = redis, keys, clock

    async def raise_once(self, subject: str, ttl: float, kind: str, title: str, districts: Iterable[str],
                         figures: Optional[dict] = None, evidence: Optional[dict] = None) -> Optional[Warning]:
        """A new warning, unless one about `subject` was raised within `ttl` seconds (None)."""
        once = self._keys.insight_warning_once(subject)
        if not await self._redis.set(once, "pending", nx=True, ex=max(int(ttl), 1)):
            return None
        number = await self._redis.incr(self._keys.insight_warning_sequence())
        warning = Warning(f"W{number:06d}", kind, title, self._clock(), sorted(set(districts) - {"-", "*"}),
                          figures or {}, evidence or {})
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._keys.insight_warning(warning.id), _dump(warning))
            pipe.set(once, warning.id, keepttl=True)
            pipe.zadd(self._keys.insight_warnings(), {warning.id: warning.created_at})
            for district in warning.districts:
                pipe.zadd(self._keys.insight_warnings(district), {warning.id: warning.created_at})
            await pipe.execute()
        return warning

    async def open_about(self, subject: str) -> Optional[str]:
        """The id of the warning still open about `subject`, if any."""
        value = await self._redis.get(self._keys.insight_warning_once(subject))
        return value if value and value != "pending" else None

    async def add_districts(self, warning_id: str, districts: Iterable[str]) -> None:
        """A later appeal of an employer cluster from another district: that district sees it too."""
        warning = await self.get(warning_id)
        new = set(districts) - set(warning.districts) - {"-", "*"} if warning else set()
        if not new:
            return
        warning.districts = sorted(set(warning.districts) | new)
        warning.acks = []
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._keys.insight_warning(warning_id), _dump(warning))
            for district in new:
                pipe.zadd(self._keys.insight_warnings(district), {warning_id: warning.created_at})
            await pipe.execute()

    async def get(self, warning_id: str) -> Optional[Warning]:
        raw = await self._redis.get(self._keys.insight_warning(warning_id)) if _well_formed(warning_id) else None
        if not raw:
            return None
        warning = Warning(**json.loads(raw))
        warning.acks = [json.loads(item) for item in await self._redis.lrange(self._keys.insight_warning_acks(warning_id), 0, -1)]
        return warning

    async def recent(self, district: Optional[str] = None, since: float = 0.0, until: float = float("inf"),
                     limit: int = 200) -> List[Warning]:
        """Newest first; `district` None = all (city view)."""
        index = self._keys.insight_warnings(district or "*")
        ids = await self._redis.zrevrangebyscore(index, _bound(until), since, start=0, num=limit)
        found = [await self.get(warning_id) for warning_id in ids]
        return [warning for warning in found if warning is not None]

    async def acknowledge(self, warning_id: str, username: str, display_name: str, role_label: str,
                          note: str, escalate: bool) -> dict:
        ack = {"by": username, "name": display_name, "role": role_label, "at": self._clock(),
               "note": note, "escalate": bool(escalate)}
        await self._redis.rpush(self._keys.insight_warning_acks(warning_id), json.dumps(ack, ensure_ascii=False))
        return ack


def _bound(value: float) -> str:
    return "+inf" if value == float("inf") else repr(value)


def _well_formed(warning_id: str) -> bool:
    return isinstance(warning_id, str) and len(warning_id) == 7 and warning_id[0] == "W" and warning_id[1:].isdigit()


def _dump(warning: Warning) -> str:
    data = asdict(warning)
    data.pop("acks")
    return json.dumps(data, ensure_ascii=False)
