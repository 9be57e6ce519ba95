"""Answers written for a screen, made for the ear (channels/hotline/spoken.py)."""
from __future__ import annotations

import re

import pytest

from channels.hotline.spoken import (MORE_OFFER, SPOKEN_MAX, clean, next_part, number_words, spoken,
                                     ticket_spoken)


@pytest.mark.parametrize("value, words", [(0, "零"), (10, "十"), (15, "十五"), (105, "一百零五"), (1005, "一千零五"),
                                          (12000, "一万二千"), (100000, "十万"), (20300, "二万零三百"),
                                          (120000000, "一亿二千万")])
def test_numbers_in_words(value, words):
    assert number_words(value) == words


def test_help_lines_and_tickets_are_read_digit_by_digit():
    said = clean("请拨打110报警，心理危机干预热线010-82951332，工会12351（京外010-12351）。编号GH202611260007。")
    assert "幺幺零" in said and "零幺零八二九五幺三三二" in said and "幺二三五幺" in said
    assert ticket_spoken("GH202611260007") in said
    assert not re.search(r"[\d-]", said)


def test_money_percent_and_years_in_words():
    said = clean("拖欠工资5000元，加班费按150%支付，每月1.5万元，2008年起施行，3倍赔偿。")
    assert "五千元" in said and "百分之一百五十" in said and "一点五万元" in said
    assert "二零零八年" in said and "三倍" in said


def test_no_links_emoji_brackets_or_list_marks():
    said = clean("可以这样做：\n1. 先协商（保留证据）\n2. 再仲裁 https://example.cn/a 👍\n· 找工会【12351】")
    assert not re.search(r"https?|[（）()【】\[\]·👍]|^\d\.", said)
    assert "先协商。" in said and "再仲裁" in said


def test_a_long_answer_becomes_a_summary_and_an_offer_and_the_rest_is_kept():
    text = ("用人单位拖欠工资的，您可以先和单位协商。协商不成，可以向劳动监察大队投诉，"
            "也可以申请劳动仲裁。仲裁时效是一年，从知道权利被侵害之日起算。请保留工资条、考勤记录、聊天记录等证据。"
            "需要法律援助，可以到区总工会的职工服务中心申请。")
    said, rest = spoken(text)
    assert said.endswith(MORE_OFFER) and len(said) <= SPOKEN_MAX and rest
    heard, parts = said[: -len(MORE_OFFER)], []
    while rest:
        part, rest = next_part(rest)
        assert len(part) <= SPOKEN_MAX
        parts.append(part)
    whole = heard + "".join(p.replace("还想继续听请说“详细”。", "") for p in parts)
    assert whole == clean(text)


def test_a_short_answer_is_said_whole():
    assert spoken("好的，已记录。") == ("好的，已记录。", "")
