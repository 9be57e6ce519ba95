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
