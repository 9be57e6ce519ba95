"""The work queue: escalated conversations and open appeals in the staff member's remit,
emergencies first, then urgent ones, then by SLA deadline (queue_sla: the most overdue or
nearest first); filtered by the GET query (queue_filters); the page polls /api/queue."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web

from bot.appeals import CATEGORY_LABELS, Appeal, Status
from bot.console import presentation, privacy, queue_filters, queue_sla, scoping, staff_directory
from bot.console.accounts import Account
from bot.console.appkeys import ACCOUNTS, APPEALS, ESCALATIONS, LABELS
from bot.console.auth import current_account
from bot.console.responses import Refusal
from bot.escalations import Escalation

RANKS = {"emergency": 0, "urgent": 1, "normal": 2}
OPEN_STATUSES = [status for status in Status if not status.closed]
PER_STATUS = 300
POLL_SECONDS = 5
FILTER_NAMES = ("type", "status", "category", "assignee", "overdue")


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
    # Work-order fields: the filterable type and status codes, the SLA deadline, the worker's label.
    type: str = queue_sla.APPEAL
    status: str = ""
    category: Optional[str] = None
    assignee: Optional[str] = None  # a console username
    deadline: Optional[float] = None
    worker: str = ""

    @property
    def rank(self) -> tuple:
        # Within a priority, the nearest (or most overdue) SLA deadline first; none last.
        deadline = self.deadline if self.deadline is not None else float("inf")
        return RANKS[self.priority], deadline, self.since

    def sla_text(self, now: Optional[float] = None) -> str:
        return queue_sla.countdown(self.deadline, time.time() if now is None else now)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["priority_label"] = presentation.PRIORITY_LABELS[self.priority]
        data["type_label"] = queue_sla.TYPE_LABELS[self.type]
        data["waited"] = presentation.waited(self.since)
        data["sla"] = self.sla_text()
        return data


async def build_queue(request: web.Request, account: Account) -> List[QueueItem]:
    appeals_store, escalations = request.app[APPEALS], request.app[ESCALATIONS]
    labels = request.app[LABELS]
    names = await staff_directory.display_names(request.app[ACCOUNTS])  # 承办人 by display name
    now = time.time()
    items: List[QueueItem] = []
    for escalation in await escalations.waiting(limit=500):
        filed = await appeals_store.list(openid=escalation.openid, limit=20)
        district = escalation.district or scoping.conversation_district(escalation, filed)
        if scoping.can_see_district(account, district):
            visible = [appeal for appeal in filed if scoping.can_see_appeal(account, appeal)]
            worker = await labels.label(escalation.openid, visible)
            items.append(_conversation_item(escalation, district, visible, worker, now, names))
    # One crisis is one item: an emergency appeal shown with its waiting conversation is not repeated.
    with_conversation = {item.ticket for item in items if item.ticket and item.priority == "emergency"}
    for status in OPEN_STATUSES:
        for appeal in await scoping.appeals_in_remit(appeals_store, account, limit=PER_STATUS, status=status):
            if appeal.ticket_id not in with_conversation:
                items.append(_appeal_item(appeal, now, await labels.for_appeal(appeal), names))
    return sorted(items, key=lambda item: item.rank)


def _username(actor: Optional[str]) -> Optional[str]:
    return actor.removeprefix("staff:") if actor else None


def _conversation_item(escalation: Escalation, district: Optional[str], visible: List[Appeal], worker: str,
                       now: float, names: Dict[str, str]) -> QueueItem:
    kind = queue_sla.conversation_type(escalation.reason, escalation.priority)
    deadline = queue_sla.conversation_deadline(kind, escalation.since, escalation.state == "taken")
    named = next((appeal for appeal in visible if appeal.ticket_id == escalation.ticket_id), None)
    return QueueItem(
        id=f"conversation:{escalation.openid}",
        kind="conversation",
        url=f"/conversations/{escalation.openid}",
        priority=escalation.priority if escalation.priority in RANKS else "normal",
        since=escalation.since,
        reason=presentation.reason_label(escalation.reason),
        district=district,
        overdue=queue_sla.is_overdue(deadline, now),
        state=presentation.STATE_LABELS.get(escalation.state, escalation.state),
        staff=staff_directory.staff_label(names, _username(escalation.staff)) or None,
        ticket=escalation.ticket_id,
        summary=privacy.mask_text(escalation.excerpt or "")[:80],
        type=kind,
        status=escalation.state,
        category=named.category if named else None,
        assignee=_username(escalation.staff),
        deadline=deadline,
        worker=worker,
    )


def _appeal_item(appeal: Appeal, now: float, worker: str, names: Dict[str, str]) -> QueueItem:
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
        staff=staff_directory.staff_label(names, _username(appeal.assignee)) or None,
        ticket=appeal.ticket_id,
        summary=privacy.mask_text(appeal.description)[:80],
        type=queue_sla.appeal_type(appeal.emergency),
        status=appeal.status.value,
        category=appeal.category,
        assignee=_username(appeal.assignee),
        deadline=appeal.due_at,
        worker=worker,
    )


async def _filters(request: web.Request, account: Account) -> queue_filters.QueueFilters:
    """The query's filters, or Refusal 400 naming the bad one (nothing else happens then)."""
    try:
        chosen = queue_filters.parse(request.query, account.username)
    except queue_filters.FilterError as error:
        raise Refusal(400, "bad_filter", error.message) from None
    if chosen.assignee not in (None, queue_filters.NOBODY, account.username):
        if await request.app[ACCOUNTS].get(chosen.assignee) is None:
            raise Refusal(400, "bad_filter", f"筛选条件“承办人”的值“{chosen.assignee}”无效：没有这个工作人员账号。")
    return chosen


