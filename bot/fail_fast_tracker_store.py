"""Rasa's Redis tracker store, made to fail loudly instead of forking a conversation.

Rasa 3.6 wraps every tracker store in `FailSafeTrackerStore` (rasa/core/agent.py,
`Agent._create_tracker_store`). When Redis cannot be reached its `retrieve` returns None — the
processor then starts a fresh, empty tracker — and its `save` writes to an in-memory store.
When Redis is back, the next save of that fresh tracker overwrites the worker's real history
in Redis: the conversation forks and the earlier turns (an appeal half filed, a pause by
staff) are gone. Here the error propagates instead: the turn fails, and the channel answers
the worker calmly and records the follow-up (bot/follow_up.py).

It also refuses to start without Redis (a ping at construction), and bounds every Redis call
so a hung server fails a turn rather than freezing the event loop.

Configured in bot/endpoints.yml (`tracker_store.type`). Rasa's loader itself falls back to
memory when a configured class cannot be imported (`_load_from_module_name_in_endpoint_config`),
so the server also checks at start-up that its store is not in memory (`refuse_in_memory`,
called by the WeChat channel). Self-contained on purpose: the project's own tracker store can
replace it without touching anything else.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Optional

from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, RedisTrackerStore, TrackerStore
from redis.exceptions import BusyLoadingError, RedisError

logger = logging.getLogger(__name__)

STARTUP_WAIT_S = 15.0  # Redis may still be loading its AOF when the server starts
CONNECT_TIMEOUT_S = 2.0
CALL_TIMEOUT_S = 5.0


class TrackerStoreUnavailable(ConnectionError):
    """Redis did not answer; no tracker is made up in its place."""


class FailFastRedisTrackerStore(RedisTrackerStore):
    def __init__(self, *args: Any, startup_wait: float = STARTUP_WAIT_S, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Applied to every connection the pool opens from now on (none is open yet).
        self.red.connection_pool.connection_kwargs.update(
            socket_connect_timeout=CONNECT_TIMEOUT_S, socket_timeout=CALL_TIMEOUT_S)
        _wait_until_reachable(self.red, float(startup_wait))


def _wait_until_reachable(client: Any, startup_wait: float) -> None:
    deadline = time.monotonic() + startup_wait
    while True:
        try:
            client.ping()
            return
        except BusyLoadingError:
            pass
        except RedisError as error:
            if time.monotonic() >= deadline:
                # A builtin ConnectionError: Rasa reports "Cannot connect to tracker store" and
                # the server does not start, rather than serving from memory.
                raise TrackerStoreUnavailable(f"tracker store Redis unreachable: {error}") from error
        time.sleep(0.5)


def _refuse(error: Exception) -> None:
    raise TrackerStoreUnavailable(f"tracker store Redis failed: {error}") from error


def refuse_in_memory(agent: Any) -> None:
    """Start-up check for the server: its conversations must live in Redis, never in memory."""
    store = getattr(agent, "tracker_store", None)
    while getattr(store, "_tracker_store", None) is not None:
        store = store._tracker_store
    if store is None or isinstance(store, InMemoryTrackerStore):
        raise TrackerStoreUnavailable("the Rasa server has no persistent tracker store (check bot/endpoints.yml "
                                      "and that its tracker store class imports); refusing to serve from memory")
    logger.info("tracker store: %s", type(store).__name__)


def _wraps_fail_fast(store: Optional[TrackerStore]) -> bool:
    # FailSafeTrackerStore and AwaitableTrackerStore both keep the wrapped store here.
    while store is not None:
        if isinstance(store, FailFastRedisTrackerStore):
            return True
        store = getattr(store, "_tracker_store", None)
    return False


_rasa_create_tracker_store = Agent._create_tracker_store


def _create_tracker_store(store: Optional[TrackerStore], domain: Any) -> TrackerStore:
    """Rasa's own wrapping, with the fallback switched off for this store: the wrapper's
    error callback raises, so neither `retrieve` nor `save` reaches the in-memory store."""
    wrapped = _rasa_create_tracker_store(store, domain)
    if isinstance(wrapped, FailSafeTrackerStore) and _wraps_fail_fast(wrapped):
        wrapped._on_tracker_store_error = _refuse
    return wrapped


# Installed when Rasa imports this module to build the store from endpoints.yml, which is
# before it constructs the Agent that wraps the store.
Agent._create_tracker_store = staticmethod(_create_tracker_store)
