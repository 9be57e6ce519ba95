"""The NLU component turns a follow-up into `faq` and leaves everything else alone."""
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.faq_follow_up import FOLLOW_UP_KEY, FaqFollowUp
from bot.nlu.option_reply import OPTION_KEY


def parsed(text, intent="nlu_fallback", **extra):
    message = Message(data={TEXT: text, INTENT: {"name": intent, "confidence": 0.3},
                            INTENT_RANKING_KEY: [{"name": intent, "confidence": 0.3}, {"name": "faq", "confidence": 0.2}],
                            **extra})
    FaqFollowUp().process([message])
    return message


def test_a_follow_up_becomes_faq_at_full_confidence():
    message = parsed("详细")
    assert message.get(INTENT) == {"name": "faq", "confidence": 1.0} and message.get(FOLLOW_UP_KEY) == "detail"
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["faq", "nlu_fallback"]


def test_other_messages_and_option_digits_are_left_alone():
    assert parsed("试用期多长", "faq").get(FOLLOW_UP_KEY) is None
    assert parsed("你好", "greet").get(INTENT)["name"] == "greet"
    assert parsed("8000", **{OPTION_KEY: 2}).get(FOLLOW_UP_KEY) is None  # the option reader decided first
