"""A worker's words never reach Rasa's command syntax, and never arrive longer than the cap."""
import pytest
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.normalizer import ChineseNormalizer
from bot.nlu.text_normalization import normalize_forms
from channels.wechat.inbound import interpret
from channels.wechat.typed_text import BOT_TEXT_MAX, ELISION, TAIL_CHARS, cap_for_bot, defuse_commands

TYPED_COMMANDS = [
    "/report_emergency",
    "／report_emergency",
    "/restart",
    "  ／restart",
    "\u3000／restart",
    '/check_appeal_status{"ticket_id": "GH202611260001"}',
    '／check_appeal_status{"ticket_id":"GH202611260001"}',
    "／report_emergency@1.0",
    "／session_start",
    "／greet",
]


def what_rasa_reads(text: str) -> Message:
    """The NLU graph's first and last steps as Rasa 3.6 runs them: our normaliser, then the
    RegexMessageHandler that turns "/intent{...}" into a certain intent."""
    message = ChineseNormalizer().process([Message({TEXT: text})])[0]
    return RegexMessageHandler().process([message])[0]


def a_command_to_rasa(text: str) -> bool:
    return RegexMessageHandler().process([Message({TEXT: text})])[0].get(INTENT) is not None


@pytest.mark.parametrize("typed", TYPED_COMMANDS)
def test_a_typed_command_is_only_text_to_rasa(typed):
    # Each variant is a command once its forms are normalised (the hole of issue 8)...
    assert a_command_to_rasa(normalize_forms(typed))
    # ...and none is after the channel and the whole normaliser.
    inbound = interpret({"FromUserName": "o_w", "ToUserName": "gh", "MsgType": "text", "Content": typed, "MsgId": "1"})
    assert what_rasa_reads(inbound.bot_text).get(INTENT) is None
    voice = interpret({"FromUserName": "o_w", "ToUserName": "gh", "MsgType": "voice", "Recognition": typed, "MsgId": "2"})
    assert what_rasa_reads(voice.bot_text).get(INTENT) is None


@pytest.mark.parametrize("typed", ["\u200b/restart", "\ufeff\u200d／restart", "\u2060 /report_emergency"])
def test_invisible_characters_before_a_command_are_dropped_with_it(typed):
    assert defuse_commands(typed).startswith("／")


@pytest.mark.parametrize("typed", TYPED_COMMANDS)
def test_the_normaliser_alone_never_makes_a_command(typed):
    # Any channel (REST, hotline): a full-width slash is not turned into Rasa's "/".
    raw_is_command = typed.strip().startswith("/")
    assert a_command_to_rasa(what_rasa_reads(typed).get(TEXT)) == raw_is_command


def test_the_channels_own_commands_still_work():
    click = interpret({"FromUserName": "o_w", "ToUserName": "gh", "MsgType": "event", "Event": "CLICK",
                       "EventKey": "MENU_FILE_APPEAL", "CreateTime": "1"})
    assert what_rasa_reads(click.bot_text).get(INTENT)["name"] == "file_appeal"


@pytest.mark.parametrize("text", ["加班费怎么算", "工资/奖金没发", "1/2的工资", "", "   "])
def test_ordinary_text_is_untouched(text):
    assert defuse_commands(text) == text


def test_short_text_is_not_capped_and_carries_no_copy():
    inbound = interpret({"FromUserName": "o_w", "ToUserName": "gh", "MsgType": "text", "Content": "年假几天", "MsgId": "3"})
    assert inbound.bot_text == "年假几天" and inbound.full_text is None
    assert "full_text" not in inbound.metadata


def test_long_text_keeps_head_and_tail_and_the_whole_text_travels_in_metadata():
    story = "我在工地干了三年。" * 400 + "老板欠我两万块钱工资。请问我该怎么办？"
    inbound = interpret({"FromUserName": "o_w", "ToUserName": "gh", "MsgType": "text", "Content": story, "MsgId": "4"})
    assert len(inbound.bot_text) <= BOT_TEXT_MAX
    assert inbound.bot_text.startswith("我在工地干了三年。") and inbound.bot_text.endswith("请问我该怎么办？")
    assert ELISION in inbound.bot_text
    assert inbound.full_text == story and inbound.metadata["full_text"] == story


@pytest.mark.parametrize("length", [BOT_TEXT_MAX, BOT_TEXT_MAX + 1, 5 * BOT_TEXT_MAX, 60_000])
def test_cap_is_a_hard_bound(length):
    capped = cap_for_bot("字" * length)
    assert len(capped) <= BOT_TEXT_MAX and (length > BOT_TEXT_MAX) == (ELISION in capped)


def test_a_crisis_in_the_middle_of_a_long_message_is_not_cut_away():
    from bot.nlu.crisis_terms import crisis_terms_in
    story = "包工头拖欠工资。" * 300 + "工友说再不给钱就去跳楼了。" + "我们都很着急。" * 300 + "怎么办？"
    capped = cap_for_bot(story)
    assert len(capped) <= BOT_TEXT_MAX and capped.endswith("怎么办？")
    assert crisis_terms_in(capped) == ["跳楼"]
    # A term the cap would cut in two (跳|楼 across the end of the head) is found too.
    head_length = BOT_TEXT_MAX - TAIL_CHARS - len(ELISION)
    straddling = "欠" * (head_length - 1) + "跳楼" + "欠" * 3000
    assert crisis_terms_in(cap_for_bot(straddling)) == ["跳楼"]
    # 中 is no crisis word: nothing is added, and the head keeps its full length.
    assert cap_for_bot("中" * 5000).count(ELISION) == 1
