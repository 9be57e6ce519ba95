"""Keep workers' identities and webhook secrets out of the logs.

WeChat puts `signature`, `timestamp`, `nonce`, `msg_signature` and the worker's `openid` in the
server URL's query string. Sanic writes the full URL in its access log and when a request
fails ("Exception occurred while handling uri: ..."); a fresh query string is a credential
(issue 8), and the OpenID is personal data. `install()` adds one filter to Sanic's loggers and
to every handler of the root logger that cuts the query string off any /webhooks/ URL, blanks
credentials in any other URL (`access_token`, `token`, ...), and replaces anything shaped like
a WeChat OpenID with a short keyed pseudonym. Our own log lines
name a worker only through `pseudonym()`, so one worker's lines can still be followed.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from typing import Optional

REDACTED = "<redacted>"
# A webhook URL's query string (up to whitespace, a quote or the end), however the URL is quoted.
_WEBHOOK_QUERY = re.compile(r"(/webhooks/[^\s?#'\"]*)\?[^\s'\"#]*")
# Credentials and identities in any other URL's query string (WeChat API calls carry
# `access_token`, Rasa's API `token`), wherever an error message quotes the URL.
_SECRET_PARAMS = re.compile(r"\b(access_token|token|signature|msg_signature|nonce|openid|secret)=[^&\s'\")]+")
# WeChat OpenIDs: 28 URL-safe base64 characters beginning with "o".
_OPENID = re.compile(r"(?<![0-9A-Za-z_-])o[0-9A-Za-z_-]{27}(?![0-9A-Za-z_-])")
SANIC_LOGGERS = ("sanic.root", "sanic.error", "sanic.access")

_key = secrets.token_bytes(32)  # replaced by install(); random until then, so never guessable


def pseudonym(openid: Optional[str]) -> str:
    """`w:` + 10 hex of a keyed hash: stable for one deployment, not reversible without the key."""
    if not openid:
        return "w:-"
    digest = hmac.new(_key, openid.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"w:{digest[:10]}"


def redact(text: str) -> str:
    text = _WEBHOOK_QUERY.sub(lambda match: f"{match.group(1)}?{REDACTED}", text)
    text = _SECRET_PARAMS.sub(lambda match: f"{match.group(1)}={REDACTED}", text)
    return _OPENID.sub(lambda match: pseudonym(match.group(0)), text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message, Sanic's access-log `request` field and its traceback text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        request = getattr(record, "request", None)
        if isinstance(request, str):
            record.request = redact(request)
        if record.exc_info and not record.exc_text:
            # Formatters reuse a cached exc_text, so the traceback is printed as cleaned here.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = RedactingFilter()


def install(secret: str) -> None:
    """Key the pseudonyms with a deployment secret and filter every log path (idempotent).

    Sanic's loggers do not propagate (Rasa turns that off), so they get the filter themselves;
    everything else reaches the root logger's handlers. Sanic forks its workers after the
    channel is built, so they inherit both.
    """
    global _key
    _key = hmac.new(secret.encode("utf-8"), b"12351 log pseudonyms", hashlib.sha256).digest()
    root = logging.getLogger()
    for target in (root, *root.handlers, *(logging.getLogger(name) for name in SANIC_LOGGERS)):
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)
