"""Employer names as workers type them, reduced to one key per employer.

Workers name the same company in many ways: 北京宏达建筑有限公司, 宏达建筑, 宏达公司, （北京）宏达
建筑工程有限责任公司. The key keeps the brand (字号) only: the place, the legal form and the
trade words are dropped, because those are exactly the parts workers leave out or vary.
Two companies sharing a brand in different trades merge — acceptable for a warning whose
evidence lists the names as typed, and far rarer than one company under three spellings.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

from bot.districts import ALIASES

# Longest first so 有限责任公司 is removed before 公司 would leave 有限责任 behind.
_LEGAL_FORMS = sorted((
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "分公司", "总公司", "公司",
    "合作社", "事务所", "工作室", "个体户", "门店", "分店", "总店", "店", "厂", "中心",
), key=len, reverse=True)
_TRADES = sorted((
    "建筑工程", "建筑劳务", "建筑", "劳务派遣", "劳务", "工程", "建设", "装饰装修", "装饰", "装修", "物流",
    "快递", "运输", "餐饮管理", "餐饮", "酒店", "物业管理", "物业", "保洁", "家政", "安保", "保安",
    "科技", "技术", "信息", "网络", "电子", "商贸", "贸易", "实业", "投资", "发展", "管理", "咨询",
    "服务", "文化", "传媒", "广告", "房地产开发", "房地产", "置业", "制造", "机械", "食品", "服装",
    "超市", "汽车", "人力资源", "教育", "医药",
), key=len, reverse=True)
_PLACES = sorted({"北京市", "北京", *(name for canonical, aliases in ALIASES.items()
                                     for name in (canonical, *aliases) if len(name) >= 2)},
                 key=len, reverse=True)
# What workers call an employer they cannot name: no cluster may form around these.
_GENERIC = {"老板", "公司", "单位", "工地", "包工头", "个人", "不知道", "不清楚", "没有", "无"}
_BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")
_NOISE = re.compile(r"[\s·•,，。.、:：;；\"'“”‘’!！?？]+")


def employer_key(name: Optional[str]) -> Optional[str]:
    """The employer's brand, or None when the name says nothing about who it is."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    text = _BRACKETS.sub("", text)
    text = _NOISE.split(text)[0] if text else ""  # "老王装饰 就是个小装修队": the name comes first
    if not text or text in _GENERIC:
        return None
    for _ in range(3):  # 北京市朝阳区…: city, then district
        text = _strip_prefix(text, _PLACES)
    text = _strip_suffix(text, _LEGAL_FORMS)
    for _ in range(3):  # 宏达建筑工程劳务: several trade words in a row
        shorter = _strip_suffix(text, _TRADES)
        if shorter == text:
            break
        text = shorter
    text = _strip_suffix(text, _LEGAL_FORMS) or text
    text = text.lower()
    if len(text) < 2 or text in _GENERIC or text in _TRADES:
        return None
    return text


def _strip_prefix(text: str, prefixes) -> str:
    for prefix in prefixes:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            return text[len(prefix):]
    return text


def _strip_suffix(text: str, suffixes) -> str:
    for suffix in suffixes:
        # Keep at least two characters: "建筑公司" alone names no one, "宏达" does.
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return text[:-len(suffix)]
    return text
