"""Corrections a worker makes while filing: "人数写错了 是5个人", "单位不是这个，是老王装饰",
"改一下电话", or just "不对" at the summary.

Reads which field is meant and the new value as written (None: ask for it). Pure functions,
no Rasa imports; the form decides what to do with the result.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from bot.nlu.text_normalization import normalize

# The words workers use for each field of the form, longest first within a field.
FIELD_WORDS = (
    ("appeal_headcount", ("涉及人数", "人数", "几个人", "多少人", "人头")),
    ("appeal_amount", ("涉及金额", "金额", "钱数", "数额", "欠款", "多少钱", "工资数", "欠的钱")),
    ("appeal_phone", ("手机号码", "手机号", "电话号码", "联系电话", "联系方式", "电话", "手机", "号码")),
    ("appeal_employer", ("用人单位", "单位名称", "公司名", "单位", "公司", "企业", "厂子", "工厂")),
    ("appeal_district", ("所在区", "哪个区", "地区", "区县", "地点", "地址", "区")),
    ("appeal_name", ("称呼", "名字", "姓名", "姓")),
    ("appeal_category", ("类别", "类型", "问题类型", "分类")),
    ("appeal_description", ("情况说明", "情况", "经过", "描述", "内容", "事情")),
)
FIELD_LABELS = {
    "appeal_category": "类别", "appeal_description": "情况", "appeal_employer": "单位", "appeal_district": "地区",
    "appeal_headcount": "涉及人数", "appeal_amount": "涉及金额", "appeal_phone": "联系方式", "appeal_name": "称呼",
}
# Saying something is wrong or should change.
STRONG_MARKERS = ("写错", "填错", "打错", "说错", "搞错", "弄错", "输错", "记错", "改一下", "改下", "改成", "改为",
                  "修改", "更正", "换成", "换一下", "重新填", "重填", "要改", "想改", "改改")
WEAK_MARKERS = ("不对", "错了", "不是", "应该是")
WRONG_ALONE = ("不对", "有错", "错了", "不是这样", "有问题", "要改", "需要修改", "修改", "改一下", "改", "不正确",
               "有地方不对", "填错了", "写错了")
# The new value follows one of these ("是5个人", "改成老王装饰").
_VALUE_LEADS = re.compile(r"(?<!不)(?:应该是|改成|改为|换成|写成|其实是|实际是|是)")
_VALUE_STOPS = re.compile(r"[，,。.;；!！]?\s*(?:不是|而不是|别写|不要写)")


@dataclass(frozen=True)
class Correction:
    field: Optional[str]   # the slot to change; None: the worker did not say which
    value: Optional[str]   # the new value as written; None: ask for it


def field_named(text: str) -> Optional[str]:
    """The form field a message names first ("人数", "单位", "电话" …), if any."""
    folded = normalize(text or "")
    found = []
    for field, words in FIELD_WORDS:
        positions = [folded.find(word) for word in words if word in folded]
        if positions:
            found.append((min(positions), field))
    return min(found)[1] if found else None


def read_correction(text: Optional[str], strong_only: bool = False) -> Optional[Correction]:
    """A correction, or None when the message does not ask to change anything.

    `strong_only`: while the worker is describing what happened, "不是" and "不对" are part of
    the story; only explicit words ("写错了", "改一下") make a correction there.
    """
    folded = normalize(text or "").strip()
    if not folded:
        return None
    markers = STRONG_MARKERS if strong_only else STRONG_MARKERS + WEAK_MARKERS
    if not any(marker in folded for marker in markers):
        return None
    field = field_named(folded)
    if field is None and strong_only:
        return None
    return Correction(field, _new_value(folded))


def is_bare_objection(text: Optional[str]) -> bool:
    """"不对" / "有错" / "要改" with nothing else: the worker must be asked which field."""
    folded = re.sub(r"[，,。.!！~～啊呀吧呢哦嗯\s]", "", normalize(text or ""))
    return folded in WRONG_ALONE or folded in ("不对不对", "不对的", "错的", "写错了", "填错了")


def _new_value(folded: str) -> Optional[str]:
    """The text after the last 是/改成… that is not itself negated, up to a "不是 …" aside."""
    leads = list(_VALUE_LEADS.finditer(folded))
    if not leads:
        return _rest(folded)
    value = folded[leads[-1].end():]
    value = _VALUE_STOPS.split(value)[0]
    value = value.strip(" ，,。.:：“”\"'")
    return value or None


def _rest(folded: str) -> Optional[str]:
    """"金额写错了 一共两万多": what is left once the field and the complaint are taken out."""
    rest = folded
    words = [word for _, field_words in FIELD_WORDS for word in field_words]
    for word in sorted(words + list(STRONG_MARKERS + WEAK_MARKERS) + ["了", "的", "一下", "帮我", "请", "麻烦"],
                       key=len, reverse=True):
        rest = rest.replace(word, " ")
    rest = _VALUE_STOPS.split(rest)[0].strip(" ，,。.:：“”\"'")
    return rest if len(rest) >= 1 and re.search(r"[\w]", rest) else None
