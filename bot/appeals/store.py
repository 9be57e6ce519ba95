"""The appeal store: the system of record for workers' appeals, in Redis.

Layout (see bot/redis_keys.py, "appeals"): one JSON document per appeal plus sorted-set
indexes. Filing is one Lua script (numbering.py); every later change is read-modify-write
under WATCH/MULTI, retried on conflict, so two staff moving the same appeal at once never
interleave: one wins, the other re-reads and is judged against the new state.
"""
from __future__ import annotations

import asyncio
import random
import time
from typing import Any, AsyncIterator, Callable, Optional

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from bot.appeals import changes, erasure, tickets, work_orders
from bot.appeals.errors import AppealBusy, AppealNotFound
from bot.appeals.indexes import queue_index_changes
from bot.appeals.model import Appeal, new_appeal, worker_actor
from bot.appeals.numbering import CREATE_LUA, file_appeal
from bot.appeals.search import Filters, check_limit
from bot.appeals.status import Status
from bot.insight.hook import appeal_changed
from bot.redis_keys import RedisKeys

# Attempts at a contended change before giving up with AppealBusy; each conflict means
# another writer succeeded, so this bounds the wait, not correctness.
MAX_ATTEMPTS = 50
LOAD_BATCH = 200


class AppealStore:
    def __init__(
        self,
        redis: aioredis.Redis,
        keys: RedisKeys,
        clock: Callable[[], float] = time.time,
        tz=None,
    ):
        """`redis` must decode responses (decode_responses=True); `clock` gives epoch seconds."""
        if not redis.connection_pool.connection_kwargs.get("decode_responses"):
            # Bytes would slip into ticket numbers and records unnoticed; refuse up front.
            raise ValueError("AppealStore needs a Redis client created with decode_responses=True")
        self.redis = redis
        self.keys = keys
        self.clock = clock
        self.tz = tz or tickets.beijing()
        self._create = redis.register_script(CREATE_LUA)

    # --- filing ------------------------------------------------------------------------
    async def create(self, **fields: Any) -> Appeal:
        """File an appeal (see model.new_appeal for the fields); returns it with its ticket."""
        now = self.clock()
        draft = new_appeal("", now, **fields)
        ticket = await file_appeal(self._create, self.keys, draft, tickets.day_of(now, self.tz))
        draft.ticket_id = ticket
        await appeal_changed(self, None, draft)  # insight counters and early warnings (bot/insight)
        return draft

    # --- reading -----------------------------------------------------------------------
    async def get(self, ticket_id: Optional[str]) -> Optional[Appeal]:
        """The appeal, with the ticket read leniently (case, spaces, full width), or None."""
        ticket = tickets.normalize_ticket(ticket_id)
        raw = await self.redis.get(self.keys.appeal(ticket)) if ticket else None
        return Appeal.from_json(raw) if raw else None

    async def owned_by(self, ticket_id: Optional[str], openid: Optional[str] = None, phone: Optional[str] = None) -> Optional[Appeal]:
        """The appeal only if this WeChat user or phone filed it: workers see their own only.

        Another worker's ticket looks exactly like a missing one, so numbers cannot be probed.
        """
        appeal = await self.get(ticket_id)
        return appeal if appeal is not None and appeal.belongs_to(openid, phone) else None

    async def list(
        self,
        status=None,
        queue=None,
        district=None,
        openid=None,
        phone=None,
        employer=None,
        since=None,
        until=None,
        overdue=None,
        limit: int = 100,
        assignee=None,
    ) -> list[Appeal]:
        """Appeals matching every filter given, newest first, at most `limit` (1-1000)."""
        filters = Filters.build(status, queue, district, openid, phone, employer, since, until, overdue, assignee)
        limit = check_limit(limit)
        now = self.clock()
        if filters.overdue and await self._due_index_is_narrowest(filters, now):
            found = [a for a in await self._overdue_candidates(now) if filters.matches(a, now)]
            return sorted(found, key=lambda a: a.created_at, reverse=True)[:limit]
        index = await self._narrowest(filters.indexes(self.keys), filters)
        return await self._scan(index, filters, now, limit)

    async def overdue(self, now: Optional[float] = None) -> list[Appeal]:
        """Every open appeal past its step's due time (督办), most overdue first."""
        now = self.clock() if now is None else now
        late = [appeal for appeal in await self._overdue_candidates(now) if appeal.overdue(now)]
        return sorted(late, key=lambda appeal: appeal.due_at)

    # --- changing ----------------------------------------------------------------------
    async def transition(
        self,
        ticket_id: str,
        to_status,
        actor: str,
        note: str = "",
        assignee: Optional[str] = None,
        queue: Optional[str] = None,
    ) -> Appeal:
        """Move the appeal on (AppealError naming both statuses if that move is not allowed)."""
        return await self._change(
            ticket_id, lambda appeal, now: changes.transition(appeal, to_status, actor, now, note, assignee, queue)
        )

    async def withdraw(self, ticket_id: str, openid: Optional[str] = None, phone: Optional[str] = None, note: str = "") -> Appeal:
        """The worker withdraws their own appeal (已撤回), possible only while 已受理."""
        appeal = await self.owned_by(ticket_id, openid, phone)
        if appeal is None:
            raise AppealNotFound(str(ticket_id))
        actor = worker_actor(openid=openid) if openid and appeal.openid == openid else worker_actor(phone=appeal.phone)
        return await self.transition(appeal.ticket_id, Status.CANCELLED, actor, note)

    async def attach_evidence(self, ticket_id: str, media: dict) -> Appeal:
        return await self._change(ticket_id, lambda appeal, now: changes.attach_evidence(appeal, media, now))

    async def add_note(self, ticket_id: str, actor: str, text: str) -> Appeal:
        return await self._change(ticket_id, lambda appeal, now: changes.add_note(appeal, actor, text, now))

    async def record_satisfaction(self, ticket_id: str, score: int, comment: Optional[str], actor: str) -> Appeal:
        """The 回访 result for a 已办结 appeal; moves it to 已回访."""
        return await self._change(
            ticket_id, lambda appeal, now: changes.record_satisfaction(appeal, score, comment, actor, now)
        )

    # --- personal data ------------------------------------------------------------------
    async def erase_personal(self, ticket_id: str, actor: str, why: str) -> Appeal:
        """Keep the appeal as the union's record, without what identifies the worker (erasure.py)."""
        return await self._change(ticket_id, lambda appeal, now: erasure.erase_personal(appeal, actor, now, why))

    async def closed_before(self, cutoff: float) -> AsyncIterator[Appeal]:
        """Finished appeals (办结 awaiting a 回访 that never came, 已回访, 已撤回) last changed before
        `cutoff` whose personal data is still there, oldest first (retention). Walks the
        creation index: an appeal changed before the cutoff was created before it too."""
        offset = 0
        while True:
            batch = await self.redis.zrangebyscore(self.keys.appeals_by_created(), "-inf", repr(cutoff),
                                                   start=offset, num=LOAD_BATCH)
            if not batch:
                return
            offset += len(batch)
            for appeal in await self._load(batch):
                finished = appeal.status.closed or appeal.status is Status.RESOLVED
                if finished and appeal.updated_at < cutoff and appeal.personal_data_erased_at is None:
                    yield appeal
    async def reopen(self, ticket_id: str, actor: str, reason: str) -> Appeal:
        """重办: a resolved case the worker says is not solved goes back to the same union."""
        return await self._change(ticket_id, lambda appeal, now: changes.reopen(appeal, actor, now, reason))

    async def newest_open(self, openid: str) -> Optional[Appeal]:
        """The worker's most recent appeal that is still being worked (not closed), if any."""
        for appeal in await self.list(openid=openid, limit=20):
            if not appeal.status.closed:
                return appeal
        return None

    # --- staff work orders (work_orders.py): corrections, 承办人, 转办, merges -------------
    async def edit_field(self, ticket_id: str, field: str, value: Any, reason: str, actor: str) -> Appeal:
        return await self._change(
            ticket_id, lambda appeal, now: work_orders.edit_field(appeal, field, value, reason, actor, now))

    async def assign(self, ticket_id: str, assignee: str, actor: str, reason: Optional[str] = None) -> Appeal:
        return await self._change(
            ticket_id, lambda appeal, now: work_orders.assign(appeal, assignee, actor, now, reason))

    async def transfer(self, ticket_id: str, district: str, reason: str, actor: str) -> Appeal:
        return await self._change(
            ticket_id, lambda appeal, now: work_orders.transfer(appeal, district, reason, actor, now))

    async def merge(self, duplicate_id: str, primary_id: str, reason: str, actor: str) -> tuple:
        """Close the duplicate into the primary; both records change in one transaction."""
        duplicate, primary = tickets.normalize_ticket(duplicate_id), tickets.normalize_ticket(primary_id)
        for ticket, raw in ((duplicate, duplicate_id), (primary, primary_id)):
            if ticket is None:
                raise AppealNotFound(str(raw))
        for attempt in range(MAX_ATTEMPTS):
            written = await self._try_merge(duplicate, primary, reason, actor)
            if written is not None:
                return written
            await asyncio.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise AppealBusy(duplicate)

    async def _try_merge(self, duplicate: str, primary: str, reason: str, actor: str) -> Optional[tuple]:
        keys = [self.keys.appeal(duplicate), self.keys.appeal(primary)]
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.watch(*keys)
            raws = [await pipe.get(key) for key in keys]
            for raw, ticket in zip(raws, (duplicate, primary)):
                if raw is None:
                    raise AppealNotFound(ticket)
            before = [Appeal.from_json(raw) for raw in raws]
            after = work_orders.merge(before[0], before[1], reason, actor, self.clock())
            pipe.multi()
            for key, old, new in zip(keys, before, after):
                pipe.set(key, new.to_json())
                queue_index_changes(pipe, self.keys, old, new)
            try:
                await pipe.execute()
            except WatchError:
                return None
        for old, new in zip(before, after):
            await appeal_changed(self, old, new)  # a merged duplicate is closed, not answered (bot/insight)
        return after

    # --- internals ---------------------------------------------------------------------
    async def _change(self, ticket_id: str, change: Callable[[Appeal, float], Appeal]) -> Appeal:
        """Apply `change` atomically: WATCH the record, compute, MULTI/EXEC, retry on conflict."""
        ticket = tickets.normalize_ticket(ticket_id)
        if ticket is None:
            raise AppealNotFound(str(ticket_id))
        for attempt in range(MAX_ATTEMPTS):
            written = await self._try_change(ticket, change)
            if written is not None:
                return written
            # Spread the retries so colliding writers do not collide again in lockstep.
            await asyncio.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise AppealBusy(ticket)

    async def _try_change(self, ticket: str, change: Callable[[Appeal, float], Appeal]) -> Optional[Appeal]:
        """The changed appeal, or None when someone else wrote it first."""
        key = self.keys.appeal(ticket)
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.watch(key)
            raw = await pipe.get(key)
            if raw is None:
                raise AppealNotFound(ticket)
            before = Appeal.from_json(raw)
            after = change(before, self.clock())  # raises AppealError: nothing written
            if after is before:
                return before  # nothing to change (e.g. the same evidence twice)
            pipe.multi()
            pipe.set(key, after.to_json())
            queue_index_changes(pipe, self.keys, before, after)
            try:
                await pipe.execute()
            except WatchError:
                return None
            await appeal_changed(self, before, after)  # insight counters and early warnings (bot/insight)
            return after

    async def _load(self, tickets_: list) -> list[Appeal]:
        found = []
        for start in range(0, len(tickets_), LOAD_BATCH):
            batch = tickets_[start:start + LOAD_BATCH]
            raws = await self.redis.mget([self.keys.appeal(ticket) for ticket in batch])
            found += [Appeal.from_json(raw) for raw in raws if raw]
        return found

    async def _overdue_candidates(self, now: float) -> list[Appeal]:
        # "(" makes the bound exclusive: due exactly now is not yet overdue.
        return await self._load(await self.redis.zrangebyscore(self.keys.appeals_due(), "-inf", f"({now!r}"))

    async def _due_index_is_narrowest(self, filters: Filters, now: float) -> bool:
        late = await self.redis.zcount(self.keys.appeals_due(), "-inf", f"({now!r}")
        counts = await self._counts(filters.indexes(self.keys), filters)
        return late <= min(counts.values())

    async def _narrowest(self, indexes: list, filters: Filters) -> str:
        """The index with the fewest entries in the time range: the fewest records to read."""
        if len(indexes) == 1:
            return indexes[0]
        counts = await self._counts(indexes, filters)
        return min(indexes, key=counts.__getitem__)

    async def _counts(self, indexes: list, filters: Filters) -> dict:
        low, high = _range(filters)
        async with self.redis.pipeline(transaction=False) as pipe:
            for index in indexes:
                pipe.zcount(index, low, high)
            return dict(zip(indexes, await pipe.execute()))

    async def _scan(self, index: str, filters: Filters, now: float, limit: int) -> list[Appeal]:
        """Walk `index` newest first, keeping matches until `limit` are found."""
        low, high = _range(filters)
        found, seen, offset = [], set(), 0
        while len(found) < limit:
            batch = await self.redis.zrevrangebyscore(index, high, low, start=offset, num=LOAD_BATCH)
            if not batch:
                break
            offset += len(batch)
            for appeal in await self._load(batch):
                # A concurrent filing shifts the offsets; `seen` drops the repeats.
                if appeal.ticket_id not in seen and filters.matches(appeal, now):
                    seen.add(appeal.ticket_id)
                    found.append(appeal)
        return found[:limit]


def _range(filters: Filters) -> tuple:
    low = "-inf" if filters.since is None else repr(filters.since)
    high = "+inf" if filters.until is None else repr(filters.until)
    return low, high
