"""What staff (or a worker's status query) ask the store for, checked once and matched
against each appeal. The store picks the narrowest index; these filters decide the rest."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from bot.appeals import validation as valid
from bot.appeals.errors import AppealError
from bot.appeals.model import Appeal
from bot.appeals.status import Status, parse_status
from bot.redis_keys import RedisKeys

LIMIT_MAX = 1000


@dataclass(frozen=True)
class Filters:
    status: Optional[Status] = None
    queue: Optional[str] = None
    district: Optional[str] = None
    openid: Optional[str] = None
    phone: Optional[str] = None
    employer: Optional[str] = None  # folded for a case- and width-insensitive substring match
    since: Optional[float] = None
    until: Optional[float] = None
    overdue: Optional[bool] = None
    assignee: Optional[str] = None  # a console username (承办人)

    @classmethod
    def build(cls, status=None, queue=None, district=None, openid=None, phone=None, employer=None,
              since=None, until=None, overdue=None, assignee=None) -> "Filters":
        return cls(
            status=parse_status(status) if status is not None else None,
            queue=valid.queue(queue) if queue is not None else None,
            district=valid.district(district),
            openid=valid.identifier(openid, "openid"),
            phone=valid.phone(phone),
            employer=fold(valid.text(employer, "employer", 200)),
            since=epoch(since, "since"),
            until=epoch(until, "until"),
            overdue=valid.flag(overdue, "overdue") if overdue is not None else None,
            assignee=valid.text(assignee, "assignee", 100),
        )

    def indexes(self, keys: RedisKeys) -> list:
        """Index keys that hold every match (any one of them will do); creation order."""
        candidates = [
            keys.appeals_by_openid(self.openid) if self.openid else None,
            keys.appeals_by_phone(self.phone) if self.phone else None,
            keys.appeals_by_assignee(self.assignee) if self.assignee else None,
            keys.appeals_by_queue(self.queue) if self.queue else None,
            keys.appeals_by_district(self.district) if self.district else None,
            keys.appeals_by_status(self.status.value) if self.status else None,
        ]
        return [key for key in candidates if key] or [keys.appeals_by_created()]

    def matches(self, appeal: Appeal, now: float) -> bool:
        checks = (
            self.status is None or appeal.status is self.status,
            self.queue is None or appeal.queue == self.queue,
            self.district is None or appeal.district == self.district,
            self.openid is None or appeal.openid == self.openid,
            self.phone is None or appeal.phone == self.phone,
            self.employer is None or self.employer in (fold(appeal.employer) or ""),
            self.since is None or appeal.created_at >= self.since,
            self.until is None or appeal.created_at <= self.until,
            self.overdue is None or appeal.overdue(now) == self.overdue,
            self.assignee is None or appeal.assignee == self.assignee,
        )
        return all(checks)


def fold(text: Optional[str]) -> Optional[str]:
    """Full-width → half-width, case folded: "ＡＢＣ公司" finds "abc公司"."""
    return unicodedata.normalize("NFKC", text).casefold() if text else None


def epoch(value: Any, field: str) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise AppealError(f"{field}: give a timezone-aware datetime", code=f"invalid_{field}", field=field)
        return value.timestamp()
    return valid.timestamp(value, field)


def check_limit(limit: Any) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= LIMIT_MAX:
        raise AppealError(f"limit: must be 1-{LIMIT_MAX}, got {limit!r}", code="invalid_limit", field="limit")
    return limit
