"""The console's checks of an edited answer (bot/faq/answer_checks.py) accept every shipped
topic as it is — an admin can always save a text the tests accept — and catch what the tests
would reject."""
from dataclasses import replace

import pytest

from bot.faq.answer_checks import OFFER, load_facts, topic_problems
from bot.faq.answers import ANSWERS_FILE, load_answers

ANSWERS = load_answers()
FACTS = load_facts(ANSWERS_FILE)


@pytest.mark.parametrize("name", sorted(ANSWERS.topics))
def test_every_shipped_topic_passes(name):
    assert topic_problems(ANSWERS, ANSWERS.topics[name], FACTS[name]) == []


@pytest.mark.parametrize("change, problem", [
    (lambda d: d.replace("\n" + OFFER, ""), "最后一行须是"),
    (lambda d: d.replace("下一步", "然后"), "下一步"),
    (lambda d: "- " + d, "列表或标题符号"),
    (lambda d: d.replace("2540", "2720"), "缺少必备内容：2540"),
    (lambda d: d + "包赢", "不能向职工作出承诺"),
    (lambda d: d * 3, "字节"),
])
def test_a_broken_detail_is_named(change, problem):
    topic = ANSWERS.topics["minimum_wage"]
    broken = replace(topic, detail=change(topic.detail))
    assert any(problem in p for p in topic_problems(ANSWERS, broken, FACTS["minimum_wage"]))
