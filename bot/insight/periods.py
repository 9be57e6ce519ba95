"""Beijing calendar days and months, and how a date range splits into counter periods.

Counters are kept per day and per month; a range is read as its whole calendar months (one
hash each) plus the loose days at either end, so a year costs ~12 reads, not 365.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import List, Optional

from bot.appeals.tickets import beijing

TZ = beijing()


def day_of(epoch: float) -> date:
    return datetime.fromtimestamp(epoch, TZ).date()


def day_key(day: date) -> str:
    return day.isoformat()


def month_key(day: date) -> str:
    return day.strftime("%Y-%m")


def parse_day(text: Optional[str]) -> Optional[date]:
    """A YYYY-MM-DD date, or None when `text` is not one."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def days(since: date, until: date) -> List[date]:
    return [since + timedelta(days=n) for n in range((until - since).days + 1)]


def periods(since: date, until: date) -> List[str]:
    """Counter period keys covering [since, until] exactly: whole months, then loose days."""
    keys: List[str] = []
    day = since
    while day <= until:
        month_start = day.replace(day=1)
        next_month = (month_start + timedelta(days=32)).replace(day=1)
        if day == month_start and next_month - timedelta(days=1) <= until:
            keys.append(month_key(day))
            day = next_month
        else:
            keys.append(day_key(day))
            day += timedelta(days=1)
    return keys


@dataclass(frozen=True)
class Window:
    since: date
    until: date

    @property
    def length(self) -> int:
        return (self.until - self.since).days + 1

    def previous(self) -> "Window":
        """The period of the same length just before (for "change against the previous")."""
        return Window(self.since - timedelta(days=self.length), self.since - timedelta(days=1))

    def epoch_bounds(self) -> tuple:
        start = datetime.combine(self.since, datetime.min.time(), TZ).timestamp()
        end = datetime.combine(self.until + timedelta(days=1), datetime.min.time(), TZ).timestamp()
        return start, end


def week_of(day: date) -> Window:
    """The Monday-to-Sunday week holding `day` (the 周报's period)."""
    monday = day - timedelta(days=day.weekday())
    return Window(monday, monday + timedelta(days=6))


def month_of(day: date) -> Window:
    first = day.replace(day=1)
    return Window(first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1))
