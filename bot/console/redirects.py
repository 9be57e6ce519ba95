"""Where to go after signing in: only a path on this site, by a strict rule.

Browsers forgive a lot in a Location header: they drop tabs and newlines (`/\\t/evil` becomes
`//evil`, another host), read `\\` as `/`, and some proxies decode `%2F`. So instead of
refusing known bad forms, a target is accepted only when it is a plain absolute path made
of URL characters, whose second character (also after percent-decoding) is neither `/` nor
`\\`, with no control characters or backslashes anywhere. Everything else goes to `/`.
"""
from __future__ import annotations

import re
from typing import Optional
from urllib.parse import unquote

HOME = "/"
MAX_LENGTH = 2000
# RFC 3986 path and query characters; no whitespace, backslash, quote marks or fragment.
_PATH = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*")
_UNSAFE_DECODED = re.compile(r"[\x00-\x20\x7f\\]|^/[/\\]")


def safe_next(target: Optional[str]) -> str:
    if not isinstance(target, str) or len(target) > MAX_LENGTH or not _PATH.fullmatch(target):
        return HOME
    path = target.split("?", 1)[0]
    for _ in range(4):  # double and triple encodings too
        if _UNSAFE_DECODED.search(path):
            return HOME
        decoded = unquote(path)
        if decoded == path:
            return target
        path = decoded
    return HOME  # encoded more often than any honest link
