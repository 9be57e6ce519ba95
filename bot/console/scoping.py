"""Who may see what: admins and city staff see every district; district staff only their own.

An appeal belongs to its district and to the union level that owns it (its queue), so a case
sent to a district union is visible there even when the worker named no district.

A worker's conversation can touch several districts: an appeal filed in 海淀 last month, one
in 朝阳 today. So district staff see a conversation piece by piece: the turns that led to
each appeal belong to that appeal, and what came after the newest appeal (the current
conversation) belongs to the escalation's district, else to the newest appeal's. Staff see
the pieces in their remit and a note where others were left out; they may act on the
conversation (take over, reply, hand back, reveal) only when its current piece is theirs.
Another district's appeal, by ticket, looks exactly like a missing one.
"""
from __future__ import annotations

import bisect
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
    """The district of the conversation's current piece: the escalation's, else that of the
    appeal it names, else the newest appeal's (appeals come newest first)."""
    if escalation is not None and escalation.district:
        return escalation.district
    ticket = escalation.ticket_id if escalation is not None else None
    appeals = list(appeals)
    for appeal in appeals:
        if ticket and appeal.ticket_id == ticket and appeal.district:
            return appeal.district
    return appeals[0].district if appeals else None


# --- loading records within the signed-in staff member's remit ---------------------------------
OPENID = re.compile(r"[A-Za-z0-9_-]{1,64}")
NOT_FOUND_APPEAL = "没有找到这个诉求编号。"
NOT_FOUND_CONVERSATION = "没有找到这个对话。"


async def appeal_in_remit(store: AppealStore, account: Account, ticket: str) -> Appeal:
    """The appeal, or Refusal 404 when there is none in the remit: another district's ticket
    gets the same answer as a missing one, so ticket numbers cannot be probed."""
    appeal = await store.get(ticket) if normalize_ticket(ticket) else None
    if appeal is None or not can_see_appeal(account, appeal):
        raise Refusal(404, "not_found", NOT_FOUND_APPEAL)
    return appeal


@dataclass
class Conversation:
    openid: str
    escalation: Optional[Escalation]
    appeals: List[Appeal] = field(default_factory=list)  # newest first, those in the remit only
    district: Optional[str] = None  # of the current piece (after the newest appeal)
    current_visible: bool = True  # the current piece is in the remit: staff may act on it
    # Filing times (oldest first) of all the worker's appeals, and whether each is in the remit.
    filed_at: List[float] = field(default_factory=list)
    filed_visible: List[bool] = field(default_factory=list)

    def visible_at(self, at: float) -> bool:
        """Whether the turn that started at `at` is in the remit: it belongs to the first
        appeal filed at or after it, or to the current piece when none was."""
        index = bisect.bisect_left(self.filed_at, at)
        return self.filed_visible[index] if index < len(self.filed_at) else self.current_visible

    @property
    def partly_hidden(self) -> bool:
        return not self.current_visible or not all(self.filed_visible)


async def conversation_in_remit(appeals: AppealStore, escalations: EscalationStore, account: Account,
                                openid: str, acting: bool = False) -> Conversation:
    """The conversation as far as it is in the remit, or Refusal 404 / 403 (nothing of it is;
    with `acting`, its current piece is not)."""
    if not OPENID.fullmatch(openid or ""):
        raise Refusal(404, "not_found", NOT_FOUND_CONVERSATION)
    escalation = await escalations.get(openid)
    filed = await appeals.list(openid=openid, limit=1000)
    district = conversation_district(escalation, filed)
    oldest_first = sorted(filed, key=lambda appeal: appeal.created_at)
    conversation = Conversation(
        openid, escalation, [appeal for appeal in filed if can_see_appeal(account, appeal)], district,
        current_visible=_current_visible(account, escalation, filed, district),
        filed_at=[appeal.created_at for appeal in oldest_first],
        filed_visible=[can_see_appeal(account, appeal) for appeal in oldest_first])
    allowed = conversation.current_visible if acting else (conversation.current_visible or any(conversation.filed_visible))
    if not allowed:
        raise Refusal(403, "outside_remit", OUTSIDE_REMIT)
    return conversation


def _current_visible(account: Account, escalation: Optional[Escalation], filed: List[Appeal],
                     district: Optional[str]) -> bool:
    if can_see_district(account, district):
        return True
    # No district on the escalation: the newest appeal's owner (its queue) decides too.
    unplaced = escalation is None or not escalation.district
    return unplaced and bool(filed) and can_see_appeal(account, filed[0])


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
