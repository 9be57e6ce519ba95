"""Who may see what: admins and city staff see every district; district staff only their own.

An appeal belongs to its district and to the union level that owns it (its queue), so a case
sent to a district union is visible there even when the worker named no district. A
conversation belongs to its escalation's district, else to the district of the worker's
newest appeal; a conversation of unknown district is for city staff and admins only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Set

from bot.appeals import Appeal, AppealStore
from bot.appeals.tickets import normalize_ticket
from bot.appeals.validation import DISTRICT_QUEUE
from bot.console.accounts import Account
from bot.console.responses import Refusal
from bot.escalations import Escalation, EscalationStore

OUTSIDE_REMIT = "该记录不属于您所在区，无权查看或办理。"


def can_see_district(account: Account, district: Optional[str]) -> bool:
    if account.sees_all_districts:
        return True
    return district is not None and district == account.district


def appeal_districts(appeal: Appeal) -> Set[str]:
    found = {appeal.district} if appeal.district else set()
    if appeal.queue.startswith(DISTRICT_QUEUE):
        found.add(appeal.queue[len(DISTRICT_QUEUE):])
    return found


def can_see_appeal(account: Account, appeal: Appeal) -> bool:
    if account.sees_all_districts:
        return True
    return account.district in appeal_districts(appeal)


def conversation_district(escalation: Optional[Escalation], appeals: Iterable[Appeal]) -> Optional[str]:
    """The escalation's district, else the newest appeal's (appeals come newest first)."""
    if escalation is not None and escalation.district:
        return escalation.district
    ticket = escalation.ticket_id if escalation is not None else None
    appeals = list(appeals)
    for appeal in appeals:
        if ticket and appeal.ticket_id == ticket and appeal.district:
            return appeal.district
    for appeal in appeals:
        if appeal.district:
            return appeal.district
    return None


# --- loading records within the signed-in staff member's remit ---------------------------------
OPENID = re.compile(r"[A-Za-z0-9_-]{1,64}")
NOT_FOUND_APPEAL = "没有找到这个诉求编号。"
NOT_FOUND_CONVERSATION = "没有找到这个对话。"


async def appeal_in_remit(store: AppealStore, account: Account, ticket: str) -> Appeal:
    """The appeal, or Refusal 404 (no such ticket) / 403 (another district's)."""
    appeal = await store.get(ticket) if normalize_ticket(ticket) else None
    if appeal is None:
        raise Refusal(404, "not_found", NOT_FOUND_APPEAL)
    if not can_see_appeal(account, appeal):
        raise Refusal(403, "outside_remit", OUTSIDE_REMIT)
    return appeal


@dataclass
class Conversation:
    openid: str
    escalation: Optional[Escalation]
    appeals: List[Appeal] = field(default_factory=list)  # newest first, all of the worker's
    district: Optional[str] = None


async def conversation_in_remit(appeals: AppealStore, escalations: EscalationStore, account: Account,
                                openid: str) -> Conversation:
    """The conversation's escalation and appeals, or Refusal 404 / 403 (outside the remit)."""
    if not OPENID.fullmatch(openid or ""):
        raise Refusal(404, "not_found", NOT_FOUND_CONVERSATION)
    escalation = await escalations.get(openid)
    filed = await appeals.list(openid=openid, limit=100)
    district = conversation_district(escalation, filed)
    if not can_see_district(account, district):
        raise Refusal(403, "outside_remit", OUTSIDE_REMIT)
    return Conversation(openid, escalation, filed, district)


async def appeals_in_remit(store: AppealStore, account: Account, limit: int = 100, **filters) -> List[Appeal]:
    """store.list(**filters) limited to the remit: for district staff, the appeals of their
    district and those their district union owns (its queue), merged, newest first."""
    if account.sees_all_districts:
        return await store.list(limit=limit, **filters)
    if filters.get("district") not in (None, account.district):
        raise Refusal(403, "outside_remit", OUTSIDE_REMIT)
    filters.pop("district", None)
    by_district = await store.list(district=account.district, limit=limit, **filters)
    queue = filters.pop("queue", None)
    own_queue = f"{DISTRICT_QUEUE}{account.district}"
    by_queue = [] if queue not in (None, own_queue) else await store.list(queue=own_queue, limit=limit, **filters)
    merged = {appeal.ticket_id: appeal for appeal in [*by_district, *by_queue]}
    return sorted(merged.values(), key=lambda appeal: appeal.created_at, reverse=True)[:limit]
