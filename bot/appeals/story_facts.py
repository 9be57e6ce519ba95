"""The facts of an appeal found in what the worker wrote, the way a person reading it would.

A worker often tells the whole story at once ("在朝阳的顺达物流干了半年 从9月开始就没发工资
我们五六个人每人欠四五千"). This reads the category, employer, district, headcount, amount
and since-when out of such a story, and reads short answers to one question ("老王装饰 就是个
小装修队" is the employer 老王装饰). Only text the worker wrote for this appeal is read: no
entities from earlier topics. Pure functions, no Rasa imports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from bot.appeals.quantities import Quantity, parse_headcount, parse_money
from bot.districts import ALIASES, canonical_district
from bot.nlu.text_normalization import normalize

# Words that end an employer's name: the kind of workplace.
ORG_SUFFIXES = (
    "有限责任公司", "有限公司", "分公司", "公司", "集团", "工厂", "厂", "超市", "商场", "餐厅", "饭店", "饭馆",
    "酒店", "宾馆", "酒楼", "火锅", "烧烤", "面馆", "快餐", "物流", "快递", "装饰", "装修队", "装修", "建筑",
    "建设", "建工", "工程队", "工程", "项目部", "工地", "施工队", "劳务队", "劳务", "车队", "物业", "保安",
    "家政", "中心", "医院", "诊所", "学校", "幼儿园", "培训", "工作室", "驾校", "网吧", "美容院", "理发店",
    "发廊", "足疗", "洗浴", "4S店", "店", "科技", "传媒", "文化", "电子", "印刷", "服装", "制衣", "食品",
)
# Platforms workers name without a suffix.
PLATFORMS = ("美团", "饿了么", "滴滴", "京东", "顺丰", "闪送", "货拉拉", "达达", "拼多多", "淘宝", "盒马",
             "叮咚买菜", "菜鸟", "中通", "圆通", "申通", "韵达", "极兔", "曹操出行", "T3出行", "高德")
# A name stops at these (they belong to the sentence, not the name).
_NAME_STOPS = ("我们", "我在", "在", "的", "是", "给", "投诉", "举报", "那个", "这个", "那家", "这家", "一家",
               "一个", "了", "和", "跟", "被", "说", "去", "到", "从", "里", "上班", "干活", "打工", "就",
               "都", "也", "还", "欠", "把", "对", "向", "找", "个", "家", "叫", "他们", "它", "这", "那")
_GENERIC_PREFIXES = ("", "小", "大", "私人", "黑", "一个", "一家", "个", "家", "某", "这", "那", "本", "原",
                     "以前", "之前", "现在", "外包", "分包", "我们")
_CALLED = re.compile(r"叫(?:做)?[“\"']?(?P<name>[\w·]{2,12}?)[”\"']?(?:的)?(?P<suffix>" + "|".join(ORG_SUFFIXES) + ")")
_ANSWER_LEADS = ("我们单位是", "我们公司是", "我们公司叫", "单位是", "单位叫", "公司是", "公司叫", "老板是",
                 "我们是", "我在", "在一家叫", "在一个叫", "是一家叫", "叫", "是", "在", "就是", "就在", "名字叫",
                 "名称是", "全称是", "全称叫", "简称")
_ANSWER_TAILS = ("上班", "干活", "打工", "干", "工作", "那里", "那边", "这里", "里面", "的")
_CLAUSE_BREAKS = re.compile(r"[，,。.!！?？;；、\s]|就是|是个|是一个|是家|是一家|那个|这个|老板|在朝|的老板")

CATEGORY_WORDS = (
    ("work_injury", ("工伤", "受伤", "摔伤", "砸伤", "烫伤", "骨折", "摔断", "压断", "伤到", "伤了", "断了", "职业病")),
    ("wage_arrears", ("欠薪", "欠工资", "拖欠", "欠我", "欠我们", "欠了我", "欠了", "欠着", "没发工资", "不发工资", "工资没发", "工资不发",
                      "没给工资", "不给工资", "工资没给", "工资一直没", "讨薪", "要工资", "要不到工资", "工钱",
                      "血汗钱", "结工资", "工资没结", "不结账", "没结账", "扣工资", "扣钱", "克扣", "罚款",
                      "工资的事", "欠钱", "发不出", "没拿到钱", "一分钱没")),
    ("dismissal", ("辞退", "开除", "解雇", "裁员", "被炒", "炒了", "炒鱿鱼", "不让干了", "让我走人", "让我们走人",
                   "赶走", "劝退", "解除合同", "解除劳动合同")),
    ("social_insurance", ("社保", "五险", "医保", "养老保险", "公积金", "保险")),
    ("overtime_pay", ("加班费", "加班", "996", "007", "工时", "周末上班", "不让休息")),
    ("maternity", ("怀孕", "产假", "哺乳", "生孩子")),
    ("labor_contract", ("劳动合同", "合同", "没签")),
    ("resignation", ("辞职", "离职", "不让走", "不放人")),
    ("minimum_wage", ("最低工资",)),
    ("annual_leave", ("年假", "年休假")),
    ("dispatch_work", ("劳务派遣", "派遣")),
    ("probation", ("试用期",)),
    ("wage_arrears", ("工资", "薪水", "薪资")),
)

_SINCE = re.compile(
    r"(?:从|自)?(?P<when>(?:\d{2,4}年|[去今前明]年|上个?月|这个?月|年前|年后|春节前|春节后|过年前|过年后|国庆|五一)?"
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})月份?(?:\d{1,2}[号日])?(?:底|初|中旬|下旬|上旬)?"
    r"|[去今前]年(?:年底|年初|下半年|上半年)?|上个?月|年前|年后|春节前|春节后|过年前|过年后|年初|年底)"
    r"(?P<tail>开始|起|以来|到现在|就|一直|的时候)"
)
_DURATION = re.compile(
    r"(?:已经|都|干了|欠了|拖了|有)(?P<span>(?:\d+|[一二两三四五六七八九十半]+)(?:多)?(?:个)?(?:多)?(?:月|年|星期|周|天))"
)

STORY_MIN_CHARS = 12


@dataclass(frozen=True)
class Facts:
    category: Optional[str] = None
    employer: Optional[str] = None
    district: Optional[str] = None
    headcount: Optional[Quantity] = None
    amount: Optional[Quantity] = None
    since: Optional[str] = None

    def count(self) -> int:
        """How many facts beyond the category the text holds."""
        return sum(value is not None for value in (self.employer, self.district, self.headcount, self.amount, self.since))


def read_story(text: Optional[str]) -> Facts:
    """Every fact a free-text story holds; what it does not say stays None."""
    folded = normalize(text or "")
    employer = employer_in(folded)
    return Facts(
        category=category_in(folded),
        employer=employer,
        district=district_in(folded, employer),
        headcount=parse_headcount(folded),
        amount=parse_money(folded),
        since=since_in(folded),
    )


_REQUEST_WORDS = re.compile(r"我?(?:要|想|想要)?(?:投诉|举报|反映|反应|维权|登记|申诉)(?:一下|个)?(?:情况|诉求)?|帮帮我|帮我|你好|您好")


def is_story(text: Optional[str], facts: Facts) -> bool:
    """The worker told what happened (not just "我要投诉老板"): worth keeping as the description."""
    told = _REQUEST_WORDS.sub("", normalize(text or "")).strip(" ，,。.!！")
    return (facts.count() >= 1 and len(told) >= 8) or len(told) >= STORY_MIN_CHARS


def category_in(text: Optional[str]) -> Optional[str]:
    folded = normalize(text or "")
    for category, words in CATEGORY_WORDS:
        if any(word in folded for word in words):
            return category
    return None


def district_in(text: Optional[str], employer: Optional[str] = None) -> Optional[str]:
    """The district named, ignoring one inside the employer's name ("朝阳测试公司")."""
    folded = normalize(text or "")
    if employer:
        folded = folded.replace(employer, " ")
    return canonical_district(folded)


