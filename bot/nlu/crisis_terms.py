"""Crisis anchor words, found fast (no Rasa imports).

Whether a message is a crisis is decided by the layered detector in `bot/nlu/crisis/`. These
words are anchors for the places that need a cheap, literal search on the event loop: the
WeChat channel keeps the words around them when it shortens a very long message for the bot
(`channels/wechat/typed_text.py`), so a crisis in the middle is never cut away. A word here
that is not a crisis in context costs only a few kept characters, so the list is broad.
"""
from __future__ import annotations

import re
from typing import List

from bot.nlu.text_normalization import normalize

CRISIS_TERMS = (
    # self-harm, direct and indirect
    "跳楼", "跳河", "跳桥", "跳江", "自杀", "轻生", "不想活", "活不下去", "寻死", "割腕", "农药", "喝药", "安眠药",
    "上吊", "烧炭", "同归于尽", "一了百了", "死路一条", "活着没意思", "不如死", "想死", "去死", "了结", "了断",
    "遗书", "遗言", "后事", "最后一", "楼顶", "天台", "塔吊", "窗台", "桥上", "解脱", "刀片", "绳子", "煤气",
    "下辈子", "来世", "分给", "留给", "炭盆", "封死", "唔想", "bxh",
    # violence and confinement
    "被打", "打伤", "打人", "拿刀", "砍", "捅", "汽油", "拼命", "拼了", "动刀", "关起来", "关在", "锁在", "不让出",
    "出不去", "限制人身自由", "扣押", "非法拘禁", "看着", "守着",
    "垫背", "斩死", "放血", "跟踪", "砸门", "踹门", "淌血", "卖给", "卖到", "抵债", "才放", "还清",
    # groups about to act
    "堵门", "堵路", "堵大门", "拉横幅", "围堵", "静坐", "上访", "集体上街", "爬塔吊", "天安门",
    # accidents and medical emergencies under way
    "塌方", "塌了", "被埋", "没上来", "联系不上", "着火", "起火", "爆炸", "泄漏", "中毒", "昏迷", "晕倒", "晕过去",
    "不动了", "没反应", "抽搐", "触电", "流血", "出血", "救命",
    "卷人", "嘴歪", "栽倒", "喝错", "误喝", "不应",
)
_PATTERN = re.compile("|".join(map(re.escape, sorted(CRISIS_TERMS, key=len, reverse=True))))


def crisis_terms_in(text: str) -> List[str]:
    """The anchor words found in `text` (traditional and full-width forms included)."""
    return sorted(set(_PATTERN.findall(normalize(text or ""))))
