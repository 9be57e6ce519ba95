"""Words that mean someone may be in danger right now (no Rasa imports).

The NLU override and the actions share this list: a crisis must be handled as one even when
the message is mostly about wages or a work injury and the classifier says so.
"""
from __future__ import annotations

import re
from typing import List

from bot.nlu.text_normalization import normalize

CRISIS_TERMS = (
    # self-harm
    "跳楼", "跳河", "跳桥", "自杀", "轻生", "不想活", "活不下去", "寻死", "割腕", "喝农药", "喝药自杀",
    "上吊", "烧炭", "同归于尽", "一了百了",
    # violence and confinement
    "被打伤", "打伤了", "被打了", "打人了", "在打我们", "拿刀", "砍人", "捅人", "动刀", "被关起来",
    "关起来", "关在", "锁在", "不让出去", "限制人身自由", "扣押", "非法拘禁",
    # mass incidents about to happen
    "堵门", "堵路", "堵大门", "拉横幅", "围堵", "静坐", "上访闹", "集体上街",
    # accidents under way
    "塌方", "被埋", "着火了", "起火了", "爆炸", "煤气泄漏", "中毒了", "昏迷", "流了好多血", "在流血", "大出血",
)
_PATTERN = re.compile("|".join(map(re.escape, sorted(CRISIS_TERMS, key=len, reverse=True))))


def crisis_terms_in(text: str) -> List[str]:
    """The crisis terms found in `text` (traditional and full-width forms included)."""
    return sorted(set(_PATTERN.findall(normalize(text or ""))))
