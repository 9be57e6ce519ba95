"""The forms of a message the crisis families are matched against.

Workers write 跳 楼, 跳.楼, 跳樓, ｔｉａｏ ｌｏｕ or 跳搂; the rules are written once, in
simplified characters, and matched against every view of the text: the compact form (the
project's normaliser, then separators dropped) and the respelled form (pinyin and homophones
mapped back onto the crisis vocabulary, see `pinyin_view`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Tuple

from bot.nlu.text_normalization import normalize

# Zero-width characters and the like, which break a word without showing.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
# Everything that is not a letter, a digit or a CJK character separates nothing for us: a
# clause boundary does not stop "老板…拼命" from being a threat.
_SEPARATORS = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


@dataclass(frozen=True)
class Views:
    compact: str
    respelled: str

    def all(self) -> Tuple[Tuple[str, str], ...]:
        if self.respelled == self.compact:
            return (("text", self.compact),)
        return (("text", self.compact), ("pinyin/homophone", self.respelled))


def compact(text: str) -> str:
    """Simplified, half-width, lower case, with spaces, punctuation and emoji removed."""
    folded = unicodedata.normalize("NFKC", normalize(_INVISIBLE.sub("", text or ""))).lower()
    return _SEPARATORS.sub("", folded)


def views_of(text: str) -> Views:
    from bot.nlu.crisis.pinyin_view import respell  # pypinyin loads lazily, on first use

    plain = compact(text)
    return Views(compact=plain, respelled=respell(text))
