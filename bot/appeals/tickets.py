"""Ticket numbers: `GH` + YYYYMMDD (Beijing date) + a 4-digit sequence within that day.

Workers quote them in chat, so reading one forgives case, spaces and full-width
characters typed with a Chinese input method (ｇｈ２０２６…).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Optional

PREFIX = "GH"
SEQUENCE_DIGITS = 4
SEQUENCE_MAX = 10 ** SEQUENCE_DIGITS - 1
PATTERN = re.compile(rf"{PREFIX}\d{{8}}\d{{{SEQUENCE_DIGITS}}}")


def beijing() -> tzinfo:
    """Asia/Shanghai; China has had no daylight saving since 1991, so UTC+8 is exact if
    the system lacks tz data."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Shanghai")
    except Exception:  # no tz database on this machine
        return timezone(timedelta(hours=8), "Asia/Shanghai")


def day_of(epoch: float, tz: tzinfo) -> str:
    """YYYYMMDD of `epoch` in `tz`: the day whose sequence the ticket takes."""
    return datetime.fromtimestamp(epoch, tz).strftime("%Y%m%d")


def day_prefix(day: str) -> str:
    return PREFIX + day


def format_ticket(day: str, sequence: int) -> str:
    return f"{day_prefix(day)}{sequence:0{SEQUENCE_DIGITS}d}"


def find_ticket(text: Optional[str]) -> Optional[str]:
    """The first ticket number quoted anywhere in a message (case, spaces, full width forgiven)."""
    if not isinstance(text, str):
        return None
    match = PATTERN.search("".join(unicodedata.normalize("NFKC", text).split()).upper())
    return match.group(0) if match else None


def normalize_ticket(text: Optional[str]) -> Optional[str]:
    """The ticket number in canonical form, or None when `text` is not one."""
    if not isinstance(text, str):
        return None
    compact = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    return compact if PATTERN.fullmatch(compact) else None