def _kept(items: List[QueueItem], chosen: queue_filters.QueueFilters) -> List[QueueItem]:
    return [item for item in items
            if chosen.matches(item.type, item.status, item.category, item.assignee, item.overdue)]


async def _assignee_choices(request: web.Request, account: Account) -> List[Account]:
    """Accounts offered in the 承办人 filter: everyone for the city, one's own district otherwise."""
    found = await request.app[ACCOUNTS].list()
    return [other for other in found
            if other.active and (account.sees_all_districts or other.district == account.district)]


def _context(all_items: List[QueueItem], items: List[QueueItem], chosen: queue_filters.QueueFilters,
             query: str) -> dict:
    now = time.time()
    return {
        "items": items,
        "now": now,
        # Emergencies alert whatever the filter: a crisis must never hide behind "type=appeal".
        "emergencies": [item.id for item in all_items if item.priority == "emergency"],
        "counts": {
            "conversations": sum(item.kind == "conversation" for item in items),
            "appeals": sum(item.kind == "appeal" for item in items),
            "emergency": sum(item.priority == "emergency" for item in items),
            "overdue": sum(item.overdue for item in items),
        },
        "total": len(all_items),
        "filters": chosen,
        "query": query,
        "poll_seconds": POLL_SECONDS,
        "type_labels": queue_sla.TYPE_LABELS,
        "status_labels": queue_filters.STATUS_LABELS,
        "category_labels": CATEGORY_LABELS,
    }


async def _queue_context(request: web.Request) -> dict:
    account = current_account(request)
    chosen = await _filters(request, account)
    all_items = await build_queue(request, account)
    query = urlencode([(key, value) for key, value in request.query.items() if key in FILTER_NAMES and value])
    return _context(all_items, _kept(all_items, chosen), chosen, query)


async def queue_page(request: web.Request) -> web.StreamResponse:
    context = await _queue_context(request)
    context["assignees"] = await _assignee_choices(request, current_account(request))
    return aiohttp_jinja2.render_template("queue.html", request, context)


async def queue_api(request: web.Request) -> web.StreamResponse:
    """The queue as data, plus the table rows rendered by the same template as the page."""
    context = await _queue_context(request)
    items = context["items"]
    rows = aiohttp_jinja2.render_string("queue_rows.html", request, context)
    return web.json_response({
        "items": [item.to_dict() for item in items],
        "emergencies": context["emergencies"],
        "counts": context["counts"],
        "total": context["total"],
        "rows_html": rows,
        "summary_html": aiohttp_jinja2.render_string("queue_summary.html", request, context),
        "generated_at": time.time(),
    })
