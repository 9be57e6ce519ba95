"""The second intent reader and its pooling with DIET (bot/nlu/intent_ensemble.py)."""
import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.confidence import pool
from bot.nlu.intent_ensemble import IntentEnsemble

EXAMPLES = {
    "faq/wage_arrears": ["老板拖欠工资三个月了", "工钱一直不给结", "包工头欠钱跑了", "工资拖着不发怎么办"],
    "faq/overtime_pay": ["加班费怎么算", "周末加班给几倍工资", "过年上班加班费多少", "加班不给加班费"],
    "greet": ["你好", "在吗", "有人吗", "您好啊"],
}


def _training_data():
    messages = []
    for label, texts in EXAMPLES.items():
        intent, _, topic = label.partition("/")
        for text in texts:
            data = {"text": text, "intent": intent}
            if topic:
                data["intent_response_key"] = label
            messages.append(Message(data=data))
    return TrainingData(messages)


@pytest.fixture()
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def _trained(storage):
    ensemble = IntentEnsemble.create(IntentEnsemble.get_default_config(), storage, Resource("ensemble"), None)
    ensemble.train(_training_data())
    return ensemble


def _parsed(text, intent, intent_conf, topic=None, topic_conf=1.0):
    """A message as the calibrator leaves it: DIET sure of `intent` (and `topic`)."""
    message = Message(data={"text": text})
    ranking = [{"name": intent, "confidence": intent_conf}, {"name": "greet" if intent != "greet" else "faq",
                                                              "confidence": 1 - intent_conf}]
    message.set("intent", ranking[0], add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    topics = [{"intent_response_key": topic or "faq/wage_arrears", "confidence": topic_conf},
              {"intent_response_key": "faq/overtime_pay" if topic != "faq/overtime_pay" else "faq/wage_arrears",
               "confidence": 1 - topic_conf}]
    message.set("response_selector", {"faq": {"response": {"intent_response_key": topics[0]["intent_response_key"],
                                                           "utter_action": f"utter_{topics[0]['intent_response_key']}",
                                                           "confidence": topic_conf},
                                              "ranking": topics}}, add_to_output=True)
    return message


def test_pooling_keeps_a_label_sure_only_when_both_readers_are():
    both = pool({"a": 0.99, "b": 0.01}, {"a": 0.9, "b": 0.1}, 0.5, 1.0)
    split = pool({"a": 0.99, "b": 0.01}, {"a": 0.1, "b": 0.9}, 0.5, 1.0)
    assert both["a"] > 0.95
    assert split["a"] < 0.6
    assert sum(split.values()) == pytest.approx(1.0)


def test_diet_sure_of_what_the_reader_rejects_is_no_longer_sure(storage):
    # DIET says greet at 0.97 (its 0.999 after the calibrator) for a wage story; the reader
    # reads wages: the wage topic now leads, and greet is far from sure.
    message = _parsed("包工头欠我工钱不给结", "greet", 0.97)
    [out] = _trained(storage).process([message])
    assert out.get("label_ranking")[0]["name"] == "faq/wage_arrears"
    assert out.get("intent")["name"] == "faq"
    assert next(r for r in out.get("intent_ranking") if r["name"] == "greet")["confidence"] < 0.6
    assert out.get("response_selector")["faq"]["response"]["intent_response_key"] == "faq/wage_arrears"


def test_agreement_stays_sure_and_the_answered_topic_follows_the_pooled_ranking(storage):
    message = _parsed("加班费到底怎么算", "faq", 0.99, topic="faq/wage_arrears", topic_conf=0.55)
    [out] = _trained(storage).process([message])
    response = out.get("response_selector")["faq"]["response"]
    assert out.get("intent")["name"] == "faq"
    assert response["intent_response_key"] == "faq/overtime_pay"
    assert response["utter_action"] == "utter_faq/overtime_pay"
    assert out.get("intent")["confidence"] == pytest.approx(response["confidence"])
    assert [r["name"] for r in out.get("intent_ranking")][:1] == ["faq"]
    assert len(out.get("label_ranking")) <= 5


def test_a_loaded_model_refits_the_same_reader_from_its_stored_examples(storage):
    trained = _trained(storage)
    loaded = IntentEnsemble.load(IntentEnsemble.get_default_config(), storage, Resource("ensemble"), None)
    first = trained.process([_parsed("工资拖欠", "greet", 0.9)])[0].get("label_ranking")
    second = loaded.process([_parsed("工资拖欠", "greet", 0.9)])[0].get("label_ranking")
    assert first == second


def test_without_examples_diets_ranking_stands(storage):
    ensemble = IntentEnsemble.load(IntentEnsemble.get_default_config(), storage, Resource("never_trained"), None)
    message = _parsed("你好", "greet", 0.97)
    [out] = ensemble.process([message])
    assert out.get("intent") == {"name": "greet", "confidence": 0.97}


def test_a_weight_must_be_positive(storage):
    with pytest.raises(ValueError):
        IntentEnsemble({"diet_weight": 0, "reader_weight": 1.0}, storage, Resource("x"))
