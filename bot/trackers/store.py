"""Rasa tracker store whose per-turn cost does not grow with the conversation's history.

Configured in bot/endpoints.yml as `tracker_store: type: bot.trackers.store.EventLogTrackerStore`.

- `retrieve` (every turn) reads the snapshot at the checkpoint and the events after it
  (bot/trackers/window.py says which), never the whole history.
- `save` appends only the events the turn added (bot/trackers/event_log.py).
- `retrieve_full_tracker` (Rasa's GET /conversations/<id>/tracker, the console transcript,
  exports) replays every event, read page by page.
- Trackers written by Rasa's RedisTrackerStore (`tracker:<id>`) move into the log the first
  time they are read (`make migrate` moves them all).
- Nothing connects in the constructor (Rasa swaps in an in-memory store when a custom store's
  constructor fails), all I/O is redis.asyncio, and a Redis failure raises: Rasa's
  FailSafeTrackerStore would otherwise answer from an empty in-memory tracker, forking the
  conversation (see `_strict_agent_store`).
"""
from __future__ import annotations

import itertools
import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Text

from rasa.core.agent import Agent
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from redis.asyncio import Redis
from redis.exceptions import WatchError

from bot import rasa_speedups
from bot.redis_connection import async_client
from bot.redis_keys import RedisKeys
from bot.settings import Settings
from bot.trackers.event_log import ConflictingWrite, EventLog
from bot.trackers.window import plan_advance

logger = logging.getLogger(__name__)

LOG_POSITION = "_event_log_position"  # attribute set on trackers this store restored or saved
SAVE_ATTEMPTS = 3


@dataclass(frozen=True)
class LogPosition:
    """Where a tracker in memory stands against the stored log."""

    stored: int  # events in Redis when the tracker was read or last saved
    loaded: int  # len(tracker.events) at that moment: later events are new
    checkpoint: int  # index (in Redis) of the first window event
    snapshot_len: int  # leading events of `tracker.events` that restore state, not history


