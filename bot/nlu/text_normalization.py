"""Normalise workers' Chinese text before tokenising.

Traditional characters become simplified, full-width forms half-width, runs of repeated
punctuation and of emoji fold to their first character. Every step keeps the text's length,
so entity offsets annotated on the raw training text stay valid.
"""
from __future__ import annotations

import functools
import re

from opencc import OpenCC

_FULLWIDTH_OFFSET = 0xFEE0
_IDEOGRAPHIC_SPACE = "\u3000"

# Emoji blocks plus the joiners and variation selectors that build emoji sequences.
_EMOJI = (
    "\U0001F300-\U0001FAFF\U00002600-\U000027BF\U0001F000-\U0001F2FF"
    "\U0001F900-\U0001F9FF\u200d\ufe0f\U0001F3FB-\U0001F3FF"
)
_EMOJI_RUN = re.compile(f"[{_EMOJI}]{{2,}}")
_PUNCT_RUN = re.compile(r"([!?.,~。，！？、…～—\-])\1+")


@functools.lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase mapping changed the length: fall back to character-by-character conversion.
    return "".join(c if len(s := _t2s().convert(c)) != 1 else s for c in text)


def to_halfwidth(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if char == _IDEOGRAPHIC_SPACE:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - _FULLWIDTH_OFFSET))
        else:
            out.append(char)
    return "".join(out)


def _keep_first(match: re.Match) -> str:
    run = match.group(0)
    return run[0] + " " * (len(run) - 1)


def fold_runs(text: str) -> str:
    return _EMOJI_RUN.sub(_keep_first, _PUNCT_RUN.sub(_keep_first, text))


def normalize(text: str) -> str:
    """The normalised form of `text`, always of the same length."""
    return fold_runs(to_halfwidth(to_simplified(text)))
