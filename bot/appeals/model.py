"""An appeal (诉求) as the union records it, and the rules that apply when one is filed."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Optional

from bot.appeals import validation as valid
from bot.appeals.errors import AppealError, AppealNotFound  # noqa: F401  (re-exported)
from bot.appeals.status import LABELS, STEP_LIMIT, TRANSITIONS, Status, due_at, parse_status  # noqa: F401

# This many workers make an appeal collective (群体性), which is always urgent.
COLLECTIVE_HEADCOUNT = 10
# Wages owed to this many workers together is a group wage case (群体性欠薪), also collective.
GROUP_WAGES_HEADCOUNT = 3
# Chinese stays readable in redis-cli; compact separators keep records small.
JSON_STYLE = {"ensure_ascii": False, "separators": (",", ":")}


@dataclass(frozen=True)
class StatusChange:
    """One step in the appeal's history: who moved it, from where to where, and why.

    `from_status` is None for the filing itself. `queue` and `assignee` record where a
    (re-)assignment sent it, so the history alone shows who owned the case when.
    """

    at: float
    actor: str
    from_status: Optional[Status]
    to_status: Status
    note: str = ""
    queue: Optional[str] = None
    assignee: Optional[str] = None

    def to_dict(self) -> dict:
        return {
            "at": self.at,
            "actor": self.actor,
            "from_status": self.from_status.value if self.from_status else None,
            "to_status": self.to_status.value,
            "note": self.note,
            "queue": self.queue,
            "assignee": self.assignee,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "StatusChange":
        source = data.get("from_status")
        return cls(
            at=float(data["at"]),
            actor=data["actor"],
            from_status=Status(source) if source else None,
            to_status=Status(data["to_status"]),
            note=data.get("note") or "",
            queue=data.get("queue"),
            assignee=data.get("assignee"),
        )


@dataclass
class Appeal:
    ticket_id: str
    category: str
    description: str
    employer: Optional[str] = None
    district: Optional[str] = None
    headcount: Optional[int] = None
    amount: Optional[str] = None
    phone: Optional[str] = None
    name: Optional[str] = None  # None: the worker stays anonymous
    openid: Optional[str] = None  # the WeChat user who owns the appeal
    channel: str = "wechat"
    consent: bool = False
    collective: bool = False
    urgent: bool = False
    emergency: bool = False
    status: Status = Status.SUBMITTED
    queue: str = valid.CITY_QUEUE
    assignee: Optional[str] = None
    created_at: float = 0.0
    updated_at: float = 0.0
    due_at: Optional[float] = None  # when the current step must be left; None once closed
    evidence: list = field(default_factory=list)  # {"type", "media_id", "title", "at"}
    history: list = field(default_factory=list)  # StatusChange, oldest first
    notes: list = field(default_factory=list)  # {"at", "actor", "text"}
    satisfaction: Optional[int] = None
    satisfaction_comment: Optional[str] = None
    # Set when the worker's personal fields were erased (on request, or by retention).
    personal_data_erased_at: Optional[float] = None
    # The worker's own words beside the parsed figures ("五六个人", "每人四五千 一共两万多"),
    # and since when it has been going on ("从9月开始"): staff see what was actually said.
    headcount_words: Optional[str] = None
    amount_words: Optional[str] = None
    since: Optional[str] = None
    reopened: int = 0  # 重办: how many times the worker's 回访 sent it back to be worked again
    # Staff-only work-order log (工单记录): field corrections, assignment, 转办, merges, each
    # {"at", "actor", "kind", "field", "before", "after", "reason"}. Unlike `history` notes,
    # which the worker reads in status answers, nothing here ever reaches the worker.
    worklog: list = field(default_factory=list)
    merged_into: Optional[str] = None  # the primary appeal this duplicate was merged into
    merged_from: list = field(default_factory=list)  # duplicates merged into this one
    # The staff username who filed it for a caller (工单录入 in the console); None: the worker did.
    filed_by: Optional[str] = None

    def overdue(self, now: float) -> bool:
        """督办: the current step was not left by its due time."""
        return self.due_at is not None and now > self.due_at

    def belongs_to(self, openid: Optional[str] = None, phone: Optional[str] = None) -> bool:
        """Whether this WeChat user, or the holder of this phone number, filed it."""
        if openid and self.openid == openid:
            return True
        return bool(phone) and self.phone is not None and self.phone == _phone_or_none(phone)

    def owner_actors(self) -> set:
        """The actor names under which the worker who filed it acts (see worker_actor)."""
        return {worker_actor(openid=self.openid), worker_actor(phone=self.phone)} - {None}

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["status"] = self.status.value
        data["history"] = [change.to_dict() for change in self.history]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), **JSON_STYLE)

    @classmethod
    def from_json(cls, raw: str) -> "Appeal":
        return cls.from_dict(json.loads(raw))

    @classmethod
    def from_dict(cls, data: dict) -> "Appeal":
        # Unknown keys are ignored so an older reader can still open newer records.
        known = {f.name for f in dataclasses.fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["status"] = Status(values.get("status", Status.SUBMITTED.value))
        values["history"] = [StatusChange.from_dict(change) for change in values.get("history", [])]
        values["evidence"] = [dict(item) for item in values.get("evidence", [])]
        values["notes"] = [dict(item) for item in values.get("notes", [])]
        values["worklog"] = [dict(item) for item in values.get("worklog", [])]
        values["merged_from"] = list(values.get("merged_from", []))
        return cls(**values)


def group_wages(category: Optional[str], headcount: Optional[int]) -> bool:
    """Wages owed to a group: the filing passes this as `group_wages`, corrections recompute it."""
    return category == "wage_arrears" and (headcount or 1) >= GROUP_WAGES_HEADCOUNT


def is_collective(category: Optional[str], headcount: Optional[int]) -> bool:
    """The filing's rule for 群体性: enough workers, or wages owed to a group."""
    return (headcount is not None and headcount >= COLLECTIVE_HEADCOUNT) or group_wages(category, headcount)


