"""A long story that tells a grievance gets its question answered and an explicit offer to
file an appeal ("回复“是”" starts the appeal form: nlu_data/rules/faq.yml)."""
from __future__ import annotations

from typing import Optional

from bot.nlu.text_normalization import normalize

LONG_STORY = 40  # characters: a question is short, a story with a question is not
GRIEVANCE_WORDS = ("欠", "拖", "不给", "不发", "没给", "没发", "辞退", "开除", "炒", "克扣", "扣了", "没交", "不交",
                   "受伤", "砸", "摔", "跑了", "不签", "没签", "逼", "不让", "不批", "降薪", "调岗",
                   "就给了", "没拿到", "一分钱", "要不回", "不结", "没结")
OFFER = "您说的情况，工会可以出面帮您协调：回复“是”，我来帮您登记诉求。"


def appeal_offer(text: Optional[str]) -> Optional[str]:
    folded = normalize(text or "")
    if len(folded.strip()) >= LONG_STORY and any(word in folded for word in GRIEVANCE_WORDS):
        return OFFER
    return None
