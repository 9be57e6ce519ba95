"""The work queue: escalated conversations and open appeals in the staff member's remit,
emergencies first, then urgent ones, then the longest waiting; the page polls /api/queue."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import List, Optional

import aiohttp_jinja2
from aiohttp import web

from bot.appeals import Appeal, Status
from bot.console import presentation, privacy, scoping
from bot.console.accounts import Account
from bot.console.appkeys import APPEALS, ESCALATIONS
from bot.console.auth import current_account
from bot.escalations import Escalation

RANKS = {"emergency": 0, "urgent": 1, "normal": 2}
OPEN_STATUSES = [status for status in Status if not status.closed]
PER_STATUS = 300
POLL_SECONDS = 5


@dataclass
class QueueItem:
    id: str  # "conversation:<openid>" or "appeal:<ticket>": stable across polls
    kind: str  # conversation | appeal
    url: str
    priority: str  # emergency | urgent | normal
    since: float
    reason: str
    district: Optional[str]
    overdue: bool = False
    state: str = ""
    staff: Optional[str] = None
    ticket: Optional[str] = None
    summary: str = ""

    @property
    def rank(self) -> tuple:
        return RANKS[self.priority], self.since

    def to_dict(self) -> dict:
        data = asdict(self)
        data["priority_label"] = presentation.PRIORITY_LABELS[self.priority]
        data["waited"] = presentation.waited(self.since)
        return data


async def build_queue(request: web.Request, account: Account) -> List[QueueItem]:
    appeals_store, escalations = request.app[APPEALS], request.app[ESCALATIONS]
    now = time.time()
    items: List[QueueItem] = []
    for escalation in await escalations.waiting(limit=500):
        district = escalation.district
        if district is None:
            filed = await appeals_store.list(openid=escalation.openid, limit=20)
            district = scoping.conversation_district(escalation, filed)
        if scoping.can_see_district(account, district):
            items.append(_conversation_item(escalation, district))
    # One crisis is one item: an emergency appeal shown with its waiting conversation is not repeated.
    with_conversation = {item.ticket for item in items if item.ticket and item.priority == "emergency"}
    for status in OPEN_STATUSES:
        for appeal in await scoping.appeals_in_remit(appeals_store, account, limit=PER_STATUS, status=status):
            if appeal.ticket_id not in with_conversation:
                items.append(_appeal_item(appeal, now))
    return sorted(items, key=lambda item: item.rank)


def _conversation_item(escalation: Escalation, district: Optional[str]) -> QueueItem:
    return QueueItem(
        id=f"conversation:{escalation.openid}",
        kind="conversation",
        url=f"/conversations/{escalation.openid}",
        priority=escalation.priority if escalation.priority in RANKS else "normal",
        since=escalation.since,
        reason=presentation.reason_label(escalation.reason),
        district=district,
        state=presentation.STATE_LABELS.get(escalation.state, escalation.state),
        staff=presentation.actor_label(escalation.staff) or None,
        ticket=escalation.ticket_id,
        summary=privacy.mask_text(escalation.excerpt or "")[:80],
    )


def _appeal_item(appeal: Appeal, now: float) -> QueueItem:
    priority = "emergency" if appeal.emergency else "urgent" if appeal.urgent else "normal"
    summary = presentation.category_label(appeal.category)
    if appeal.employer:
        summary += f" · {appeal.employer}"
    if appeal.collective:
        summary += " · 群体性"
    return QueueItem(
        id=f"appeal:{appeal.ticket_id}",
        kind="appeal",
        url=f"/appeals/{appeal.ticket_id}",
        priority=priority,
        since=appeal.created_at,
        reason=summary,
        district=appeal.district,
        overdue=appeal.overdue(now),
        state=appeal.status.label,
        staff=appeal.assignee,
        ticket=appeal.ticket_id,
        summary=privacy.mask_text(appeal.description)[:80],
    )


def _context(items: List[QueueItem]) -> dict:
    return {
        "items": items,
        "emergencies": [item.id for item in items if item.priority == "emergency"],
        "counts": {
            "conversations": sum(item.kind == "conversation" for item in items),
            "appeals": sum(item.kind == "appeal" for item in items),
            "emergency": sum(item.priority == "emergency" for item in items),
            "overdue": sum(item.overdue for item in items),
        },
        "poll_seconds": POLL_SECONDS,
    }


async def queue_page(request: web.Request) -> web.StreamResponse:
    items = await build_queue(request, current_account(request))
    return aiohttp_jinja2.render_template("queue.html", request, _context(items))


async def queue_api(request: web.Request) -> web.StreamResponse:
    """The queue as data, plus the table rows rendered by the same template as the page."""
    items = await build_queue(request, current_account(request))
    context = _context(items)
    rows = aiohttp_jinja2.render_string("queue_rows.html", request, context)
    return web.json_response({
        "items": [item.to_dict() for item in items],
        "emergencies": context["emergencies"],
        "counts": context["counts"],
        "rows_html": rows,
        "summary_html": aiohttp_jinja2.render_string("queue_summary.html", request, context),
        "generated_at": time.time(),
    })
