"""Facts read out of a worker's story, and short answers read like a person would."""
from __future__ import annotations

import pytest

from bot.appeals.story_facts import employer_answer, is_story, name_answer, read_story, since_in


def test_the_whole_story_in_one_message():
    facts = read_story("老板叫人打电话说 从9月开始就没发工资 我们五六个人每人欠四五千 我想投诉他们")
    assert facts.category == "wage_arrears"
    assert (facts.headcount.low, facts.headcount.high) == (5, 6)
    assert facts.amount.each.low == 4000 and facts.amount.low == 20000
    assert facts.since == "从9月开始"
    assert facts.employer is None and facts.district is None


def test_employer_and_district_in_a_story():
    facts = read_story("我在朝阳的顺达物流公司上班，已经三个月没发工资了，一共欠我两万多")
    assert (facts.employer, facts.district) == ("顺达物流公司", "朝阳区")
    assert facts.amount.low == 20000 and facts.headcount is None


def test_a_district_inside_the_employer_name_is_not_the_district():
    facts = read_story("朝阳测试公司欠我工资")
    assert facts.employer == "朝阳测试公司" and facts.district is None


@pytest.mark.parametrize("story", ["我送外卖的 平台扣钱 说超时罚款", "劳务派遣工有什么权益", "我是劳务派遣过去的"])
def test_words_that_are_not_employers_or_districts(story):
    facts = read_story(story)
    assert facts.district is None
    assert facts.employer is None


@pytest.mark.parametrize("answer,employer", [
    ("老王装饰 就是个小装修队", "老王装饰"),
    ("顺达物流公司", "顺达物流公司"),
    ("在一个叫宏达的装修公司干", "宏达装修公司"),
    ("就是朝阳测试公司", "朝阳测试公司"),
    ("华联超市", "华联超市"),
    ("包工头老李", "包工头老李"),
    ("我们是个小饭馆 叫老张家常菜", "老张家常菜"),
    ("美团", "美团"),
])
def test_employer_answers_keep_their_whole_words(answer, employer):
    assert employer_answer(answer) == employer


@pytest.mark.parametrize("answer", ["二十多人", "五六个", "朝阳", "8000块"])
def test_quantities_and_districts_are_not_employers(answer):
    assert employer_answer(answer) is None


@pytest.mark.parametrize("answer,name", [("王师傅", "王师傅"), ("我叫张三", "张三"), ("叫我小李就行", "小李")])
def test_names(answer, name):
    assert name_answer(answer) == name


@pytest.mark.parametrize("answer", ["二十多人", "5个", "五六个", "13812345678"])
def test_a_quantity_is_not_a_name(answer):
    assert name_answer(answer) is None


@pytest.mark.parametrize("text,since", [
    ("从9月开始就没发工资", "从9月开始"), ("去年年底开始老板就一直拖着", "去年年底开始"), ("已经三个月没发了", "已经三个月"),
])
def test_since_when(text, since):
    assert since_in(text) == since


@pytest.mark.parametrize("text,told", [
    ("我要投诉我们老板拖欠工资", False), ("我要反映情况", False),
    ("从9月开始就没发工资 我们五六个人每人欠四五千 我想投诉他们", True),
    ("干了三个月一分钱没拿到，老板一直说下个月发", True),
])
def test_a_story_versus_a_request_to_file(text, told):
    assert is_story(text, read_story(text)) is told
