"""Answers to the appeal form's questions are not crises.

Found by the sloppy-filings test: the learned reader took the headcount answer "就我" (only me)
for a plea, p=0.98, and the worker filing an appeal got the emergency text. These answers are
written apart from the reader's calm examples (bot/nlu/crisis/learned_examples.yml)."""
from __future__ import annotations

import pytest

from bot.nlu.crisis import detect

FORM_ANSWERS = [
    # headcount
    "就我", "就我一个人", "就我俩", "就我们三个", "就我一个 工友们都拿到钱了", "就我和我爱人两个",
    "我们班十来个人都没发", "就咱自己", "就我自己一个人被扣了", "宿舍里就我没领到",
    # employer, district, amount, name, phone
    "宏远物流有限公司", "通州马驹桥那块", "一共欠了八千三", "叫我李姐就行", "就用这个手机号",
    "对 就是那个包工头", "就我说的那家饭店",
]


@pytest.mark.parametrize("text", FORM_ANSWERS)
def test_a_form_answer_raises_no_alarm(text):
    finding = detect(text)
    assert not finding.is_crisis, finding.explain()


@pytest.mark.parametrize("text", ["救我", "救我啊", "救救我", "救命"])
def test_a_short_plea_is_still_a_crisis(text):
    assert detect(text).is_crisis


def test_the_learned_reader_leaves_very_short_replies_to_the_rules():
    finding = detect("就我")
    assert not finding.is_crisis and not finding.excused
