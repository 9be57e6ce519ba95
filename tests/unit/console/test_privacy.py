import pytest

from actions.answer_parsing import mobile_number
from bot.appeals import validation
from bot.console.privacy import mask_phone, mask_text, reveal, revealed
from bot.console.sessions import Session


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone(None) == "" and mask_phone("") == ""
    assert mask_phone("12345") == "*****"


def test_mask_text_finds_numbers_written_every_way():
    assert mask_text("我电话13812345678") == "我电话138****5678"
    assert mask_text("电话 138 1234 5678 或 139-0000-1111") == "电话 138****5678 或 139****1111"
    assert mask_text("+86 13812345678") == "138****5678"
    assert mask_text("１３８１２３４５６７８") == "138****5678"
    assert mask_text("欠了12000元，工号2023001，编号GH202611260007") == "欠了12000元，工号2023001，编号GH202611260007"
    assert mask_text(None) == ""


def test_a_reveal_is_per_record_and_expires():
    session = Session(None, None)
    reveal(session, "appeal:GH202611260001", now=1000.0)
    assert revealed(session, "appeal:GH202611260001", now=1500.0)
    assert not revealed(session, "appeal:GH202611260002", now=1500.0)
    assert not revealed(session, "appeal:GH202611260001", now=1000.0 + 601)


PHONE_SPELLINGS = ["139—0000—1111", "1 3 9 0 0 0 0 1 1 1 1", "139-0000-1111", "１３９００００１１１１",
                   "１３９－００００－１１１１", "139 – 0000 – 1111", "139——0000——1111", "+86 139 0000 1111",
                   "0086-13900001111", "139.0000.1111", "139\u30000000\u30001111", "139·0000·1111"]


@pytest.mark.parametrize("spelling", PHONE_SPELLINGS)
def test_every_spelling_the_form_accepts_is_stored_as_digits_and_masked(spelling):
    assert validation.phone(spelling) == "13900001111"
    assert mobile_number(f"我的电话是{spelling}，谢谢") == "13900001111"
    masked = mask_text(f"老板欠薪，我的电话是{spelling}，谢谢")
    assert masked == "老板欠薪，我的电话是139****1111，谢谢"
    assert "0000" not in mask_text(spelling)


def test_masking_leaves_other_numbers_alone():
    text = "欠了12000元，工号2023001，编号GH202611260007，010-12351"
    assert mask_text(text) == text
