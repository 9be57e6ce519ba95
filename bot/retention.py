"""The retention sweep: nothing about a worker is kept longer than RETENTION_DAYS (default
180, 个人信息保护法: no longer than the purpose needs).

    python -m bot.retention            # sweep now and print what went
    python -m bot.retention --dry-run  # only count

Run it daily (cron, or a systemd timer next to the other units). What it does, each step
safe to repeat and to interrupt:
- closed appeals (办结/回访/撤回) last changed before the cutoff keep their record for the
  union, with the worker's personal fields erased (bot/appeals/erasure.py); open appeals
  are still being handled and stay as they are;
- escalations waiting since before the cutoff leave the human queue;
- time-stamped per-worker lists (what staff wrote, media sent) and the emergency alerts lose
  their entries older than the cutoff; a shared location older than it is deleted, and so
  is the subscription record of a worker who unsubscribed before it;
- failed-login records older than the cutoff go (they hold typed usernames and addresses);
- Rasa's trackers: the tracker store's TrackerHook.sweep (bot/trackers/hook.py; see
  bot/personal_data.py); until then the summary says the conversations were not swept.
The staff audit log is the union's record of who did what and holds identifiers, never
message text; it is not swept here.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Optional

from redis.asyncio import Redis

from bot.appeals import AppealStore
from bot.escalations import EscalationStore
from bot.personal_data import TrackerHook, rewrite_alerts
from bot.redis_keys import RedisKeys
from bot.trackers.hook import EventLogTrackerHook
from bot.settings import Settings, settings_or_exit

DAY_S = 24 * 60 * 60
ACTOR = "system:retention"

# Pop entries off the head of a JSON list (oldest first) while their ARGV[2] time is before ARGV[1].
_TRIM_OLD_LUA = """
local dropped = 0
while true do
  local head = redis.call('LINDEX', KEYS[1], 0)
  if not head then break end
  local ok, item = pcall(cjson.decode, head)
  local at = ok and type(item) == 'table' and tonumber(item[ARGV[2]]) or nil
  if at == nil or at >= tonumber(ARGV[1]) then break end
  redis.call('LPOP', KEYS[1])
  dropped = dropped + 1
end
return dropped
"""


class RetentionSweep:
    def __init__(self, redis: Redis, keys: RedisKeys, retention_days: int,
                 trackers: Optional[TrackerHook] = None):
        self._redis = redis
        self._keys = keys
        self._days = retention_days
        self._appeals = AppealStore(redis, keys)
        self._escalations = EscalationStore(redis, keys, appeals=self._appeals)
        self._trackers = trackers
        self._trim_old = redis.register_script(_TRIM_OLD_LUA)

    def cutoff(self, now: Optional[float] = None) -> float:
        return (time.time() if now is None else now) - self._days * DAY_S

    async def run(self, now: Optional[float] = None, dry_run: bool = False) -> dict:
        cutoff = self.cutoff(now)
        summary = {"retention_days": self._days, "cutoff": cutoff, "dry_run": dry_run}
        summary["appeals_erased"] = await self._appeals_past(cutoff, dry_run)
        old = await self._escalations.waiting_since_before(cutoff)
        if not dry_run:
            for openid in old:
                await self._escalations.release(openid)
        summary["escalations_removed"] = len(old)
        if dry_run:
            return summary
        summary["staff_replies_removed"] = await self._trim_lists(self._keys.console_staff_replies("*"), cutoff)
        summary["staff_notes_removed"] = await self._trim_lists(self._keys.console_conversation_notes("*"), cutoff)
        summary["media_removed"] = await self._trim_lists(self._keys.wechat_media("*"), cutoff)
        summary["alerts_erased"] = await rewrite_alerts(
            self._redis, self._keys, lambda alert: None if float(alert.get("at") or 0) < cutoff else alert)
        summary["login_failures_removed"] = await self._trim_old(
            keys=[self._keys.console_login_audit()], args=[repr(cutoff), "at"])
        summary["locations_removed"] = await self._old_locations(cutoff)
        summary["unsubscribed_removed"] = await self._old_unsubscribed(cutoff)
        if self._trackers is not None:
            summary["conversations_removed"] = await self._trackers.sweep(cutoff)
        else:
            summary["conversations_removed"] = None  # the tracker store's hook is not wired yet
        return summary

    async def _appeals_past(self, cutoff: float, dry_run: bool) -> int:
        count = 0
        async for appeal in self._appeals.closed_before(cutoff):
            if not dry_run:
                await self._appeals.erase_personal(appeal.ticket_id, ACTOR, f"超过保存期限 {self._days} 天")
            count += 1
        return count

    async def _trim_lists(self, pattern: str, cutoff: float) -> int:
        dropped = 0
        async for key in self._redis.scan_iter(match=pattern, count=500):
            dropped += await self._trim_old(keys=[key], args=[repr(cutoff), "at"])
        return dropped

    async def _old_locations(self, cutoff: float) -> int:
        removed = 0
        async for key in self._redis.scan_iter(match=self._keys.wechat_location("*"), count=500):
            raw = await self._redis.get(key)
            try:
                at = float(json.loads(raw).get("at") or 0) if raw else None
            except (ValueError, AttributeError):
                at = 0.0
            if at is not None and at < cutoff:
                removed += await self._redis.delete(key)
        return removed

    async def _old_unsubscribed(self, cutoff: float) -> int:
        removed = 0
        async for key in self._redis.scan_iter(match=self._keys.wechat_follower("*"), count=500):
            record = await self._redis.hgetall(key)
            try:
                until = float(record.get("until") or "inf")
            except ValueError:
                until = 0.0
            if record.get("subscribed") == "0" and until < cutoff:
                removed += await self._redis.delete(key)
        return removed


async def sweep(settings: Settings, dry_run: bool = False, trackers: Optional[TrackerHook] = None) -> dict:
    redis = Redis.from_url(settings.redis.url, decode_responses=True)
    keys = RedisKeys(settings.key_prefix)
    trackers = trackers or EventLogTrackerHook(redis, keys, settings.retention_days * 24 * 3600)
    try:
        return await RetentionSweep(redis, keys, settings.retention_days, trackers).run(dry_run=dry_run)
    finally:
        await redis.close(close_connection_pool=True)


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.retention", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="count what would go, change nothing")
    args = parser.parse_args(argv)
    settings = settings_or_exit()
    summary = asyncio.run(sweep(settings, args.dry_run))
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if summary.get("conversations_removed", 0) is None and not args.dry_run:
        print("note: Rasa trackers were not swept (no TrackerHook from the tracker store yet)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
