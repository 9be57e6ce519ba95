"""Start-up check: the Rasa server keeps its conversations in Redis, never in memory.

Rasa 3.6 builds a configured tracker store class by import path and, when that import fails
(ImportError or AttributeError: a typo in bot/endpoints.yml, a broken module), silently uses
an InMemoryTrackerStore instead (`_load_from_module_name_in_endpoint_config` in
rasa/core/tracker_store.py). Each server process would then hold its own copy of every
conversation, forking them, and lose them all on restart. The WeChat channel calls
`refuse_in_memory` once the agent is loaded, so such a server stops instead of serving.
(A Redis failure during a turn is the store's business: bot/trackers/store.py raises.)
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore

logger = logging.getLogger(__name__)


class TrackerStoreUnavailable(RuntimeError):
    """The server has no persistent tracker store."""


def refuse_in_memory(agent: Any) -> None:
    store = getattr(agent, "tracker_store", None)
    # Rasa's wrappers (FailSafeTrackerStore, AwaitableTrackerStore) keep the real store here.
    while getattr(store, "_tracker_store", None) is not None:
        store = store._tracker_store
    if store is None or isinstance(store, InMemoryTrackerStore):
        raise TrackerStoreUnavailable(
            "the Rasa server has no persistent tracker store (check tracker_store in bot/endpoints.yml "
            "and that its class imports); refusing to serve conversations from memory")
    logger.info("tracker store: %s", type(store).__name__)
