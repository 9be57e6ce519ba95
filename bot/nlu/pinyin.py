"""Toneless pinyin views of workers' text (no Rasa imports).

Workers type pinyin when the input method is off ("laoban bu gei qian"), initials as
abbreviations (gs 公司, lb 老板), and homophone typos (公伤 for 工伤, 托欠 for 拖欠). All of them
sound like, or abbreviate, the characters they stand for, so a view of the text as toneless
syllables lets the classifier treat them alike.
"""
from __future__ import annotations

import functools
import re
from typing import FrozenSet, List, Optional, Sequence

from pypinyin import Style, lazy_pinyin

_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"^[a-z]+$")
_LONGEST_LATIN_WORD = 40  # longer latin runs are not pinyin worth segmenting
# Interjection "syllables" without a vowel would split abbreviations such as "hr" into h+r.
_NOT_SYLLABLES = {"m", "n", "ng", "hm", "hng", "r"}


@functools.lru_cache(maxsize=1)
def syllables() -> FrozenSet[str]:
    """Every toneless syllable of the common CJK block, as pypinyin writes it (ü as v)."""
    found = set()
    for code in range(0x4E00, 0x9FA6):
        found.update(lazy_pinyin(chr(code), style=Style.NORMAL, v_to_u=False))
    return frozenset(s for s in found if s.isalpha() and s.isascii()) - _NOT_SYLLABLES


@functools.lru_cache(maxsize=4096)
def split_latin(word: str) -> Optional[List[str]]:
    """Split a latin word into the fewest pinyin syllables, or None when it is not pinyin."""
    if not _LATIN.match(word) or len(word) > _LONGEST_LATIN_WORD:
        return None
    known = syllables()
    best: List[Optional[List[str]]] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):  # no syllable is longer than 6 letters
            head = best[start]
            if head is not None and word[start:end] in known:
                candidate = head + [word[start:end]]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[-1]


@functools.lru_cache(maxsize=8192)
def token_syllables(token: str) -> tuple:
    """The syllables a token is read as: hanzi by pypinyin, latin by `split_latin`."""
    text = token.strip().lower()
    if not text:
        return ()
    if _HAN.search(text):
        return tuple(s for s in lazy_pinyin(text, style=Style.NORMAL, v_to_u=False, errors="ignore")
                     if s.isascii() and s.isalpha())
    return tuple(split_latin(text) or ())


def abbreviation(token: str) -> Optional[str]:
    """The initials a token abbreviates to (公司 → gs), or a latin token that is itself initials."""
    text = token.strip().lower()
    if _HAN.search(text):
        parts = token_syllables(text)
        return "".join(s[0] for s in parts) if 2 <= len(parts) <= 4 else None
    if _LATIN.match(text) and 2 <= len(text) <= 4 and split_latin(text) is None:
        return text
    return None


def pinyin_views(tokens: Sequence[str]) -> List[str]:
    """One space-separated bag of pinyin features per token, aligned with `tokens`.

    Each token gets its syllables, the syllable pairs that start inside it (crossing into the
    next token, so "gong qian" typed as two words meets 工钱 as one), and its initials.
    """
    per_token = [token_syllables(t) for t in tokens]
    flat = [s for parts in per_token for s in parts]
    views, position = [], 0
    for token, parts in zip(tokens, per_token):
        features = list(parts)
        for i in range(position, position + len(parts)):
            if i + 1 < len(flat):
                features.append(f"{flat[i]}_{flat[i + 1]}")
        initials = abbreviation(token)
        if initials:
            features.append(f"ab_{initials}")
        views.append(" ".join(features))
        position += len(parts)
    return views
