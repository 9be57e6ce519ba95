"""Headcounts and sums of money as workers write them, in Chinese or digits.

"五六个人", "二十多个", "十几个", "好几个", "四五千", "两万多", "一万二", "1.5万", "3k",
"每人四五千 一共两万多". Each result keeps the worker's own words beside the parsed range
and says whether it is approximate, so staff see both "5–6人" and what was actually said.

Dates, durations, ages and phone numbers are not quantities: "9月", "三个月", "2023年",
"13812345678" are skipped. Pure functions, no Rasa imports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional

from bot.nlu.text_normalization import normalize

PEOPLE = "people"
MONEY = "money"

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "仨": 3, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS) + "几"

# A number as written: digits (with a decimal part, thousands commas, a k/w/万/千 suffix) or
# Chinese numerals, optionally followed by 多/余/来/几 ("二十多", "3万多", "十来个").
_NUMBER = re.compile(
    rf"(?:(?P<arabic>\d+(?:,\d{{3}})*(?:\.\d+)?)(?P<amult>[kKwW万千百](?![a-zA-Z]))?(?P<atail>[1-9一二两三四五六七八九](?!\d))?"
    rf"|(?P<chinese>[{_CN_CHARS}]+))"
    r"(?P<more>多|余|来|出头)?"
)
_MOBILE_WRITTEN = re.compile(r"(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
# "4000-5000", "4000到5000", "二十到三十": an explicit range.
_RANGE_JOINERS = ("-", "~", "～", "—", "到", "至")

# What follows a number and makes it something else than a count or a sum.
_NOT_QUANTITY_AFTER = (
    "个月", "个多月", "多个月", "个星期", "个礼拜", "个小时", "个钟", "个工作日", "个点", "个周",
    "月", "年", "号", "日", "天", "点", "岁", "小时", "分钟", "分", "周", "星期", "礼拜", "楼", "层",
    "期", "次", "趟", "遍", "平", "米", "公里", "斤", "公斤", "路", "栋", "单元", "室", "季度", "倍",
    "成", "折", "%", "％", "级", "班", "号线", "环", "伤",
)
_PEOPLE_AFTER = ("个人", "人", "名", "位", "号人", "口人", "个工友", "个兄弟", "个工人", "个师傅", "个同事",
                 "个农民工", "个老乡", "个员工", "个职工", "个骑手", "个司机", "个保安", "个保洁", "个")
_MONEY_AFTER = ("元", "块", "圆", "rmb", "RMB", "工资", "的工资", "钱")
_MONEY_CONTEXT = ("欠", "工资", "钱", "薪", "补偿", "赔", "扣", "拖", "没给", "没发", "没结", "克扣", "报销",
                  "加班费", "金额", "总共", "一共", "合计", "加起来", "押金", "提成", "奖金", "月薪", "底薪")
_PER_PERSON_BEFORE = ("每人", "每个人", "一人", "人均", "每人欠", "每个", "一个人", "平均每人")
_TOTAL_BEFORE = ("一共", "总共", "加起来", "合计", "总计", "共", "全部", "总的", "总数")
_APPROX_WORDS = ("左右", "上下", "大概", "大约", "约", "差不多", "估计", "可能", "来着", "好像", "应该")

# Headcounts said without a number.
_ALONE = ("就我一个", "就我自己", "我一个人", "就我一人", "只有我", "我自己", "就我", "本人", "我一个",
          "光我", "只我")
_PAIR = ("我们俩", "我俩", "我们两个", "咱俩", "我和我老婆", "我跟我老婆", "我和我媳妇", "我和我爱人",
         "我和我对象", "两口子", "俩人")
_VAGUE_GROUPS = ("好几个", "好几十", "好多人", "很多人", "不少人", "一群人", "一帮人", "一大帮", "一堆人",
                 "大家", "我们班组", "班组的人", "我们班", "整个班组", "全班组", "我们组", "全组", "整个车间",
                 "全车间", "我们车间", "全厂", "整个厂", "全公司", "整个公司", "全体", "所有人", "工友们",
                 "我们队", "全队", "整个工地", "全工地", "我们工地", "几个人", "几个工友", "一伙人")
_HUNDREDS_VAGUE = {"上百": 100, "几百": 100, "上千": 1000, "几千": 1000, "上万": 10_000, "几万": 10_000,
                   "几十": 10, "十几": 10}


@dataclass(frozen=True)
class Quantity:
    """A count or a sum: `low`..`high` (high None = "or more"), approximate or exact.

    `low` None means no number at all was said ("好几个人", "我们班组的人"): the value is
    uncertain and worth a confirming question. `words` is the worker's own phrase.
    """

    kind: str
    low: Optional[int]
    high: Optional[int]
    approx: bool
    words: str
    each: Optional["Quantity"] = None  # money: the amount per person (or per month), when also said
    each_of: str = "人"  # what `each` is per: 人 or 月

    @property
    def value(self) -> Optional[int]:
        """The figure to record and count with: the lower bound ("at least")."""
        return self.low

    @property
    def uncertain(self) -> bool:
        return self.low is None

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None and self.high != self.low

    def label(self) -> str:
        """How staff read it: "5–6人", "20多人", "约30人", "20000元以上（每人4000–5000元）"."""
        unit = "人" if self.kind == PEOPLE else "元"
        if self.low is None:
            text = self.words
        elif self.is_range:
            text = f"{'约' if self.approx else ''}{self.low}–{self.high}{unit}"
        elif self.high is None:
            text = f"{self.low}多人" if self.kind == PEOPLE else f"{self.low}元以上"
        else:
            text = f"{'约' if self.approx else ''}{self.low}{unit}"
        if self.each is not None:
            text += f"（每{self.each_of}{self.each.label().removeprefix('约')}）"
        return text


@dataclass(frozen=True)
class _Span:
    low: int
    high: Optional[int]
    approx: bool
    start: int
    end: int
    after: str   # the text right after the number
    before: str  # the text right before it
    digits: str  # the number as written


# --- reading one number ---------------------------------------------------------------
def chinese_number(text: str) -> Optional[int]:
    """A Chinese numeral: "三十" 30, "两百" 200, "一万二" 12000, "两千五" 2500, "十五" 15."""
    if not text or any(char not in _CN_DIGITS and char not in _CN_UNITS for char in text):
        return None
    total, section, digit, last_unit = 0, 0, None, None
    for char in text:
        if char in _CN_DIGITS:
            if digit is not None and _CN_DIGITS[char] != 0:
                return None  # "五六" is a range, read by the caller, not one number
            digit = _CN_DIGITS[char] or None
            if _CN_DIGITS[char] == 0:
                last_unit = None  # "一万零五": the digit after 零 is units
        else:
            unit = _CN_UNITS[char]
            if unit == 10_000:
                total += (section + (digit or 0)) * unit or unit
                section = 0
            else:
                section += (digit if digit is not None else 1) * unit
            digit, last_unit = None, unit
    if digit is not None and last_unit and last_unit >= 100:
        digit *= last_unit // 10  # shorthand: 一万二 = 12000, 两千五 = 2500, 一百二 = 120
    result = total + section + (digit or 0)
    return result or None


def _chinese_range(text: str) -> Optional[tuple]:
    """(low, high, approx) of a Chinese numeral that may hold a range or 几.

    "五六" 5–6, "四五千" 4000–5000, "二三十" 20–30, "十几" 11–19, "几十" 10–90.
    """
    if "几" in text:
        low = chinese_number(text.replace("几", "一")) if text != "几" else None
        high = chinese_number(text.replace("几", "九")) if text != "几" else None
        return (low, high, True) if low else None
    for index in range(len(text) - 1):
        first, second = text[index], text[index + 1]
        if first in _CN_DIGITS and second in _CN_DIGITS and _CN_DIGITS[first] and _CN_DIGITS[second]:
            low = chinese_number(text[:index] + first + text[index + 2:])
            high = chinese_number(text[:index] + second + text[index + 2:])
            if low and high and high > low:
                return low, high, True
            return None
    value = chinese_number(text)
    return (value, value, False) if value else None


def _arabic_value(digits: str, mult: Optional[str], tail: Optional[str]) -> Optional[int]:
    number = float(digits.replace(",", ""))
    factor = {"k": 1000, "K": 1000, "千": 1000, "w": 10_000, "W": 10_000, "万": 10_000, "百": 100}.get(mult or "", 1)
    value = number * factor
    if tail and factor >= 1000:
        value += (int(tail) if tail.isdigit() else _CN_DIGITS[tail]) * factor // 10  # "1万2" = 12000
    return int(round(value)) if value >= 1 else None


def _spans(text: str) -> List[_Span]:
    text = _MOBILE_WRITTEN.sub(lambda m: " " * len(m.group(0)), text)  # same length: offsets hold
    spans: List[_Span] = []
    for match in _NUMBER.finditer(text):
        if match.group("arabic"):
            digits = match.group("arabic")
            if len(digits.replace(",", "").split(".")[0]) >= 7 and not match.group("amult"):
                continue  # a phone or id number, never a count or a sum
            value = _arabic_value(digits, match.group("amult"), match.group("atail"))
            reading = (value, value, False) if value else None
        else:
            if match.group("chinese")[0] in "百千万":
                continue  # "万一", "千万别": words, not numbers
            reading = _chinese_range(match.group("chinese").rstrip("几") or match.group("chinese"))
            if reading and match.group("chinese").endswith("几") and len(match.group("chinese")) > 1:
                reading = (reading[0], None, True)  # "二十几" reads as 20-odd
        if not reading or reading[0] is None:
            continue
        low, high, approx = reading
        if match.group("more"):
            high, approx = (None, True) if match.group("more") != "来" else (high, True)
        start, end = match.span()
        number = match.group(0)[:len(match.group(0)) - len(match.group("more") or "")]
        spans.append(_Span(low, high, approx, start, end, text[end:end + 6], text[max(0, start - 6):start], number))
    return _join_ranges(spans, text)


def _join_ranges(spans: List[_Span], text: str) -> List[_Span]:
    """"4000-5000" / "二十到三十个": two numbers joined by a range word become one span."""
    joined: List[_Span] = []
    for span in spans:
        previous = joined[-1] if joined else None
        between = text[previous.end:span.start].strip() if previous else None
        if previous and between in _RANGE_JOINERS and span.low > previous.low:
            low = previous.low
            if span.low >= 1000 and low < 10 and "千" not in previous.digits:
                low *= 10 ** (len(str(span.low)) - 1)  # "4到5千"
            joined[-1] = _Span(low, span.high or span.low, True, previous.start, span.end, span.after,
                               previous.before, text[previous.start:span.end])
        else:
            joined.append(span)
    return joined


def _starts_with(text: str, words) -> bool:
    return any(text.startswith(word) for word in words)


def _ends_with(text: str, words) -> bool:
    return any(text.rstrip(" ，,").endswith(word) for word in words)


def _not_a_quantity(span: _Span) -> bool:
    after = span.after.lstrip(" ")
    if _starts_with(after, ("号人", "口人")):
        return False
    if _starts_with(after, _NOT_QUANTITY_AFTER):
        return True
    if re.fullmatch(r"(19|20)\d\d", span.digits):
        return True  # a year: "2023就开始欠"
    return span.before.endswith(("第", "周", "星期", "礼拜", "初", "底"))


def _approx_near(text: str, span: _Span) -> bool:
    return span.approx or any(word in text[max(0, span.start - 3):span.end + 3] for word in _APPROX_WORDS)


# --- headcounts ------------------------------------------------------------------------
def _people_span(span: _Span, answer: bool = True) -> bool:
    after = span.after.lstrip(" ")
    if not _starts_with(after, _PEOPLE_AFTER):
        return False
    if _starts_with(after, _NOT_QUANTITY_AFTER) and not _starts_with(after, ("号人", "口人")):
        return False
    if after.startswith("个") and not _starts_with(after, tuple(w for w in _PEOPLE_AFTER if w != "个")):
        # A bare 个 ("五六个") is a headcount in an answer; in a story only at a clause's end.
        return answer or after[1:2] in ("", " ", "，", ",", "。", "都", "也", "一", "全", "没", "的")
    return True


def parse_headcount(text: Optional[str], answer: bool = False) -> Optional[Quantity]:
    """How many workers `text` says are concerned.

    `answer`: the text answers "一共涉及多少人？", so a bare number ("5", "五六", "二十多")
    counts; in a story only numbers followed by 人/个/名/位… do. Money is never a headcount.
    """
    raw = (text or "").strip()
    folded = normalize(raw)
    candidates = [span for span in _spans(folded) if not _not_a_quantity(span) and not _is_money(span, folded)
                  and not _per_person_marker(folded, span)]
    people = [span for span in candidates if _people_span(span, answer)]
    if not people and answer:
        people = [span for span in candidates if not span.after.strip() or span.after.lstrip(" ")[:1] in "，,。.!！ 吧啊呢吗"]
        people = [span for span in people if span.low <= 100_000]
    if people:
        span = max(people, key=lambda s: s.low)  # "我们5个人 还有3个老乡也是" reads the bigger group
        approx = _approx_near(folded, span)
        return Quantity(PEOPLE, span.low, span.high, approx, _words(raw, folded, _phrase(folded, span)))
    for word in sorted(_ALONE, key=len, reverse=True):
        if word in folded and not _group_after(folded, word):
            return Quantity(PEOPLE, 1, 1, False, _words(raw, folded, word))
    for word in _PAIR:
        if word in folded:
            return Quantity(PEOPLE, 2, 2, False, _words(raw, folded, word))
    for word, low in sorted(_HUNDREDS_VAGUE.items(), key=lambda pair: -len(pair[0])):
        if word + "个" in folded or word + "人" in folded or word + "号" in folded or (answer and folded.startswith(word)):
            return Quantity(PEOPLE, low, None, True, _words(raw, folded, word))
    for word in _VAGUE_GROUPS:
        if word in folded:
            return Quantity(PEOPLE, None, None, True, _words(raw, folded, word))
    return None


def _per_person_marker(folded: str, span: _Span) -> bool:
    """The "一" of "一人欠四五千" / "一个人四千" means "each", not a headcount of one."""
    return span.digits == "一" and _starts_with(span.after, ("人欠", "人四", "人五", "人三", "人两", "人二", "人六",
                                                            "人七", "人八", "人九", "人一", "人大概", "个人欠"))


def _group_after(folded: str, word: str) -> bool:
    """"就我一个" is one person, but "我一个朋友" / "我们5个人" are not about the worker alone."""
    index = folded.find(word)
    rest = folded[index + len(word):index + len(word) + 3]
    return rest.startswith(("朋友", "工友", "老乡", "同事", "亲戚", "兄弟", "们"))


# --- money -----------------------------------------------------------------------------
def _is_money(span: _Span, text: str) -> bool:
    after = span.after.lstrip(" ")
    if _starts_with(after, _MONEY_AFTER) or re.search(r"[万千kKwW]", span.digits):
        return not _starts_with(after, ("人", "个人", "名", "号人"))
    return False


def _money_context(span: _Span, text: str) -> bool:
    window = text[max(0, span.start - 8):span.end + 4]
    return any(word in window for word in _MONEY_CONTEXT)


def parse_money(text: Optional[str], answer: bool = False) -> Optional[Quantity]:
    """The sum of money `text` says is owed.

    `answer`: the text answers "涉及的金额大概是多少？", so a bare number counts. With an
    amount per person and a total ("每人四五千 一共两万多") the total is the value and the
    per-person amount is kept beside it; with only a per-person amount and a headcount in
    the same text, the total is worked out (approximate).
    """
    raw = (text or "").strip()
    folded = normalize(raw)
    spans = [span for span in _spans(folded) if not _not_a_quantity(span) and not _people_span(span)]
    money = [span for span in spans if _is_money(span, folded) or _money_context(span, folded)
             or (answer and span.low >= 10)]
    money = [span for span in money if span.low >= 10 or _is_money(span, folded)]
    if not money:
        return None
    per_person = [span for span in money if _per_person_before(folded, span)]
    per_month = [span for span in money if span not in per_person and _per_month_before(folded, span)]
    totals = [span for span in money if span not in per_person and span not in per_month]
    words = _words(raw, folded, _phrases(folded, money))
    each = _money_quantity(per_person[0], raw, folded) if per_person else None
    if totals:
        marked = [s for s in totals if _ends_with(folded[:s.start], _TOTAL_BEFORE)]
        found = _money_quantity(marked[0] if marked else max(totals, key=lambda s: s.low), raw, folded)
        return Quantity(MONEY, found.low, found.high, found.approx, words, each=each)
    if each is not None:
        return _times(each, parse_headcount(folded), words, "人")
    if per_month:
        monthly = _money_quantity(per_month[0], raw, folded)
        return _times(monthly, _months(folded), words, "月")
    return None


def _times(each: Quantity, count: Optional[Quantity], words: str, each_of: str) -> Quantity:
    """A total worked out from an amount per person (or month) and how many: approximate."""
    if count is None or not count.low:
        return Quantity(MONEY, None, None, True, words, each=each, each_of=each_of)
    high = each.high * count.high if each.high and count.high else None
    return Quantity(MONEY, each.low * count.low, high, True, words, each=each, each_of=each_of)


_MONTHS = re.compile(rf"(\d+|[{_CN_CHARS}]+)(多)?个(多)?月")


def _months(folded: str) -> Optional[Quantity]:
    """"干了三个月" / "两个多月": how many months' wages (the 一 of "一个月" is a rate, not a count)."""
    for match in _MONTHS.finditer(folded):
        number = match.group(1)
        if folded[max(0, match.start() - 1):match.start()] in ("每", "一") or number in ("一", "1"):
            continue
        value = int(number) if number.isdigit() else chinese_number(number)
        if value:
            return Quantity(PEOPLE, value, value, bool(match.group(2) or match.group(3)), match.group(0))
    return None


