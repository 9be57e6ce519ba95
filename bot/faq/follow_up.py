"""Short messages that only make sense after an FAQ answer: "详细", "那违法吗", "要多少钱", or
just the figure the bot asked for ("月薪八千", "五年半").

They carry no topic of their own, so the NLU marks them as `faq` (bot/nlu/faq_follow_up.py)
and the answer generator takes the topic from the conversation. A message must consist of
such a phrase and nothing else; anything longer is classified as usual.
"""
from __future__ import annotations

import re
from typing import Optional

from bot.nlu.text_normalization import normalize

DETAIL, LEGALITY, MONEY, FIGURES = "detail", "legality", "money", "figures"

_END = r"[吗嘛呢吧啊呀么不没]*[?？!！。.,，~～]*"
_LEAD = r"(?:那|那么|那这|这|这样|这个|那样|那个|请|麻烦|能|可以|我想|想)*"
_PATTERNS = (
    (DETAIL, re.compile(
        rf"^{_LEAD}(?:看|说|讲|给我说|给我讲)?(?:一下)?(?:详细|具体|详情|细说|展开)(?:点|一点|些|一些|的|说说|讲讲|说明|解释|内容|规定)*"
        rf"(?:说说|讲讲)?{_END}$")),
    (DETAIL, re.compile(rf"^{_LEAD}(?:有)?(?:什么|啥|哪条|哪个)?(?:法律|法条|规定)?(?:依据|根据|法律规定|法条|出处)(?:是什么|是啥|呢|有吗)?{_END}$")),
    (LEGALITY, re.compile(rf"^{_LEAD}(?:是不是|算不算|算)?(?:违法|合法|犯法|不合法|违规|合理|正常)(?:的|不|吗|嘛|么)*{_END}$")),
    (MONEY, re.compile(
        rf"^{_LEAD}(?:我)?(?:能|要|可以|应该|该)?(?:赔|拿|给|补|要|算|得|领)?(?:偿|到|回)?(?:多少|几个月|多少钱|几个月工资)(?:钱|呢)?{_END}$")),
    (MONEY, re.compile(rf"^{_LEAD}(?:帮我)?(?:算|算算|算一下|计算一下)(?:一下|下)?{_END}$")),
)
_NUM = r"[0-9０-９.．一二两三四五六七八九十百千万半零〇]+"
_FIGURE = rf"(?:(?:月薪|工资|月工资|底薪|每月|一个月|干了|工作了|工作|工龄|干|做了|加班|加了)?{_NUM}(?:元|块钱|块|k|K|w|W|万|千)?(?:年半|年|个月|月|小时|个小时|天)?(?:多)?(?:了)?)"
_FIGURES = re.compile(rf"^(?:{_FIGURE}[\s,，、]*){{1,3}}$")
_DIGITS = re.compile(r"[0-9]+")
_HOTLINES = {"12351", "12333", "12345"}


def follow_up_kind(text: Optional[str]) -> Optional[str]:
    """Which follow-up the message is, or None for a message to classify as usual."""
    folded = normalize(text or "").strip()
    if not folded or len(folded) > 16:
        return None
    for kind, pattern in _PATTERNS:
        if pattern.match(folded):
            return kind
    if _FIGURES.match(folded) and _plausible_figure(folded):
        return FIGURES
    return None


def _plausible_figure(folded: str) -> bool:
    """A bare "1"–"5" answers the bot's own questions (options, ratings), "886" is goodbye,
    12351/12333 are hotlines and long digit runs are phone or ticket numbers: a bare number
    counts only as a wage (1,000 and up)."""
    runs = _DIGITS.findall(folded)
    if any(len(r) > 7 for r in runs):
        return False
    has_unit = bool(re.search(r"[元块万千年月天时kKwW薪资干做龄加]", folded))
    return has_unit or any(1000 <= int(r) and r not in _HOTLINES for r in runs)
