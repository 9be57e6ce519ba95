"""CrisisOverride, the last NLU component: a crisis is report_emergency whatever came before."""
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.crisis_override import CrisisOverride

FALLBACK = {"name": "nlu_fallback", "confidence": 0.45}
RANKING = [FALLBACK, {"name": "faq", "confidence": 0.44}, {"name": "report_emergency", "confidence": 0.40}]


def parsed(text: str, emergency: float = 0.40) -> Message:
    message = Message({TEXT: text})
    message.set(INTENT, FALLBACK)
    message.set(INTENT_RANKING_KEY, [*RANKING[:2], {"name": "report_emergency", "confidence": emergency}])
    return message


def test_the_fallback_cannot_undo_a_crisis():
    [message] = CrisisOverride().process([parsed("大家都不想活了 准备一起去找老板拼命")])
    assert message.get(INTENT) == {"name": "report_emergency", "confidence": 1.0}
    ranking = message.get(INTENT_RANKING_KEY)
    assert ranking[0]["name"] == "report_emergency" and [r["name"] for r in ranking].count("report_emergency") == 1
    assert all(r["confidence"] <= 0.5 for r in ranking[1:]), "no close second intent for an ambiguity check"
    assert message.get("crisis")["family"] == "self_harm" and "不想活" in message.get("crisis_terms")


def test_other_messages_are_left_alone():
    [message] = CrisisOverride().process([parsed("工伤死亡赔偿金怎么算", emergency=0.05)])
    assert message.get(INTENT) == FALLBACK and message.get("crisis") is None


def test_the_classifier_is_a_second_reader_below_the_fallback_threshold():
    """Neither the rules nor the learned reader fire on this wording; the classifier's emergency
    reading of 0.40 still wins."""
    text = "师傅 那个事你看着办吧"
    [message] = CrisisOverride().process([parsed(text, emergency=0.40)])
    assert message.get(INTENT) == {"name": "report_emergency", "confidence": 1.0}
    assert message.get("crisis")["family"] == "classifier" and "0.40" in message.get("crisis")["explanation"]
    [quiet] = CrisisOverride().process([parsed(text, emergency=0.29)])
    assert quiet.get(INTENT) == FALLBACK and quiet.get("crisis") is None


def test_the_classifiers_reading_gives_way_to_a_film_or_a_settled_story():
    """Its reading points at no words: a framing excuses it, as it excuses the learned reader."""
    for text in ("昨晚追的那部剧里 师傅说那个事你看着办吧", "上个月那事已经调解了 师傅说那个事你看着办吧"):
        [message] = CrisisOverride().process([parsed(text, emergency=0.60)])
        assert message.get(INTENT) == FALLBACK and message.get("crisis") is None, text
    # Danger present (正在) outweighs the framing: the classifier's reading stands.
    [danger] = CrisisOverride().process([parsed("电视剧不看了 我正在路上 那个事你看着办吧", emergency=0.60)])
    assert danger.get(INTENT)["name"] == "report_emergency" and danger.get("crisis")["family"] == "classifier"


def test_a_framed_message_the_classifier_alone_put_first_gets_its_next_reading():
    message = Message({TEXT: "昨晚追的那部剧里 师傅说那个事你看着办吧"})
    message.set(INTENT, {"name": "report_emergency", "confidence": 0.70})
    message.set(INTENT_RANKING_KEY, [{"name": "report_emergency", "confidence": 0.70}, {"name": "faq", "confidence": 0.20}])
    [message] = CrisisOverride().process([message])
    assert message.get(INTENT) == {"name": "faq", "confidence": 0.20} and message.get("crisis") is None
