"""Personal data on screen: phone numbers are masked (138****5678) until a staff member
reveals them, which is audited; log lines never carry phones, names or message text."""
from __future__ import annotations

import hashlib
import time
import unicodedata
from typing import Optional

from bot.appeals.phones import find_mobiles
from bot.console.sessions import Session

REVEAL_TTL_S = 10 * 60


def mask_phone(phone: Optional[str]) -> str:
    if not phone:
        return ""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone) if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_text(text: Optional[str]) -> str:
    """`text` with every mobile number in it masked, however it is written (bot/appeals/phones.py:
    the same reading the appeal form uses, so no spelling the form accepts shows unmasked)."""
    if not text:
        return ""
    parts, end = [], 0
    for found in find_mobiles(text):
        parts += [text[end:found.start], f"{found.digits[:3]}****{found.digits[-4:]}"]
        end = found.end
    return "".join(parts) + text[end:]


def log_id(value: str) -> str:
    """A short stable pseudonym for log lines (OpenIDs and usernames never appear in logs)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:10]


# --- reveal ------------------------------------------------------------------------------
# A reveal lasts REVEAL_TTL_S for that staff member and that record only, so a page
# reload shows the number again without another click, and nobody else sees it.
def reveal(session: Session, target: str, now: Optional[float] = None) -> None:
    now = time.time() if now is None else now
    current = {key: until for key, until in session.get("revealed", {}).items() if until > now}
    current[target] = now + REVEAL_TTL_S
    session["revealed"] = current


def revealed(session: Session, target: str, now: Optional[float] = None) -> bool:
    now = time.time() if now is None else now
    return session.get("revealed", {}).get(target, 0) > now