def since_in(text: Optional[str]) -> Optional[str]:
    """Since when, in the worker's words: "从9月开始", "去年年底开始", "已经三个月"."""
    folded = normalize(text or "")
    match = _SINCE.search(folded)
    if match:
        return match.group(0).removesuffix("就").removesuffix("一直").removesuffix("的时候") or None
    duration = _DURATION.search(folded)
    return duration.group(0) if duration else None


# --- employers -------------------------------------------------------------------------
def employer_in(text: Optional[str]) -> Optional[str]:
    """An employer named in a story: a name ending in 公司/厂/物流…, "叫X的公司", or a platform."""
    folded = normalize(text or "")
    called = _called_name(folded)
    if called:
        return called
    consumed = 0
    for match in _SUFFIX.finditer(folded):
        if match.start() < consumed:
            continue  # the 厂 of 电子厂: part of a suffix already read
        suffix = _whole_suffix(folded, match.start(), match.end())
        consumed = match.start() + len(suffix)
        name = _name_before(folded, match.start()) + suffix
        if _is_a_name(name, suffix):
            return name
    named = [(folded.find(platform), platform) for platform in PLATFORMS if platform in folded]
    return min(named)[1] if named else None


_SUFFIX = re.compile("|".join(sorted(ORG_SUFFIXES, key=len, reverse=True)))


def _whole_suffix(text: str, start: int, end: int) -> str:
    """"物流" followed by "公司" is one suffix: 顺达物流公司, not 顺达物流."""
    while True:
        more = _SUFFIX.match(text, end)
        if not more:
            return text[start:end]
        end = more.end()


