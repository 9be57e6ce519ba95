"""Personal numbers are masked before a message is stored, however they are written."""
import pytest

from bot.capture.masking import mask, personal_numbers


@pytest.mark.parametrize("text, masked", [
    ("我电话13900001111", "我电话139****1111"),
    ("139—0000—1111 打我", "139—****—1111 打我"),
    ("+86 139 0000 1111", "+86 139 **** 1111"),
    ("１３９００００１１１１", "１３９****１１１１"),
    ("身份证110105199003071234号", "身份证110**************4号"),
    ("身份证11010519900307123X", "身份证110**************X"),
    ("卡号6222021234567890123", "卡号6222***********0123"),
    ("卡号6222 0212 3456 7890", "卡号6222 **** **** 7890"),
])
def test_numbers_are_masked_keeping_the_length(text, masked):
    assert mask(text) == masked
    assert len(mask(text)) == len(text)


@pytest.mark.parametrize("text", ["欠了我20000块", "GH202611260007 进度", "干了3年 月薪8000", "2026年11月26日"])
def test_other_numbers_stay(text):
    assert mask(text) == text
    assert personal_numbers(text) == []


def test_kinds_are_told_apart():
    kinds = [span.kind for span in personal_numbers("13900001111 110105199003071234 6222021234567890")]
    assert kinds == ["phone", "id_card", "bank_card"]
