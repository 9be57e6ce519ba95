"""Chinese headcounts and sums as workers write them, and the numbers that are neither."""
from __future__ import annotations

import pytest

from bot.appeals.quantities import chinese_number, parse_headcount, parse_money

# (text, low, high, approx) — high None means "or more"; read as the answer to "多少人？".
HEADCOUNT_ANSWERS = [
    ("5个人", 5, 5, False),
    ("5", 5, 5, False),
    ("就我一个", 1, 1, False),
    ("就我自己", 1, 1, False),
    ("我一个人", 1, 1, False),
    ("只有我", 1, 1, False),
    ("我们俩", 2, 2, False),
    ("俩人", 2, 2, False),
    ("五六个", 5, 6, True),
    ("五六个人", 5, 6, True),
    ("七八个工友", 7, 8, True),
    ("两三个人", 2, 3, True),
    ("一两个", 1, 2, True),
    ("二十多个", 20, None, True),
    ("20多个", 20, None, True),
    ("20多人", 20, None, True),
    ("二十多人", 20, None, True),
    ("十几个", 10, None, True),
    ("十几个人吧", 10, None, True),
    ("三十来个", 30, 30, True),
    ("十来个", 10, 10, True),
    ("一百多号人", 100, None, True),
    ("上百人", 100, None, True),
    ("30人左右", 30, 30, True),
    ("大概40个", 40, 40, True),
    ("我们车队12个人", 12, 12, False),
    ("二三十个", 20, 30, True),
    ("20到30个人", 20, 30, True),
    ("我们班组二十多个人", 20, None, True),
    ("５个人", 5, 5, False),
    ("我們五六個人", 5, 6, True),
    ("十五六个", 15, 16, True),
    ("两百来人", 200, 200, True),
]


@pytest.mark.parametrize("text,low,high,approx", HEADCOUNT_ANSWERS)
def test_headcount_answers(text, low, high, approx):
    count = parse_headcount(text, answer=True)
    assert count is not None, text
    assert (count.low, count.high, count.approx) == (low, high, approx), text


@pytest.mark.parametrize("text", ["好几个人", "好几个", "我们班组的人", "很多人", "全车间", "几个人"])
def test_headcounts_without_a_number_are_uncertain_and_keep_the_words(text):
    count = parse_headcount(text, answer=True)
    assert count is not None and count.uncertain and count.value is None
    assert count.words and count.words in text


@pytest.mark.parametrize("text", [
    "每人四五千 一共两万多", "两万多", "8000块", "一万二", "从9月开始就没发工资", "三个月", "2023年",
    "13812345678", "138 1234 5678", "干了半年", "9月份", "下午3点", "今年45岁", "在3号楼", "1.5万",
])
def test_money_dates_durations_and_phones_are_not_headcounts(text):
    assert parse_headcount(text, answer=True) is None, text


@pytest.mark.parametrize("story,low,high", [
    ("从9月开始就没发工资 我们五六个人每人欠四五千 我想投诉他们", 5, 6),
    ("包工头跑了 我们班组二十多个人工资都没结", 20, None),
    ("就我一个 干了三个月没拿到钱", 1, 1),
    ("我们12个兄弟在工地干了半年", 12, 12),
])
def test_headcount_in_a_story(story, low, high):
    count = parse_headcount(story)
    assert (count.low, count.high) == (low, high)


@pytest.mark.parametrize("story", ["从9月开始就没发工资", "老板一直拖 说下个月给", "2023年的工资还欠着", "干了三个月了"])
def test_a_story_without_people_has_no_headcount(story):
    assert parse_headcount(story) is None


# (text, low, high, approx) read as the answer to "金额大概是多少？".
MONEY_ANSWERS = [
    ("四五千", 4000, 5000, True),
    ("两万多", 20000, None, True),
    ("一万二", 12000, 12000, False),
    ("1.5万", 15000, 15000, False),
    ("3k", 3000, 3000, False),
    ("3K", 3000, 3000, False),
    ("八千块", 8000, 8000, False),
    ("8000块钱", 8000, 8000, False),
    ("三万多", 30000, None, True),
    ("8000多", 8000, None, True),
    ("一万五千", 15000, 15000, False),
    ("一万五", 15000, 15000, False),
    ("两千五", 2500, 2500, False),
    ("12,000元", 12000, 12000, False),
    ("2w", 20000, 20000, False),
    ("1万2", 12000, 12000, False),
    ("4000-5000", 4000, 5000, True),
    ("4到5千", 4000, 5000, True),
    ("一万二左右", 12000, 12000, True),
    ("大概三万", 30000, 30000, True),
    ("几千块", 1000, 9000, True),
    ("三四万", 30000, 40000, True),
    ("5000", 5000, 5000, False),
    ("一共两万多", 20000, None, True),
    ("３０００元", 3000, 3000, False),
    ("兩萬多", 20000, None, True),
]


@pytest.mark.parametrize("text,low,high,approx", MONEY_ANSWERS)
def test_money_answers(text, low, high, approx):
    money = parse_money(text, answer=True)
    assert money is not None, text
    assert (money.low, money.high, money.approx) == (low, high, approx), text


def test_per_person_and_total_keeps_the_total_and_notes_the_per_person_amount():
    money = parse_money("每人四五千 一共两万多", answer=True)
    assert (money.low, money.high) == (20000, None)
    assert (money.each.low, money.each.high) == (4000, 5000)
    assert money.label() == "20000元以上（每人4000–5000元）"
    assert money.words == "每人四五千 一共两万多"


def test_per_person_times_headcount_gives_an_approximate_total():
    money = parse_money("我们五六个人每人欠四五千")
    assert (money.low, money.high, money.approx) == (20000, 30000, True)
    assert money.each.label() == "约4000–5000元"


def test_per_month_times_months_gives_an_approximate_total():
    money = parse_money("干了三个月 一个月五千")
    assert (money.low, money.approx) == (15000, True)
    assert "每月5000元" in money.label()


@pytest.mark.parametrize("text", [
    "从9月开始就没发工资", "9月", "九月份", "三个月", "2023年", "13812345678", "干了半年", "万一老板跑了工资就没了",
    "一分钱没拿到", "每天干12小时", "下午3点", "5个人",
])
def test_dates_durations_phones_and_people_are_not_money(text):
    assert parse_money(text) is None, text


def test_money_in_a_story_skips_the_date():
    money = parse_money("从9月开始就没发工资 一共欠我八千")
    assert money.low == 8000 and money.words == "一共欠我八千" or money.words == "八千"


def test_the_worker_words_are_kept_as_typed():
    assert parse_headcount("我們五六個人", answer=True).words == "五六個人"
    assert parse_money("兩萬多塊", answer=True).words.startswith("兩萬多")


@pytest.mark.parametrize("text,value", [
    ("三十", 30), ("两百", 200), ("十五", 15), ("一万二", 12000), ("两千五", 2500), ("一百二", 120),
    ("三万五", 35000), ("一万零五", 10005), ("五六", None),
])
def test_chinese_numbers(text, value):
    assert chinese_number(text) == value


@pytest.mark.parametrize("text,label", [
    ("五六个人", "约5–6人"), ("二十多个", "20多人"), ("5个人", "5人"), ("两万多", "20000元以上"),
    ("一万二", "12000元"), ("好几个人", "好几个"),
])
def test_labels_staff_read(text, label):
    quantity = parse_money(text, answer=True) if "万" in text else parse_headcount(text, answer=True)
    assert quantity.label() == label
