"""The tail of a message: the clause that usually carries the request (no Rasa imports).

Workers tell the whole story first and ask last ("…干了八个月没拿到钱 我想投诉他"). The
tail is the tokens after the last clause break, or, in run-on voice input without breaks, the
last few tokens.
"""
from __future__ import annotations

import re
from typing import List, Sequence

_BREAK = re.compile(r"^[\s,.;:!?，。；：！？、…~～]+$")
MAX_TAIL_TOKENS = 8
RUN_ON_TAIL_TOKENS = 6


def tail_mask(tokens: Sequence[str]) -> List[bool]:
    """True for each token that belongs to the message's tail."""
    words = [i for i, t in enumerate(tokens) if t.strip() and not _BREAK.match(t)]
    breaks = [i for i, t in enumerate(tokens) if not t.strip() or _BREAK.match(t)]
    start = 0
    for b in reversed(breaks):
        after = [i for i in words if i > b]
        if len(after) >= 2:
            start = b + 1
            break
    tail = [i for i in words if i >= start]
    if len(tail) > MAX_TAIL_TOKENS or start == 0:
        tail = tail[-RUN_ON_TAIL_TOKENS:] if len(words) > RUN_ON_TAIL_TOKENS else tail
    chosen = set(tail[-MAX_TAIL_TOKENS:])
    return [i in chosen for i in range(len(tokens))]


def tail_views(tokens: Sequence[str]) -> List[str]:
    """Per token: `tail_<word>` when it is in the tail, else nothing."""
    return [f"tail_{t.strip().lower()}" if keep else "" for t, keep in zip(tokens, tail_mask(tokens))]