def _called_name(text: str) -> Optional[str]:
    called = _CALLED.search(text)
    if not called:
        return None
    start = called.start("suffix")
    return called.group("name").removesuffix("的") + _whole_suffix(text, start, called.end("suffix"))


def _name_before(text: str, end: int) -> str:
    """The name characters right before a suffix, stopping at sentence words and punctuation."""
    start = end
    while start > 0 and end - start < 14:
        char = text[start - 1]
        if not (char.isalnum() or char in "·()（）"):
            break
        if any(text[:start].endswith(stop) for stop in _NAME_STOPS):
            break
        start -= 1
    name = text[start:end]
    for stop in sorted(_NAME_STOPS, key=len, reverse=True):
        if name.startswith(stop) and len(name) > len(stop) + 1:
            name = name[len(stop):]
    return name


def _is_a_name(name: str, suffix: str) -> bool:
    prefix = name[: len(name) - len(suffix)]
    if prefix in _GENERIC_PREFIXES or prefix.endswith("派遣") or _is_district_name(prefix) or len(prefix) < 2 and suffix in ("店", "厂", "中心", "保安", "劳务"):
        return False
    return not re.fullmatch(r"[\d一二三四五六七八九十两几]+个?", prefix)


def employer_answer(text: Optional[str]) -> Optional[str]:
    """The employer given as the answer to "是哪个单位？", with its whole words kept.

    "老王装饰 就是个小装修队" → 老王装饰; "在一个叫宏达的装修公司干" → 宏达装修公司;
    "二十多人" or "朝阳" are not names (None).
    """
    folded = normalize(text or "").strip()
    if not folded or parse_headcount(folded) is not None and _only_quantity(folded):
        return None
    named = _called_name(folded) or employer_in(folded)
    clause = _first_clause(folded)
    if clause in ("我们", "我们是", "是", "就是") or clause.startswith(("我们是个", "是个", "一个", "一家")):
        called = re.search(r"叫(?:做)?([\w·]{2,12})", folded)
        if called:
            return called.group(1)
    for lead in sorted(_ANSWER_LEADS, key=len, reverse=True):
        if clause.startswith(lead) and len(clause) > len(lead) + 1:
            clause = clause[len(lead):]
            break
    for tail in _ANSWER_TAILS:
        if clause.endswith(tail) and len(clause) > len(tail) + 1:
            clause = clause[: -len(tail)]
    clause = clause.strip(" “”\"'")
    if named and named not in PLATFORMS and named not in clause:
        return named  # "在一个叫宏达的装修公司干": the name, not the sentence
    if len(clause) < 2 or canonical_district(clause) == clause or _is_district_only(clause):
        return None
    if parse_money(clause) is not None and _only_quantity(clause):
        return None
    return clause[:100]


def _first_clause(text: str) -> str:
    parts = [part for part in _CLAUSE_BREAKS.split(text) if part and part.strip()]
    return parts[0].strip() if parts else text


def _only_quantity(text: str) -> bool:
    """Nothing but a number and its unit: "二十多人", "五六个", "8000块"."""
    rest = re.sub(r"[\d,.kKwW一二两俩仨三四五六七八九十百千万几多余来左右大概约差不多个人名位号块元钱我们就]", "", text)
    return len(rest.strip(" ，,。")) == 0


def _is_district_name(text: str) -> bool:
    """Exactly a district's name or informal form ("丰台", "朝阳区"), nothing more."""
    district = canonical_district(text)
    return bool(district) and (text in (district, district.removesuffix("区")) or text in ALIASES[district])


def _is_district_only(text: str) -> bool:
    district = canonical_district(text)
    return bool(district) and len(text) <= len(district) + 2


# --- names -----------------------------------------------------------------------------
_NAME_LEADS = ("我叫", "叫我", "我姓", "我是", "本人", "称呼我", "名字是", "名字叫")
_NAME_TAILS = ("就行", "就可以", "就好", "吧", "即可", "呀", "啊")


def name_answer(text: Optional[str]) -> Optional[str]:
    """How to address the worker, from "我叫张三" / "姓王" / "王师傅"; a quantity or number is not a name."""
    folded = normalize(text or "").strip(" 。.，,!！")
    if not folded or re.search(r"\d", folded):
        return None
    if (parse_headcount(folded) is not None or parse_money(folded) is not None) and _only_quantity(folded):
        return None
    for lead in _NAME_LEADS:
        if folded.startswith(lead) and len(folded) > len(lead):
            folded = folded[len(lead):]
            break
    for tail in _NAME_TAILS:
        folded = folded.removesuffix(tail)
    if folded.startswith("姓") and len(folded) >= 2:
        folded = folded[1:2] + "先生/女士" if len(folded) == 2 else folded[1:]
    folded = folded.strip()
    return folded if 1 <= len(folded) <= 20 else None
