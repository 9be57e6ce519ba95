"""The insight pages' filters, read from the query string and held to the caller's remit.

City staff and admins may look at any district or all; district staff only at their own —
asking for another district's figures is refused with 403, never silently narrowed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Optional

from aiohttp import web

from bot.console.accounts import Account
from bot.console.responses import Refusal
from bot.console.scoping import OUTSIDE_REMIT
from bot.districts import CANONICAL
from bot.insight.counters import ALL, NO_DISTRICT
from bot.insight.labels import CHANNEL_LABELS
from bot.insight.periods import Window, day_of, month_of, parse_day, week_of

MAX_DAYS = 366
DEFAULT_DAYS = 7


@dataclass(frozen=True)
class Filters:
    window: Window
    channel: str  # "*" = all
    district: Optional[str]  # the filter; None = everything in the remit
    remit: Optional[str]  # None = city (all districts)

    def query(self) -> str:
        parts = [f"from={self.window.since}", f"to={self.window.until}"]
        if self.channel != ALL:
            parts.append(f"channel={self.channel}")
        if self.district:
            parts.append(f"district={self.district}")
        return "&".join(parts)


def remit_of(account: Account) -> Optional[str]:
    return None if account.sees_all_districts else account.district


def check_district(account: Account, district: Optional[str]) -> None:
    if district and not account.sees_all_districts and district != account.district:
        raise Refusal(403, "outside_remit", OUTSIDE_REMIT)


def read_filters(request: web.Request, account: Account, now: float) -> Filters:
    query = request.query
    today = day_of(now)
    until = parse_day(query.get("to")) if query.get("to") else today
    since = parse_day(query.get("from")) if query.get("from") else (until or today) - timedelta(days=DEFAULT_DAYS - 1)
    if until is None or since is None or since > until or (until - since).days >= MAX_DAYS:
        raise Refusal(400, "bad_range", f"请选择有效的日期范围（开始不晚于结束，最长 {MAX_DAYS} 天）。")
    channel = query.get("channel") or ALL
    if channel != ALL and channel not in CHANNEL_LABELS:
        raise Refusal(400, "bad_channel", "请选择有效的渠道。")
    district = read_district(request, account)
    return Filters(Window(since, until), channel, district, remit_of(account))


def read_district(request: web.Request, account: Account) -> Optional[str]:
    """The district asked for (None: all), refused with 403 outside the remit."""
    district = request.query.get("district") or None
    if district is not None and district not in (*CANONICAL, NO_DISTRICT):
        raise Refusal(400, "bad_district", "请选择有效的区。")
    check_district(account, district)
    return district


def report_window(request: web.Request, now: float) -> tuple:
    """("week" | "month", Window) of the 周报/月报; by default the last complete one."""
    kind = request.query.get("kind", "week")
    if kind not in ("week", "month"):
        raise Refusal(400, "bad_kind", "报表类型须为周报或月报。")
    day = parse_day(request.query.get("day")) if request.query.get("day") else None
    if request.query.get("day") and day is None:
        raise Refusal(400, "bad_day", "请选择有效的日期。")
    if day is None:
        today = day_of(now)
        day = today - timedelta(days=7) if kind == "week" else today.replace(day=1) - timedelta(days=1)
    return kind, (week_of(day) if kind == "week" else month_of(day))
