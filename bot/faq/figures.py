"""The worker's own figures in a message: monthly wage, length of service, overtime hours,
untaken leave days, and whether the dismissal was unlawful.

Workers write "月薪八千", "1.2万", "一万二", "8k", "干了五年半", "三年零五个月", "十个月",
"平时加班20小时", "周末加了两天班", "国庆上了三天班". Pure functions, no Rasa imports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Optional

from bot.appeals.quantities import chinese_number
from bot.faq.calculators import OPEN_ENDED
from bot.nlu.text_normalization import normalize

_NUM = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
_MONEY_UNIT = r"(元|块钱|块|k|K|w|W|万|千)?"
_WAGE_WORDS = r"(?:月薪|月工资|工资|底薪|薪资|薪水|每月|每个月|一个月|月入|月收入|收入|到手|税前|平均)"
# In a lookahead so matches overlap: "工资一个月10440" is tried at "工资" (reads "一") and again at
# "一个月" (reads 10440).
_WAGE_AFTER_WORD = re.compile(rf"(?={_WAGE_WORDS}[^0-9零〇一二两三四五六七八九十百千万]{{0,4}}?{_NUM}{_MONEY_UNIT})")
_MONEY = re.compile(rf"{_NUM}(元|块钱|块|k|K|w|W|万|千)")
# A whole Chinese numeral of a thousand or more: "八千", "一万二", "两万五" (read as one number).
_CN_MONEY = re.compile(r"[一二两三四五六七八九十][零〇一二两三四五六七八九十百]*[千万][零〇一二两三四五六七八九十百千]*")
_SERVICE = re.compile(rf"{_NUM}年(半)?(?:多)?(?:零|又)?(?:{_NUM}个(?:多)?月)?")
_MONTHS = re.compile(rf"{_NUM}个(?:多)?月")
_HOURS = re.compile(rf"{_NUM}(?:个)?(?:多)?(?:小时|钟头|钟)")
_DAYS = re.compile(rf"{_NUM}天")
# "两个周六都加班了": rest days counted by name, 8 hours each.
_NAMED_REST_DAYS = re.compile(rf"{_NUM}个(?:周六|周日|星期六|星期天|星期日|礼拜六|礼拜天|休息日)")
# "最后一个月", "上个月", "每个月": a month named, not a length of service.
_NOT_SERVICE_BEFORE = ("最后", "上", "这", "每", "头", "下", "前", "当")
_REST_WORDS = ("周末", "周六", "周日", "星期六", "星期天", "星期日", "礼拜六", "礼拜天", "休息日", "双休", "休息天")
_HOLIDAY_WORDS = ("节假日", "法定", "国庆", "春节", "过年", "五一", "元旦", "中秋", "端午", "清明", "除夕",
                  "大年", "初一", "初二", "初三", "年三十", "十一假", "十一期间", "十一长假", "十一黄金周")
_UNLAWFUL_WORDS = ("违法", "无故", "非法", "没有理由", "没理由", "无理由", "随便", "2N", "2n", "二倍", "两倍",
                   "双倍", "赔偿金", "不合法", "恶意")
_CLAUSE = re.compile(r"[，,。.;；！!？?\s]+")
# The contract's term ("签了两年的合同", "合同签一年", "三年合同", "无固定期限") and the probation
# agreed ("试用期定了6个月", "试用期半年"): the probation calculator's figures.
_TERM = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]+|半)(年半|年|个月)"
_CONTRACT_BEFORE = re.compile(rf"{_TERM}(?:期)?的?(?:劳动)?合同")
_CONTRACT_AFTER = re.compile(rf"合同(?:期限|期)?(?:就|只|才)?(?:签了|签的|签|是|为|定了)?{_TERM}")
_PROBATION_AGREED = re.compile(rf"试用期[^，,。；;]{{0,6}}?{_TERM}")
# The two lengths a 医疗期 depends on: years of work in all ("参加工作8年", "工龄15年", "总共工作12年")
# and years with this employer ("在这家公司干了2年", "在现在单位才3年", "本单位5年").
_YEARS = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]+)(?:多)?年(半)?"
_TOTAL_YEARS = re.compile(rf"(?:参加工作|总共工作|一共工作|累计工作|总工龄|工龄|工作了|工作)(?:了|有|都)?(?:快|近|满|已经)?{_YEARS}")
_EMPLOYER_YEARS = re.compile(
    rf"(?:在|到|进)?(?:这家|本单位|现在的?单位|现在的?公司|现单位|这个单位|这个公司|本公司|这边|这里)"
    rf"(?:公司|单位)?[^，,。；;\d零〇一二两三四五六七八九十]{{0,5}}?{_YEARS}")


@dataclass(frozen=True)
class Figures:
    wage: Optional[float] = None           # monthly wage, yuan
    service_months: Optional[float] = None  # length of service (this employer, or total for leave)
    workday_hours: Optional[float] = None
    restday_hours: Optional[float] = None
    holiday_hours: Optional[float] = None
    leave_days: Optional[float] = None      # untaken annual leave days
    unlawful: bool = False
    contract_months: Optional[float] = None  # the contract's term (OPEN_ENDED for 无固定期限)
    probation_months: Optional[float] = None  # the probation the employer set
    total_years: Optional[float] = None      # years of work in all (医疗期)
    employer_years: Optional[float] = None   # years with this employer (医疗期)

    @property
    def overtime_hours(self) -> bool:
        return any(h for h in (self.workday_hours, self.restday_hours, self.holiday_hours))

    def merged_over(self, older: "Figures") -> "Figures":
        """These figures, with the gaps filled from an earlier message of the conversation."""
        values = {name: getattr(self, name) if getattr(self, name) is not None else getattr(older, name)
                  for name in ("wage", "service_months", "workday_hours", "restday_hours", "holiday_hours",
                               "leave_days", "contract_months", "probation_months", "total_years",
                               "employer_years")}
        return replace(self, **values, unlawful=self.unlawful or older.unlawful)

    def is_empty(self) -> bool:
        return self == Figures()


def number(text: str) -> Optional[float]:
    """"8000" 8000, "1.2" 1.2, "八千" 8000, "一万二" 12000, "十二" 12, "两" 2."""
    if not text:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    value = chinese_number(text)
    return float(value) if value else None


def _money(amount: Optional[float], unit: Optional[str]) -> Optional[float]:
    if amount is None:
        return None
    factor = {"k": 1000, "K": 1000, "千": 1000, "w": 10_000, "W": 10_000, "万": 10_000}.get(unit or "", 1)
    if unit in ("千", "万") and amount >= 1000:
        factor = 1  # "八千" is already 8000 when read as one numeral
    return amount * factor


def _wage(text: str) -> Optional[float]:
    short = re.search(r"(\d+)[千kK](\d)(?![\d.])", text)  # "3千5", "8k5"
    if short:
        return float(short.group(1)) * 1000 + float(short.group(2)) * 100
    for match in _CN_MONEY.finditer(text):
        value = number(match.group(0))
        wage_context = re.search(rf"{_WAGE_WORDS}[^0-9]{{0,4}}$", text[:match.start()])
        duration = text[match.end():match.end() + 1] in tuple("年个天小月岁次人")
        if value and 1000 <= value <= 500_000 and (wage_context or not duration):
            return value
    for match in _WAGE_AFTER_WORD.finditer(text):
        value = _money(number(match.group(1)), match.group(2))
        if value and 500 <= value <= 500_000:
            return value
    for match in _MONEY.finditer(text):
        if match.group(1)[0] in "千万百":
            continue  # "千万别签", "万一": words, not sums
        value = _money(number(match.group(1)), match.group(2))
        if value and 1000 <= value <= 500_000:
            return value
    bare = re.fullmatch(r"\s*(\d{4,6})\s*", text)  # the bare "8000" answering "月薪多少"
    return float(bare.group(1)) if bare else None


def _service_months(text: str) -> Optional[float]:
    for match in _SERVICE.finditer(text):
        years = number(match.group(1))
        if years is None or years >= 100 or text[match.end():match.end() + 1] == "假":
            continue  # "2025年" is a date; "5天年假" is leave
        months = years * 12 + (6 if match.group(2) else 0)
        if match.group(3):
            months += number(match.group(3)) or 0
        return months
    for match in _MONTHS.finditer(text):
        before, after = text[max(0, match.start() - 3):match.start()], text[match.end():match.end() + 2]
        if "试用" in before or after.startswith(("工资", "的工资", "钱", "没")) or re.match(r"\d", after):
            continue  # probation length, months of wages owed, or "一个月8000" (a wage), not service
        if before.endswith(_NOT_SERVICE_BEFORE):
            continue
        value = number(match.group(1))
        if value is not None and value < 600:
            return value
    return None


def _overtime(text: str) -> dict:
    hours = {"workday_hours": None, "restday_hours": None, "holiday_hours": None}
    for clause in _CLAUSE.split(text):
        kind = ("holiday_hours" if any(w in clause for w in _HOLIDAY_WORDS)
                else "restday_hours" if any(w in clause for w in _REST_WORDS) else "workday_hours")
        found = _HOURS.search(clause)
        amount = number(found.group(1)) if found else None
        if amount is None and kind != "workday_hours" and ("班" in clause or "干" in clause):
            day = _DAYS.search(clause) or _NAMED_REST_DAYS.search(clause)
            amount = (number(day.group(1)) or 0) * 8 if day else None
        if amount:
            hours[kind] = (hours[kind] or 0) + amount
    return hours


def _leave_days(text: str) -> Optional[float]:
    if "年假" not in text and "年休" not in text:
        return None
    for match in _DAYS.finditer(text):
        near = text[max(0, match.start() - 10):match.end() + 10]
        if any(w in near for w in ("没休", "未休", "没让休", "不让休", "没有休", "没给休", "剩", "不安排", "没安排",
                                   "都没让", "没能休", "没批")):
            return number(match.group(1))
    return None


def _term_months(match) -> Optional[float]:
    amount, unit = match.group(1), match.group(2)
    value = 0.5 if amount == "半" else number(amount)
    if value is None:
        return None
    return value * 12 + (6 if unit == "年半" else 0) if unit.startswith("年") else value


def _within(months: Optional[float], longest: float) -> Optional[float]:
    """A term a contract or probation can have; "0年", "99999999年" are typing slips, not terms."""
    return months if months is not None and 0 < months <= longest else None


def _contract_months(text: str) -> Optional[float]:
    if "无固定期限" in text:
        return OPEN_ENDED
    for pattern in (_CONTRACT_BEFORE, _CONTRACT_AFTER):
        match = pattern.search(text)
        if match and not text[max(0, match.start() - 3):match.start()].endswith("试用期"):
            return _within(_term_months(match), 50 * 12)
    return None


def _probation_months(text: str) -> Optional[float]:
    match = _PROBATION_AGREED.search(text)
    return _within(_term_months(match), 36) if match else None


def _years(pattern: "re.Pattern[str]", text: str) -> Optional[float]:
    match = pattern.search(text)
    if not match:
        return None
    value = number(match.group(1))
    return value + (0.5 if match.group(2) else 0) if value is not None and value < 60 else None


def read_figures(text: Optional[str]) -> Figures:
    folded = normalize(text or "")
    overtime = _overtime(folded) if any(w in folded for w in ("加班", "上班", "小时", "加了")) else {}
    return Figures(
        wage=_wage(folded),
        service_months=_service_months(folded),
        leave_days=_leave_days(folded),
        unlawful=any(w in folded for w in _UNLAWFUL_WORDS),
        contract_months=_contract_months(folded),
        probation_months=_probation_months(folded),
        total_years=_years(_TOTAL_YEARS, folded),
        employer_years=_years(_EMPLOYER_YEARS, folded),
        **overtime,
    )


def merged(texts: Iterable[Optional[str]]) -> Figures:
    """Figures of several messages, oldest first: a later message's figure wins."""
    result = Figures()
    for text in texts:
        result = read_figures(text).merged_over(result)
    return result
