"""Mainland mobile numbers however workers write them: 13900001111, 139-0000-1111,
139—0000—1111 (an em-dash from a Chinese keyboard), 1 3 9 0 0 0 0 1 1 1 1, full-width
１３９…, with +86 or 0086 in front.

One reading for the whole project: the appeal form stores the 11 digits, and the console
masks every number it finds in free text, so a form that accepts a spelling can never show
that spelling unmasked. Matching runs on a folded copy of the text with the same length
(one character for one), so the spans found are spans of the original text.
"""
from __future__ import annotations

import re
import unicodedata
from typing import List, NamedTuple, Optional

# Between two digits: up to three separators (spaces, any dash, dots, middle dots, brackets).
_SEPARATORS = set(".·・()")
_IN_TEXT = re.compile(r"(?<!\d)(?:\+?(?:00)?86 {0,3})?(1 {0,3}[3-9](?: {0,3}\d){9})(?!\d)")
_MOBILE = re.compile(r"1[3-9]\d{9}")


class Found(NamedTuple):
    start: int
    end: int
    digits: str  # the 11 digits, without +86


def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) != 1:
        return char
    if folded.isspace() or folded in _SEPARATORS or unicodedata.category(folded) == "Pd":
        return " "
    if folded.isdigit() and not folded.isascii():
        return str(unicodedata.digit(folded, 0))
    return folded


def fold(text: str) -> str:
    """Same length as `text`: full-width forms half-width, every separator a space."""
    return "".join(_fold_char(char) for char in text)


def find_mobiles(text: Optional[str]) -> List[Found]:
    """Every mobile number written in `text`, with its span in `text`."""
    if not text:
        return []
    return [Found(match.start(), match.end(), match.group(1).replace(" ", ""))
            for match in _IN_TEXT.finditer(fold(text))]


def normalize_mobile(value: str) -> Optional[str]:
    """The 11 digits when `value` is one mobile number and nothing else, else None."""
    compact = fold(value).replace(" ", "")
    for country in ("+86", "0086", "86"):
        if len(compact) == 11 + len(country) and compact.startswith(country):
            compact = compact[len(country):]
    return compact if _MOBILE.fullmatch(compact) else None
