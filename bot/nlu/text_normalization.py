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
_COMMAND_PREFIX = "/"  # rasa.shared.constants.INTENT_MESSAGE_PREFIX
_FULLWIDTH_SLASH = "\uff0f"

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
    """The normalised form of `text`, always of the same length, and never a command."""
    return keep_out_of_command_syntax(text, normalize_forms(text))


def normalize_forms(text: str) -> str:
    """Simplified, half-width, runs folded: `normalize` without the command guard."""
    return fold_runs(to_halfwidth(to_simplified(text)))


def keep_out_of_command_syntax(raw: str, normalized: str) -> str:
    """`normalized`, unless normalising turned text that was no command into one.

    Rasa's RegexMessageHandler runs after this component and reads a text whose first
    non-space character is "/" as "/intent{entities}", skipping understanding. Full-width
    "／" becomes "/" above, so a worker's "／restart" would become a command: the first
    character keeps a full-width slash instead. A raw "/" (the channels' own menu commands)
    passes unchanged.
    """
    stripped = normalized.lstrip()
    if not stripped.startswith(_COMMAND_PREFIX) or raw.lstrip().startswith(_COMMAND_PREFIX):
        return normalized
    at = len(normalized) - len(stripped)
    return normalized[:at] + _FULLWIDTH_SLASH + normalized[at + 1:]
