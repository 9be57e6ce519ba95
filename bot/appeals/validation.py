"""Checks and normalises what workers and staff type, before anything reaches Redis.

Each function returns the clean value or raises AppealError naming the field, so a bad
form answer is caught where it is given rather than found later in the record.
"""
from __future__ import annotations

import math
import re
from typing import Any, Optional

from bot.appeals.categories import CATEGORIES
from bot.appeals.errors import AppealError
from bot.appeals.phones import normalize_mobile
from bot.districts import canonical_district

DESCRIPTION_MAX = 2000
NOTE_MAX = 2000
COMMENT_MAX = 500
HEADCOUNT_MAX = 100_000
EVIDENCE_MAX = 50

CITY_QUEUE = "city"
DISTRICT_QUEUE = "district:"


def queue_label(queue: Optional[str]) -> str:
    """The union level that owns a queue, as workers and staff read it: 朝阳区总工会 / 市总工会."""
    if not queue:
        return ""
    return "市总工会" if queue == CITY_QUEUE else queue.removeprefix(DISTRICT_QUEUE) + "总工会"

# Ids end up inside Redis key names, so no whitespace or separators beyond these.
_IDENTIFIER = re.compile(r"[A-Za-z0-9_\-]{1,64}")
_MEDIA_TYPE = re.compile(r"[a-z_]{1,20}")
_CHANNEL = re.compile(r"[a-z_]{1,32}")


def _fail(field: str, problem: str) -> AppealError:
    return AppealError(f"{field}: {problem}", code=f"invalid_{field}", field=field)


def text(value: Any, field: str, limit: int, required: bool = False) -> Optional[str]:
    """Stripped text of at most `limit` characters; "" and None mean absent."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _fail(field, f"must be text, got {type(value).__name__}")
    value = value.strip()
    if not value:
        if required:
            raise _fail(field, "must not be empty")
        return None
    if len(value) > limit:
        raise _fail(field, f"must be at most {limit} characters, got {len(value)}")
    return value


def description(value: Any) -> str:
    return text(value, "description", DESCRIPTION_MAX, required=True)


def phone(value: Any) -> Optional[str]:
    """A mainland mobile number as its 11 digits, however it was written (phones.py: dashes of
    any kind, spaces, dots, full-width digits, +86), so what is stored is always plain digits."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise _fail("phone", "must be a mobile number")
    digits = normalize_mobile(str(value))
    if digits is None:
        raise _fail("phone", f"{value!r} is not a mainland mobile number (11 digits, 13x-19x)")
    return digits


def district(value: Any) -> Optional[str]:
    """The canonical Beijing district, accepting informal forms (朝阳, 亦庄 …)."""
    raw = text(value, "district", 100)
    if raw is None:
        return None
    canonical = canonical_district(raw)
    if canonical is None:
        raise _fail("district", f"{raw!r} is not a Beijing district")
    return canonical


def headcount(value: Any) -> Optional[int]:
    """How many workers the appeal is for; digit strings from form slots accepted."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _fail("headcount", f"must be a whole number, got {value!r}")
    if not 1 <= value <= HEADCOUNT_MAX:
        raise _fail("headcount", f"must be between 1 and {HEADCOUNT_MAX}, got {value}")
    return value


def satisfaction(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise _fail("satisfaction", f"must be a score from 1 to 5, got {value!r}")
    return value


def category(value: Any) -> str:
    """A FAQ topic name ("wage_arrears", also given as the intent "faq/wage_arrears") or "other"."""
    raw = text(value, "category", 64) or "other"
    topic = raw.removeprefix("faq/")
    if topic not in CATEGORIES:
        raise _fail("category", f"{raw!r} is not a FAQ topic or 'other'")
    return topic


def queue(value: Any) -> str:
    """The owning union level: "city" or "district:<canonical district>" (a bare district too)."""
    raw = text(value, "queue", 100, required=True)
    if raw == CITY_QUEUE:
        return CITY_QUEUE
    name = canonical_district(raw.removeprefix(DISTRICT_QUEUE))
    if name is None:
        raise _fail("queue", f"{raw!r} is neither 'city' nor 'district:<Beijing district>'")
    return DISTRICT_QUEUE + name


def queue_for(district_name: Optional[str]) -> str:
    """Where a new appeal goes: its district's union, or the city union when unknown."""
    return DISTRICT_QUEUE + district_name if district_name else CITY_QUEUE


def identifier(value: Any, field: str) -> Optional[str]:
    """An id that becomes part of a key name (WeChat OpenID): no spaces, no colons."""
    raw = text(value, field, 64)
    if raw is not None and not _IDENTIFIER.fullmatch(raw):
        raise _fail(field, f"{raw!r} must be 1-64 letters, digits, '_' or '-'")
    return raw


def flag(value: Any, field: str) -> bool:
    # Strict on purpose: a slot value "false" must not silently become True.
    if not isinstance(value, bool):
        raise _fail(field, f"must be true or false, got {value!r}")
    return value


def actor(value: Any) -> str:
    return text(value, "actor", 100, required=True)


def channel(value: Any) -> str:
    raw = text(value, "channel", 32, required=True)
    if not _CHANNEL.fullmatch(raw):
        raise _fail("channel", f"{raw!r} must be a lowercase channel name such as 'wechat'")
    return raw


def timestamp(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(field, f"must be an epoch time in seconds, got {value!r}")
    return float(value)


def media(value: Any, now: float) -> dict:
    """One piece of evidence: {"type", "media_id", "title", "at"} (WeChat media id or URL)."""
    if not isinstance(value, dict):
        raise _fail("evidence", "must be a dict with 'type' and 'media_id'")
    kind = text(value.get("type"), "evidence", 20, required=True)
    if not _MEDIA_TYPE.fullmatch(kind):
        raise _fail("evidence", f"type {kind!r} must be a lowercase word such as 'image'")
    at = value.get("at")
    return {
        "type": kind,
        "media_id": text(value.get("media_id"), "evidence", 1000, required=True),
        "title": text(value.get("title"), "evidence", 200),
        "at": now if at is None else timestamp(at, "evidence"),
    }
