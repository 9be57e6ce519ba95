"""Which index sorted sets hold an appeal, and the writes that keep them in step with it.

Every index is derived from the appeal itself, so a change only needs the appeal before
and after: leave the sets it no longer belongs to, join (or re-score) the ones it does.
"""
from __future__ import annotations

from bot.appeals.model import Appeal
from bot.redis_keys import RedisKeys


def memberships(keys: RedisKeys, appeal: Appeal) -> dict:
    """Index key → score for `appeal`: creation time everywhere, due time in the due index."""
    created = appeal.created_at
    found = {
        keys.appeals_by_created(): created,
        keys.appeals_by_status(appeal.status.value): created,
        keys.appeals_by_queue(appeal.queue): created,
    }
    if appeal.district:
        found[keys.appeals_by_district(appeal.district)] = created
    if appeal.openid:
        found[keys.appeals_by_openid(appeal.openid)] = created
    if appeal.phone:
        found[keys.appeals_by_phone(appeal.phone)] = created
    if appeal.assignee:
        found[keys.appeals_by_assignee(appeal.assignee)] = created
    if appeal.due_at is not None:
        found[keys.appeals_due()] = appeal.due_at
    return found


def queue_index_changes(pipe, keys: RedisKeys, before: Appeal, after: Appeal) -> None:
    """Queue on a MULTI pipeline the ZREM/ZADDs that move `before`'s entries to `after`'s."""
    old, new = memberships(keys, before), memberships(keys, after)
    for key in old.keys() - new.keys():
        pipe.zrem(key, after.ticket_id)
    for key, score in new.items():
        if old.get(key) != score:
            pipe.zadd(key, {after.ticket_id: score})
