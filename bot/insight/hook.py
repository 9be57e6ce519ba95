"""The appeal store's one call into insight: every filing and change moves the counters.

Insight must never cost a worker their appeal: a failure here is logged and swallowed, the
appeal is already safely written when this runs.
"""
from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


async def appeal_changed(store, before, after) -> None:
    try:
        from bot.insight.ingest import Insight  # late: bot.appeals imports this module

        await Insight(store.redis, store.keys, store.clock).record_appeal(before, after)
    except Exception as error:  # noqa: BLE001 - counters are secondary to the record
        logger.warning("insight: appeal %s not counted (%s)", getattr(after, "ticket_id", "?"),
                       error.__class__.__name__)
