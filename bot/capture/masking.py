"""Mask phone, ID-card and bank-card numbers in free text before it is stored.

Every mask keeps the text's length and its separators, one character for one: only digits
are replaced by `*`. So entity offsets Rasa found in the raw text stay valid in the masked
text, and the export (bot/capture/export.py) can put synthetic digits of the same shape back
where the stars are. What stays visible: a mobile's first 3 and last 4 digits (as the console
shows phones), an ID card's first 3 and last character, a bank card's first 4 and last 4.

Numbers are found on a folded copy of the text (full-width digits half-width, every dash, dot
or space a space; bot/appeals/phones.py), so a number written 139—0000—1111 or with
full-width digits is masked as surely as 13900001111.
"""
from __future__ import annotations

import re
from typing import List, NamedTuple, Optional

from bot.appeals.phones import find_mobiles, fold

# 18-character ID cards (the last may be X) and the old 15-digit ones, digits possibly
# grouped with spaces (6-8-4). Not part of a longer run of digits or letters.
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{6} ?(?:19|20)\d{2}[01]\d[0-3]\d ?\d{3}[0-9Xx]|\d{15})(?![0-9A-Za-z])")
# Bank cards: 16-19 digits, possibly in groups of 4 separated by one space.
_BANK_CARD = re.compile(r"(?<!\d)(\d{4}(?: ?\d{4}){3}(?: ?\d{1,3})?)(?!\d)")


class Span(NamedTuple):
    start: int
    end: int
    kind: str  # "phone" | "id_card" | "bank_card"


def personal_numbers(text: Optional[str]) -> List[Span]:
    """Spans of every phone, ID-card and bank-card number in `text`, not overlapping."""
    if not text:
        return []
    folded = fold(text)
    spans: List[Span] = []
    for kind, pattern in (("id_card", _ID_CARD), ("bank_card", _BANK_CARD)):
        for match in pattern.finditer(folded):
            if not _overlaps(spans, match.start(1), match.end(1)):
                spans.append(Span(match.start(1), match.end(1), kind))
    for found in find_mobiles(text):
        if not _overlaps(spans, found.start, found.end):
            spans.append(Span(found.start, found.end, "phone"))
    return sorted(spans)


def _overlaps(spans: List[Span], start: int, end: int) -> bool:
    return any(start < span.end and span.start < end for span in spans)


# Digits left visible at each end, by kind.
_VISIBLE = {"phone": (3, 4), "id_card": (3, 1), "bank_card": (4, 4)}


def mask(text: Optional[str]) -> str:
    """`text` with the hidden digits of every personal number replaced by `*` (same length)."""
    if not text:
        return ""
    chars = list(text)
    folded = fold(text)
    for span in personal_numbers(text):
        positions = [i for i in range(span.start, span.end) if folded[i].isdigit() or folded[i] in "Xx"]
        head, tail = _VISIBLE[span.kind]
        # A leading +86/0086 belongs to the span of a phone but is not the number itself.
        if span.kind == "phone" and len(positions) > 11:
            positions = positions[len(positions) - 11:]
        for index in positions[head:len(positions) - tail]:
            chars[index] = "*"
    return "".join(chars)
