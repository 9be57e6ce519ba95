"""One worker's personal data, found by OpenID, phone or ticket, exported or erased on
request (个人信息保护法: the rights to access and to deletion).

What belongs to a worker: their appeals (through the appeal store, which keeps each appeal
as the union's record with the personal fields erased), and the per-worker records listed in
RedisKeys.worker_records (the human queue, what staff wrote to them, media, location,
subscription, undelivered texts), and the emergency alerts naming them. Rasa's trackers (the
conversation itself) live in the tracker store: a TrackerHook exports and erases them; until
the tracker store provides one, export and erase say plainly that the conversation was not
included. Callers audit every export and erasure.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Protocol, Set

from redis.asyncio import Redis
from redis.exceptions import WatchError

from bot.appeals import Appeal, AppealStore, normalize_ticket
from bot.appeals.phones import normalize_mobile
from bot.escalations import EscalationStore
from bot.redis_keys import RedisKeys

_OPENID = re.compile(r"[A-Za-z0-9_-]{1,64}")
ERASED_TEXT = "[已删除]"
MAX_HOPS = 3


class TrackerHook(Protocol):
    """The conversation store's part (Rasa trackers): export and erase one worker's
    conversation, and delete what is older than a cutoff (retention)."""

    async def export(self, openid: str) -> Optional[dict]: ...

    async def erase(self, openid: str) -> bool: ...

    async def sweep(self, cutoff: float) -> int: ...


@dataclass
class Worker:
    """Who a request is about: every OpenID and phone linked through their appeals."""

    identifier: str
    openids: Set[str] = field(default_factory=set)
    phones: Set[str] = field(default_factory=set)
    appeals: List[Appeal] = field(default_factory=list)
    records: Dict[str, List[str]] = field(default_factory=dict)  # openid → kinds of records found

    @property
    def found(self) -> bool:
        return bool(self.appeals or any(self.records.values()))


class PersonalData:
    def __init__(self, redis: Redis, keys: RedisKeys, appeals: AppealStore, escalations: EscalationStore,
                 trackers: Optional[TrackerHook] = None):
        self._redis = redis
        self._keys = keys
        self._appeals = appeals
        self._escalations = escalations
        self._trackers = trackers

    async def find(self, identifier: str) -> Optional[Worker]:
        """The worker an OpenID, a phone (any spelling) or a ticket number leads to; None when
        the identifier is none of these."""
        raw = (identifier or "").strip()
        worker = Worker(raw)
        ticket, phone = normalize_ticket(raw), normalize_mobile(raw)
        if ticket:
            appeal = await self._appeals.get(ticket)
            if appeal is not None:
                worker.openids |= {appeal.openid} - {None}
                worker.phones |= {appeal.phone} - {None}
                worker.appeals.append(appeal)
        elif phone:
            worker.phones.add(phone)
        elif _OPENID.fullmatch(raw):
            worker.openids.add(raw)
        else:
            return None
        await self._gather(worker)
        return worker

    async def _gather(self, worker: Worker) -> None:
        """Every appeal of those OpenIDs and phones, and the OpenIDs and phones on those appeals,
        followed a few hops (a worker who filed in WeChat and by phone is one worker)."""
        found = {appeal.ticket_id: appeal for appeal in worker.appeals}
        asked_openids: Set[str] = set()
        asked_phones: Set[str] = set()
        for _ in range(MAX_HOPS):
            openids, phones = worker.openids - asked_openids, worker.phones - asked_phones
            if not openids and not phones:
                break
            for openid in openids:
                found.update((a.ticket_id, a) for a in await self._appeals.list(openid=openid, limit=1000))
            for phone in phones:
                found.update((a.ticket_id, a) for a in await self._appeals.list(phone=phone, limit=1000))
            asked_openids |= openids
            asked_phones |= phones
            worker.openids |= {a.openid for a in found.values() if a.openid}
            worker.phones |= {a.phone for a in found.values() if a.phone}
        worker.appeals = sorted(found.values(), key=lambda appeal: appeal.created_at)
        for openid in worker.openids:
            kinds = [kind for kind, key in self._keys.worker_records(openid).items() if await self._redis.exists(key)]
            if await self._alerts_of(openid):
                kinds.append("alerts")
            worker.records[openid] = kinds

    # --- export ------------------------------------------------------------------------
    async def export(self, worker: Worker) -> dict:
        """Everything the project holds about the worker, as one JSON-ready document."""
        records = {}
        for openid in sorted(worker.openids):
            records[openid] = {kind: await _read(self._redis, key)
                               for kind, key in self._keys.worker_records(openid).items()}
            records[openid]["alerts"] = await self._alerts_of(openid)
            records[openid]["conversation"] = await self._trackers.export(openid) if self._trackers else None
        return {
            "exported_at": time.time(),
            "identifier": worker.identifier,
            "openids": sorted(worker.openids),
            "phones": sorted(worker.phones),
            "appeals": [appeal.to_dict() for appeal in worker.appeals],
            "records": records,
            "conversation_included": self._trackers is not None,
        }

    # --- erasure -----------------------------------------------------------------------
    async def erase(self, worker: Worker, actor: str, why: str) -> dict:
        """Erase the worker's personal data; the appeals stay as records without it."""
        erased = {"appeals": 0, "records": 0, "alerts": 0, "conversations": 0}
        for appeal in worker.appeals:
            if appeal.personal_data_erased_at is None:
                await self._appeals.erase_personal(appeal.ticket_id, actor, why)
                erased["appeals"] += 1
        for openid in worker.openids:
            await self._escalations.release(openid)  # also leaves the human queue
            keys = list(self._keys.worker_records(openid).values())
            erased["records"] += await self._redis.delete(*keys)
            erased["alerts"] += await rewrite_alerts(self._redis, self._keys,
                                                     lambda alert: _erased_alert(alert) if alert.get("openid") == openid
                                                     else alert)
            if self._trackers is not None and await self._trackers.erase(openid):
                erased["conversations"] += 1
        erased["conversation_included"] = self._trackers is not None
        return erased

    async def _alerts_of(self, openid: str) -> List[dict]:
        return [alert for alert in map(json.loads, await self._redis.lrange(self._keys.alerts(), 0, -1))
                if alert.get("openid") == openid]


