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


# Cantonese, other dialect words and chat abbreviations, written the way the rules spell them:
# 唔想再活 → 不想再活, 斩死佢 → 砍死他, 不叫俺走 → 不让俺走, bxh → 不想活.
_DIALECT = {
    "唔": "不", "咗": "了", "佢": "他", "嘅": "的", "喺": "在", "冇": "没", "啲": "些", "嚟": "来", "睇": "看",
    "攞": "拿", "俾": "给", "畀": "给", "揾": "找", "搵": "找", "咁": "这么", "乜": "什么", "哋": "们", "劏": "杀", "㓥": "杀",
    "斩": "砍", "屋企": "家", "人工": "工资", "而家": "现在", "即刻": "马上", "郁手": "动手", "冚家": "全家",
    "遭不住": "受不了", "捱": "熬", "再挨": "再熬", "落去": "下去", "攰": "累", "扛不住": "受不了", "莫找我": "别找我", "不叫": "不让", "留血": "流血", "淌血": "流血",
    "bxhl": "不想活了", "bxh": "不想活", "xbk": "想不开", "hbxq": "活不下去", "ylbl": "一了百了",
}
_DIALECT_WORDS = re.compile("|".join(sorted(map(re.escape, _DIALECT), key=len, reverse=True)))


@dataclass(frozen=True)
class Views:
    compact: str
    respelled: str
    dialect: str = ""

    def all(self) -> Tuple[Tuple[str, str], ...]:
        forms = [("text", self.compact)]
        if self.respelled != self.compact:
            forms.append(("pinyin/homophone", self.respelled))
        if self.dialect and self.dialect != self.compact:
            forms.append(("dialect/abbreviation", self.dialect))
        return tuple(forms)


# Emoji that stand for a weapon or blood (老板再不给钱 🔪) are read as the word; the rest go.
_EMOJI_WORDS = {"🔪": "刀", "🗡": "刀", "🪓": "斧头", "🔫": "枪", "💣": "炸弹", "🧨": "炸药", "🩸": "血", "⚰": "棺材"}
_EMOJI = re.compile("|".join(map(re.escape, _EMOJI_WORDS)))


def compact(text: str) -> str:
    """Simplified, half-width, lower case, with spaces, punctuation and emoji removed."""
    worded = _EMOJI.sub(lambda m: _EMOJI_WORDS[m.group(0)], text or "")
    folded = unicodedata.normalize("NFKC", normalize(_INVISIBLE.sub("", worded))).lower()
    return _SEPARATORS.sub("", folded)


def views_of(text: str) -> Views:
    from bot.nlu.crisis.pinyin_view import respell  # pypinyin loads lazily, on first use

    plain = compact(text)
    return Views(compact=plain, respelled=respell(text), dialect=in_mandarin(plain))


def in_mandarin(plain: str) -> str:
    """The compact text with dialect words and abbreviations replaced by the rules' words."""
    return _DIALECT_WORDS.sub(lambda m: _DIALECT[m.group(0)], plain)
