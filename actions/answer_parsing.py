"""Reading workers' free-text answers to the appeal form's questions (no Rasa imports)."""
from __future__ import annotations

import re
from typing import Optional

from bot.appeals.phones import find_mobiles
from bot.appeals.quantities import chinese_number, parse_headcount  # noqa: F401  (re-exported)
from bot.nlu.text_normalization import normalize

DECLINE_WORDS = ("不留", "不想留", "不方便", "不用", "不要", "算了", "微信联系", "微信上联系", "就微信", "不给", "没有")
UNKNOWN_WORDS = ("不知道", "不清楚", "不确定", "说不好", "不晓得", "不记得")
ANONYMOUS_WORDS = ("匿名", "不留", "不想说", "不告诉", "保密", "不方便")
QUESTION_MARKERS = ("吗", "?", "怎么", "多少", "几天", "几个", "哪里", "哪儿", "什么", "能不能", "可不可以", "是否", "咋")


def says_any(text: Optional[str], words) -> bool:
    folded = normalize(text or "")
    return any(word in folded for word in words)


def mobile_number(text: Optional[str]) -> Optional[str]:
    """The first mobile number in the answer, as 11 digits (every spelling phones.py reads)."""
    found = find_mobiles(text)
    return found[0].digits if found else None


def headcount(text: Optional[str]) -> Optional[int]:
    """How many people an answer says (at least), via the one quantity reader."""
    count = parse_headcount(text, answer=True)
    return count.value if count is not None else None


def looks_like_question(text: Optional[str]) -> bool:
    """A question asked in the middle of the form, not an answer to it."""
    return any(marker in normalize(text or "") for marker in QUESTION_MARKERS)


# Rating words (回访), longest first where one contains another.
SCORE_WORDS = (("很不满意", 1), ("非常不满意", 1), ("不满意", 2), ("一般", 3), ("还行", 3), ("非常满意", 5), ("很满意", 5),
               ("满意", 4))


def score_in(text: Optional[Text]) -> Optional[int]:
    folded = normalize(text or "")
    digit = re.search(r"(?<!\d)([1-5])(?!\d)", folded)
    if digit:
        return int(digit.group(1))
    for word, score in SCORE_WORDS:
        if word in folded:
            return score
    return None