def _erased_alert(alert: dict) -> dict:
    # The alert stays (an emergency happened, with its ticket); who and what they wrote go.
    return {**alert, "openid": None, "text": ERASED_TEXT}


async def rewrite_alerts(redis: Redis, keys: RedisKeys, change) -> int:
    """Apply `change` (alert → alert, or None to drop it) to every alert atomically
    (WATCH/MULTI, retried); returns how many alerts changed or went."""
    key = keys.alerts()
    while True:
        async with redis.pipeline(transaction=True) as pipe:
            await pipe.watch(key)
            before = [json.loads(raw) for raw in await pipe.lrange(key, 0, -1)]
            results = [change(alert) for alert in before]
            changed = sum(1 for old, new in zip(before, results) if new != old)
            if not changed:
                return 0
            after = [alert for alert in results if alert is not None]
            pipe.multi()
            pipe.delete(key)
            if after:
                pipe.rpush(key, *(json.dumps(alert, ensure_ascii=False) for alert in after))
            try:
                await pipe.execute()
                return changed
            except WatchError:
                continue


async def _read(redis: Redis, key: str) -> Any:
    """A key's value whatever its type, JSON decoded where it is JSON."""
    kind = await redis.type(key)
    if kind == "string":
        return _json(await redis.get(key))
    if kind == "list":
        return [_json(item) for item in await redis.lrange(key, 0, -1)]
    if kind == "hash":
        return await redis.hgetall(key)
    if kind == "set":
        return sorted(await redis.smembers(key))
    if kind == "zset":
        return await redis.zrange(key, 0, -1, withscores=True)
    return None


def _json(raw: Optional[str]) -> Any:
    try:
        return json.loads(raw) if raw is not None else None
    except ValueError:
        return raw