class EventLogTrackerStore(TrackerStore):
    def __init__(self, domain: Optional[Domain] = None, host: Optional[Text] = None, port: Any = None,
                 db: Any = None, password: Optional[Text] = None, event_broker: Optional[EventBroker] = None,
                 redis_url: Optional[Text] = None, **kwargs: Any) -> None:
        settings = Settings.from_env()
        self._url = redis_url or (_url(host, port, db, password) if host else settings.redis.url)
        self._keys = RedisKeys(settings.key_prefix)
        self._ttl_s = settings.retention_days * 24 * 3600
        self._log: Optional[EventLog] = None  # created on first use, inside the server's loop
        super().__init__(domain, event_broker, **kwargs)

    @property
    def log(self) -> EventLog:
        if self._log is None:
            self._log = EventLog(async_client(self._url), self._keys, self._ttl_s)
        return self._log

    # --- reads ----------------------------------------------------------------------
    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        window = await self.log.window(sender_id)
        if window is None and await self.migrate(sender_id):
            window = await self.log.window(sender_id)
        if window is None:
            return None
        snapshot = _events(window.snapshot)
        tracker = self._replayed(sender_id, snapshot + _events(window.events))
        _mark(tracker, LogPosition(window.count, len(tracker.events), window.checkpoint, len(snapshot)))
        return tracker

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        if not await self.log.exists(sender_id):
            await self.migrate(sender_id)
        count = await self.log.count(sender_id)
        if not count:
            return None
        events = _events(await self.log.all_events(sender_id))
        tracker = self._replayed(sender_id, events)
        _mark(tracker, LogPosition(len(events), len(events), 0, 0))
        return tracker

    async def exists(self, conversation_id: Text) -> bool:
        return await self.log.exists(conversation_id) or await self.log.has_key(
            self._keys.legacy_tracker(conversation_id))

    async def keys(self) -> Iterable[Text]:
        return await self.log.senders()

    def _replayed(self, sender_id: Text, events: List[Event]) -> DialogueStateTracker:
        tracker = self.init_tracker(sender_id)
        tracker.events.extend(events)
        tracker.replay_events()
        return tracker

    # --- writes ---------------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        for _ in range(SAVE_ATTEMPTS):
            position = getattr(tracker, LOG_POSITION, None) or await self._position_of_unread(tracker)
            new = list(itertools.islice(tracker.events, position.loaded, None))
            advance = plan_advance(tracker, position.snapshot_len)
            checkpoint = None if advance is None else position.checkpoint + advance.offset
            try:
                count = await self.log.append(tracker.sender_id, position.stored, [e.as_dict() for e in new],
                                              checkpoint, advance.snapshot if advance else ())
            except ConflictingWrite as conflict:
                await self._skip_already_stored(tracker, position, conflict.actual)
                continue
            await self._stream(tracker.sender_id, new)
            _mark(tracker, LogPosition(count, len(tracker.events), position.checkpoint, position.snapshot_len))
            return
        raise RuntimeError(f"conversation {tracker.sender_id}: {SAVE_ATTEMPTS} conflicting writes in a row")

    async def _position_of_unread(self, tracker: DialogueStateTracker) -> LogPosition:
        """A tracker this store did not restore (a new conversation, or a copy): what is new?

        As Rasa's own Redis store does, events later than the last stored one are new.
        """
        if not await self.log.exists(tracker.sender_id):
            await self.migrate(tracker.sender_id)
        stored = await self.log.count(tracker.sender_id)
        if not stored:
            return LogPosition(0, 0, 0, 0)
        last = (await self.log.last_event(tracker.sender_id)) or {}
        last_time = float(last.get("timestamp") or 0)
        old = sum(1 for event in tracker.events if event.timestamp <= last_time)
        return LogPosition(stored, old, 0, len(tracker.events))

    async def _skip_already_stored(self, tracker: DialogueStateTracker, position: LogPosition, actual: int) -> None:
        """Someone appended meanwhile (a write outside Rasa's lock): keep only what is still new."""
        theirs = [json.dumps(e, sort_keys=True) for e in await self.log.page(tracker.sender_id, position.stored, actual)]
        events = list(tracker.events)
        mine = events[position.loaded:]
        kept = [e for e in mine if json.dumps(e.as_dict(), sort_keys=True) not in theirs]
        tracker.events.clear()
        tracker.events.extend(events[:position.loaded] + kept)
        logger.warning("conversation %s changed during a turn: %d of our events were already stored",
                       tracker.sender_id, len(mine) - len(kept))
        _mark(tracker, LogPosition(actual, position.loaded, position.checkpoint, position.snapshot_len))

    async def _stream(self, sender_id: Text, events: List[Event]) -> None:
        if self.event_broker is not None and events:
            await self._stream_new_events(self.event_broker, events, sender_id)

    # --- migration from RedisTrackerStore --------------------------------------------
    async def migrate(self, sender_id: Text) -> bool:
        """Move `tracker:<id>` (Rasa's RedisTrackerStore) into the log; False if none to move."""
        legacy = self._keys.legacy_tracker(sender_id)
        for _ in range(SAVE_ATTEMPTS):
            try:
                moved = await self.log.import_history(sender_id, legacy, lambda raw: self._from_legacy(sender_id, raw))
            except WatchError:
                continue
            if moved:
                logger.info("conversation %s migrated from RedisTrackerStore", sender_id)
            return moved
        return False

    async def import_events(self, sender_id: Text, events: List[Dict[str, Any]], plan=None) -> int:
        """Store a whole history for a conversation that has none yet (bulk loads, benchmarks).

        `plan` is a previous `self.plan_history(events)` when the same events go to many.
        """
        checkpoint, snapshot = plan or self.plan_history(events)
        return await self.log.append(sender_id, 0, events, checkpoint, snapshot)

    def plan_history(self, events: List[Dict[str, Any]]):
        """(checkpoint, snapshot) for a whole history stored in one go."""
        _, checkpoint, snapshot = self._planned("import", events)
        return checkpoint, snapshot

    def _from_legacy(self, sender_id: Text, raw: Text):
        return self._planned(sender_id, json.loads(raw).get("events") or [])

    def _planned(self, sender_id: Text, events: List[Dict[str, Any]]):
        """(events, checkpoint, snapshot) for a history stored in one go: replayed once here."""
        advance = plan_advance(self._replayed(sender_id, _events(events)), 0)
        if advance is None:
            return events, 0, []
        return events, advance.offset, advance.snapshot


def _events(dicts: List[Dict[str, Any]]) -> List[Event]:
    events = (Event.from_parameters(d) for d in dicts)
    return [event for event in events if event is not None]


def _mark(tracker: DialogueStateTracker, position: LogPosition) -> None:
    setattr(tracker, LOG_POSITION, position)


def _url(host: Text, port: Any, db: Any, password: Optional[Text]) -> str:
    if "://" in host:
        return host
    auth = f":{password}@" if password else ""
    return f"redis://{auth}{host}:{int(port or 6379)}/{int(db or 0)}"


def _strict_agent_store() -> None:
    """Keep Rasa from wrapping this store in FailSafeTrackerStore.

    The wrapper turns a failed read into "no tracker" and a failed save into a save to
    memory, so during a Redis outage a worker would silently start a new conversation whose
    events are then lost. With this store an outage is an error the channel reports.
    """
    original = Agent._create_tracker_store

    def create(store: Optional[TrackerStore], domain: Domain) -> TrackerStore:
        if isinstance(store, EventLogTrackerStore):
            store.domain = domain
            return store
        return original(store, domain)

    if not getattr(original, "_event_log_strict", False):
        create._event_log_strict = True  # type: ignore[attr-defined]
        Agent._create_tracker_store = staticmethod(create)


_strict_agent_store()
rasa_speedups.install()  # Rasa imports this module into its server: see bot/rasa_speedups.py
