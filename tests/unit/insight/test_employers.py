"""Employer names as workers type them reduce to one key per employer."""
from __future__ import annotations

import pytest

from bot.insight.employers import employer_key

SAME = ["北京宏达建筑有限公司", "宏达建筑", "宏达公司", "宏达", "（北京）宏达建筑工程有限责任公司",
        "北京市朝阳区宏达装饰公司", "宏达建筑 就是个包工队", " 宏达建筑有限公司。"]


@pytest.mark.parametrize("name", SAME)
def test_the_issues_three_spellings_and_more_are_one(name):
    assert employer_key(name) == "宏达"


@pytest.mark.parametrize("name", ["老板", "公司", "建筑公司", "物流公司", "", None, "不知道", "  "])
def test_names_that_name_no_one_form_no_cluster(name):
    assert employer_key(name) is None


def test_different_brands_stay_apart():
    assert employer_key("北京宏远建筑有限公司") == "宏远"
    assert employer_key("顺达物流") == "顺达" != employer_key("宏达物流")


def test_full_width_and_latin_names():
    assert employer_key("ＡＢＣ科技有限公司") == employer_key("abc科技") == "abc"