def worker_actor(openid: Optional[str] = None, phone: Optional[str] = None) -> Optional[str]:
    """How history names the worker: "worker:<openid>" (or "worker:<phone>" off WeChat)."""
    owner = openid or phone
    return f"worker:{owner}" if owner else None


def new_appeal(
    ticket_id: str,
    now: float,
    *,
    description: str,
    category: str = "other",
    employer: Optional[str] = None,
    district: Optional[str] = None,
    headcount: Any = None,
    amount: Optional[str] = None,
    phone: Any = None,
    name: Optional[str] = None,
    openid: Optional[str] = None,
    channel: str = "wechat",
    consent: bool = False,
    group_wages: bool = False,
    urgent: bool = False,
    emergency: bool = False,
    actor: Optional[str] = None,
    headcount_words: Optional[str] = None,
    amount_words: Optional[str] = None,
    since: Optional[str] = None,
    filed_by: Optional[str] = None,
) -> Appeal:
    """A validated, just-filed appeal (已受理) with its first history entry.

    `group_wages`: the worker says wages are owed to a group — collective whatever the
    headcount. Collective appeals and emergencies are always urgent (quarter deadlines).
    """
    people = valid.headcount(headcount)
    owner = valid.identifier(openid, "openid")
    mobile = valid.phone(phone)
    if owner is None and mobile is None:
        # Without either, the worker could never see the appeal again (owned_by).
        raise AppealError("an appeal needs an owner: a WeChat openid or a phone number", code="no_owner", field="openid")
    collective = (people is not None and people >= COLLECTIVE_HEADCOUNT) or valid.flag(group_wages, "group_wages")
    emergency = valid.flag(emergency, "emergency")
    urgent = valid.flag(urgent, "urgent") or collective or emergency
    place = valid.district(district)
    queue = valid.queue_for(place)
    who = valid.actor(actor) if actor is not None else worker_actor(owner, mobile)
    return Appeal(
        ticket_id=ticket_id,
        category=valid.category(category),
        description=valid.description(description),
        employer=valid.text(employer, "employer", 200),
        district=place,
        headcount=people,
        amount=valid.text(amount, "amount", 64),
        phone=mobile,
        name=valid.text(name, "name", 50),
        openid=owner,
        channel=valid.channel(channel),
        consent=valid.flag(consent, "consent"),
        collective=collective,
        urgent=urgent,
        emergency=emergency,
        status=Status.SUBMITTED,
        queue=queue,
        created_at=now,
        updated_at=now,
        due_at=due_at(Status.SUBMITTED, urgent, now),
        history=[StatusChange(now, who, None, Status.SUBMITTED, queue=queue)],
        headcount_words=valid.text(headcount_words, "headcount_words", 64),
        amount_words=valid.text(amount_words, "amount_words", 100),
        since=valid.text(since, "since", 64),
        filed_by=valid.text(filed_by, "filed_by", 32),
    )


def _phone_or_none(phone: Any) -> Optional[str]:
    # A malformed number simply matches nobody; ownership checks never raise.
    try:
        return valid.phone(phone)
    except AppealError:
        return None