def _per_month_before(folded: str, span: _Span) -> bool:
    window = folded[max(0, span.start - 5):span.start]
    return any(word in window for word in ("一个月", "每个月", "每月", "月薪", "月工资", "一月"))


def _phrases(folded: str, spans: List[_Span]) -> str:
    """The stretch of text from the first money phrase to the last, as the worker put it."""
    first, last = _phrase_bounds(folded, spans[0]), _phrase_bounds(folded, spans[-1])
    lead = first[0]
    for word in sorted(_PER_PERSON_BEFORE + _TOTAL_BEFORE + ("一个月", "每个月", "每月"), key=len, reverse=True):
        window = folded[:lead]
        if window.endswith(word):
            lead -= len(word)
            break
    return folded[lead:last[1]]


def _per_person_before(folded: str, span: _Span) -> bool:
    """"每人四五千", "每个人都欠了四五千", "一人欠五千": a per-person amount (no 一共 between)."""
    window = folded[max(0, span.start - 7):span.start]
    for word in _PER_PERSON_BEFORE:
        index = window.rfind(word)
        if index >= 0 and not any(total in window[index:] for total in _TOTAL_BEFORE if total != "共"):
            return True
    return False


def _money_quantity(span: _Span, raw: str, folded: str) -> Quantity:
    return Quantity(MONEY, span.low, span.high, _approx_near(folded, span), _words(raw, folded, _phrase(folded, span)))


# --- the worker's words ----------------------------------------------------------------
def _phrase(folded: str, span: _Span) -> str:
    """The number with its unit word, as written: "五六个人", "两万多块"."""
    start, end = _phrase_bounds(folded, span)
    return folded[start:end]


def _phrase_bounds(folded: str, span: _Span) -> tuple:
    end = span.end
    for unit in sorted(_PEOPLE_AFTER + _MONEY_AFTER + ("块钱", "左右", "多块", "来个"), key=len, reverse=True):
        if folded[end:].startswith(unit):
            end += len(unit)
            break
    start = span.start
    for lead in sorted(_PER_PERSON_BEFORE + _TOTAL_BEFORE + _APPROX_WORDS, key=len, reverse=True):
        if folded[:start].endswith(lead):
            start -= len(lead)
            break
    return start, end


def _words(raw: str, folded: str, phrase: str) -> str:
    """`phrase` found in the normalised text, returned as the worker typed it."""
    index = folded.find(phrase)
    if index < 0 or len(raw) != len(folded):
        return phrase
    return raw[index:index + len(phrase)].strip()
