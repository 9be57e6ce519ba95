"""What the hotline says instead of texts written for a screen: the spoken variants by
response name and the rules for the actions' own texts (channels/hotline/responses.py), read
through spoken.py. Nothing a caller hears asks them to type, tap, send a location or look
"here" (the WeChat chat), and no digit, bracket or list mark is left for the synthesizer."""
from __future__ import annotations

import re

import pytest

from channels.hotline.responses import SPOKEN, TEXT_RULES, spoken_message, spoken_text
from channels.hotline.spoken import spoken, ticket_spoken
from tests.unit.channels.hotline_action_texts import TICKET, action_texts

SCREEN_ONLY = re.compile(r"回复|点击|公众号|微信|在这里|发送|发给|链接|定位|[0-9（）()【】\[\]·•]|https?://")
TEXTS = action_texts()


@pytest.mark.parametrize("name", sorted(SPOKEN))
def test_every_spoken_variant_is_said_whole_and_for_the_ear(name):
    said, rest = spoken(SPOKEN[name])
    assert rest == "", f"{name} is cut: {said!r}"
    assert not SCREEN_ONLY.search(said), said


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_the_actions_texts_are_rewritten_for_a_call(name):
    said, _ = spoken(spoken_message({"text": TEXTS[name]}))
    assert not SCREEN_ONLY.search(said), said
    assert said.strip("。 ")  # never silence


def test_the_filing_is_said_whole_with_its_ticket_digit_by_digit():
    for name in ("filed", "filed_urgent"):
        said, rest = spoken(spoken_text(TEXTS[name]))
        assert rest == "" and ticket_spoken(TICKET) in said and "打电话联系您" in said, said
    assert "已标为紧急" in spoken_text(TEXTS["filed_urgent"]) and "已标为紧急" not in spoken_text(TEXTS["filed"])


def test_every_rule_still_matches_the_wording_it_was_written_for():
    """An action's wording changed → its rule silently stops applying; this says which."""
    joined = "\n".join(TEXTS.values())
    unused = [pattern.pattern for pattern, _ in TEXT_RULES if not pattern.search(joined)]
    assert unused == []


def test_a_transfer_leaves_the_waiting_words_to_the_transfer_prompt():
    assert spoken_text(TEXTS["asked_person"]) == "好的，"
    assert spoken_text(TEXTS["not_understood"]) == "抱歉，我还是没能理解您的问题，已请工作人员跟进。"


def test_a_named_response_takes_its_variant_and_others_keep_their_text():
    assert spoken_message({"utter_action": "utter_greet", "text": "屏幕上的欢迎语"}) == SPOKEN["utter_greet"]
    assert spoken_message({"utter_action": "utter_faq/overtime_pay", "text": "加班费按150%支付。"}) == "加班费按150%支付。"
