"""Signed IVR requests: HMAC-SHA256 over `<timestamp>.<raw body>` with HOTLINE_SECRET.

Checked in constant time, before the body is read as JSON; a timestamp more than 300 s from
the server's clock is refused, so a captured request soon stops working, and within the
window the ledger refuses the same signature twice (bot/redis_keys.hotline_signature).
"""
from __future__ import annotations

import hashlib
import hmac
import time
from typing import Optional

WINDOW_S = 300
# A request seen before and signed this recently is the IVR retrying a turn it timed out on
# (re-signed in the same second it is byte-identical), not a replay.
RETRY_GRACE_S = 5
MAX_BODY_BYTES = 16 * 1024  # one turn: a few hundred characters of text and an n-best list
TIMESTAMP_HEADER = "X-Hotline-Timestamp"
SIGNATURE_HEADER = "X-Hotline-Signature"


class ForbiddenRequest(Exception):
    """Unsigned, forged, stale or replayed: 403, and nothing runs."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, now: Optional[float] = None) -> dict:
    """What the IVR sends (used by `make call`, the tests and the benchmark)."""
    timestamp = str(int(now if now is not None else time.time()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: sign(secret, timestamp, body),
            "Content-Type": "application/json; charset=utf-8"}


def check(secret: str, timestamp: Optional[str], signature: Optional[str], body: bytes,
          now: Optional[float] = None) -> str:
    """The request's signature when it is genuine and fresh; else ForbiddenRequest."""
    if not timestamp or not signature or not timestamp.isdigit() or len(timestamp) > 12:
        raise ForbiddenRequest("missing or malformed signature headers")
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise ForbiddenRequest("bad signature")
    if abs((now if now is not None else time.time()) - int(timestamp)) > WINDOW_S:
        raise ForbiddenRequest("timestamp outside the window")
    return expected


def just_signed(timestamp: Optional[str], now: Optional[float] = None) -> bool:
    now = now if now is not None else time.time()
    return bool(timestamp and timestamp.isdigit()) and abs(now - int(timestamp)) <= RETRY_GRACE_S
