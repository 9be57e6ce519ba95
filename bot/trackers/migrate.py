"""`make migrate`: move every tracker Rasa's RedisTrackerStore wrote (`tracker:<id>`) into the
event log. Idempotent: a moved tracker's legacy key is gone, so a second run finds nothing.
The store also migrates a conversation on its first read, so running this is optional; it
spares the first turn of each old conversation the one-time cost.
"""
from __future__ import annotations

import asyncio
import sys
from typing import List

from rasa.shared.core.domain import Domain

from bot.redis_keys import RedisKeys
from bot.settings import ROOT, Settings, SettingsError
from bot.trackers.store import EventLogTrackerStore


async def migrate_all(store: EventLogTrackerStore) -> List[str]:
    """Migrate every legacy tracker; returns the conversations moved by this call."""
    moved = []
    prefix = RedisKeys.legacy_tracker("")
    redis = store.log.redis
    async for key in redis.scan_iter(RedisKeys.legacy_tracker_pattern(), count=500):
        sender_id = key[len(prefix):]
        if await store.migrate(sender_id):
            moved.append(sender_id)
    return moved


async def _main() -> int:
    store = EventLogTrackerStore(Domain.load(str(ROOT / "bot" / "domain")))
    try:
        moved = await migrate_all(store)
    finally:
        await store.log.redis.close()
    print(f"migrated {len(moved)} conversation(s) from RedisTrackerStore")
    return 0


def main() -> int:
    try:
        Settings.from_env()
    except SettingsError as error:
        print(f"Configuration error — {error}", file=sys.stderr)
        return 2
    return asyncio.run(_main())


if __name__ == "__main__":
    sys.exit(main())
