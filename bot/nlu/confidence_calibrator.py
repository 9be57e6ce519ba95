"""Rasa component: calibrated confidences, so the fallback sees how sure the answer really is.

Placed after the ResponseSelector and before the FallbackClassifier. It rescales DIET's intent
ranking and the FAQ topic ranking with temperatures fitted on unseen examples (see
bot/nlu/confidence.py), gives `faq` the confidence of the topic that would be answered, and
adds `label_ranking` (intents with `faq` split into topics) for the clarifying question.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.confidence import FAQ, flat_ranking, rescale

LABEL_RANKING_KEY = "label_ranking"
RESPONSE_SELECTOR_KEY = "response_selector"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ConfidenceCalibrator(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent_temperature": 1.0, "faq_temperature": 1.0}

    def __init__(self, config: Dict[Text, Any]) -> None:
        for key in ("intent_temperature", "faq_temperature"):
            if not float(config[key]) > 0:
                raise ValueError(f"ConfidenceCalibrator: {key} must be > 0")
        self._intent_t = float(config["intent_temperature"])
        self._faq_t = float(config["faq_temperature"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intents = message.get(INTENT_RANKING_KEY) or []
            if intents:
                self._calibrate(message, intents)
        return messages

    def _calibrate(self, message: Message, intents: List[Dict[Text, Any]]) -> None:
        scaled = rescale([i["confidence"] for i in intents], self._intent_t)
        intents = [{**i, "confidence": c} for i, c in zip(intents, scaled)]
        topics = self._calibrated_topics(message)
        labels = flat_ranking(intents, topics)
        # DIET's choice of intent stands; an unsure topic only lowers faq's confidence (the bot
        # answers one topic, so faq is as sure as that answer), and the fallback acts on it.
        intents.sort(key=lambda i: -i["confidence"])
        if topics:
            intents = [{**i, "confidence": labels_conf(labels, i, topics)} for i in intents]
        message.set(INTENT_RANKING_KEY, intents, add_to_output=True)
        message.set(INTENT, {INTENT_NAME_KEY: intents[0][INTENT_NAME_KEY], "confidence": intents[0]["confidence"]},
                    add_to_output=True)
        # Whole: the IntentEnsemble after this pools all of it, and keeps the top five.
        message.set(LABEL_RANKING_KEY, labels, add_to_output=True)

    def _calibrated_topics(self, message: Message) -> Optional[List[Dict[Text, Any]]]:
        selector = (message.get(RESPONSE_SELECTOR_KEY) or {}).get(FAQ)
        ranking = (selector or {}).get("ranking") or []
        if not ranking:
            return None
        scaled = rescale([r["confidence"] for r in ranking], self._faq_t)
        ranking = [{**r, "confidence": c} for r, c in zip(ranking, scaled)]
        selector["ranking"] = ranking
        response = selector.get("response") or {}
        top = next((r for r in ranking if r.get("intent_response_key") == response.get("intent_response_key")), None)
        if top is not None:
            response["confidence"] = top["confidence"]
        return ranking


def labels_conf(labels: List[Dict[Text, Any]], intent: Dict[Text, Any], topics: List[Dict[Text, Any]]) -> float:
    """An intent's confidence; for `faq`, that of its best topic."""
    if intent[INTENT_NAME_KEY] != FAQ:
        return intent["confidence"]
    keys = {t["intent_response_key"] for t in topics}
    return max((label["confidence"] for label in labels if label["name"] in keys), default=0.0)
