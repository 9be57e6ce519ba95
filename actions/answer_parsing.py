"""Reading workers' free-text answers to the appeal form's questions (no Rasa imports)."""
from __future__ import annotations

import re
from typing import Optional

from bot.appeals.phones import find_mobiles
from bot.nlu.text_normalization import normalize

DECLINE_WORDS = ("不留", "不想留", "不方便", "不用", "不要", "算了", "微信联系", "微信上联系", "就微信", "不给", "没有")
UNKNOWN_WORDS = ("不知道", "不清楚", "不确定", "说不好", "不晓得", "不记得")
ANONYMOUS_WORDS = ("匿名", "不留", "不想说", "不告诉", "保密", "不方便")
_DIGITS = re.compile(r"\d+")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "仨": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_NUMBER = re.compile("[零〇一二两俩三仨四五六七八九十百千万]+")
QUESTION_MARKERS = ("吗", "?", "怎么", "多少", "几天", "几个", "哪里", "哪儿", "什么", "能不能", "可不可以", "是否", "咋")
ALONE = ("就我一个", "我一个", "我自己", "就我自己", "只有我", "就我", "本人")


def says_any(text: Optional[str], words) -> bool:
    folded = normalize(text or "")
    return any(word in folded for word in words)


def mobile_number(text: Optional[str]) -> Optional[str]:
    """The first mobile number in the answer, as 11 digits (every spelling phones.py reads)."""
    found = find_mobiles(text)
    return found[0].digits if found else None


def chinese_number(text: str) -> Optional[int]:
    """三十多 → 30, 两百 → 200, 十五 → 15, 一万二 is read as 10002 (rare in headcounts)."""
    total, section, digit = 0, 0, None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            unit = _CN_UNITS[char]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (digit if digit is not None else 1) * unit
            digit = None
    result = total + section + (digit or 0)
    return result or None


def headcount(text: Optional[str]) -> Optional[int]:
    folded = normalize(text or "")
    if any(word in folded for word in ALONE):
        return 1
    digits = _DIGITS.search(folded)
    if digits:
        return int(digits.group(0))
    chinese = _CN_NUMBER.search(folded)
    return chinese_number(chinese.group(0)) if chinese else None


def looks_like_question(text: Optional[str]) -> bool:
    """A question asked in the middle of the form, not an answer to it."""
    return any(marker in normalize(text or "") for marker in QUESTION_MARKERS)
