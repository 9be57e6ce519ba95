import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.confidence_calibrator import ConfidenceCalibrator


def _message():
    message = Message(data={"text": "加班和休息的事"})
    message.set("intent", {"name": "faq", "confidence": 0.97}, add_to_output=True)
    message.set("intent_ranking", [{"name": "faq", "confidence": 0.97}, {"name": "file_appeal", "confidence": 0.03}],
                add_to_output=True)
    message.set("response_selector", {"faq": {
        "response": {"intent_response_key": "faq/overtime_pay", "confidence": 0.55},
        "ranking": [{"intent_response_key": "faq/overtime_pay", "confidence": 0.55},
                    {"intent_response_key": "faq/working_hours", "confidence": 0.45}]}}, add_to_output=True)
    return message


def test_faq_is_only_as_sure_as_the_topic_it_would_answer():
    message = ConfidenceCalibrator({"intent_temperature": 1.0, "faq_temperature": 1.0}).process([_message()])[0]
    assert message.get("intent")["name"] == "faq"
    assert message.get("intent")["confidence"] == pytest.approx(0.97 * 0.55)
    labels = message.get("label_ranking")
    assert [l["name"] for l in labels] == ["faq/overtime_pay", "faq/working_hours", "file_appeal"]


def test_temperature_lowers_an_overconfident_answer():
    message = ConfidenceCalibrator({"intent_temperature": 3.0, "faq_temperature": 2.0}).process([_message()])[0]
    assert message.get("intent")["confidence"] < 0.5
    topic = message.get("response_selector")["faq"]["response"]
    assert topic["intent_response_key"] == "faq/overtime_pay" and 0.5 < topic["confidence"] < 0.55


def test_a_temperature_must_be_positive():
    with pytest.raises(ValueError):
        ConfidenceCalibrator({"intent_temperature": 0, "faq_temperature": 1.0})
