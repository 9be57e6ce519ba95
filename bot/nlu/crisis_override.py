"""NLU component: a message with crisis words is `report_emergency`, whatever else won.

Placed after the classifiers and before the FallbackClassifier, so a crisis is never lost
to a FAQ topic or to a low-confidence fallback.
"""
from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.stateless_component import StatelessComponent
from bot.nlu.crisis_terms import crisis_terms_in

EMERGENCY = "report_emergency"
CRISIS_TERMS_KEY = "crisis_terms"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisOverride(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            terms = crisis_terms_in(message.get(TEXT))
            if terms:
                self._override(message, terms)
        return messages

    @staticmethod
    def _override(message: Message, terms: List[Text]) -> None:
        message.set(CRISIS_TERMS_KEY, terms, add_to_output=True)
        emergency = {INTENT_NAME_KEY: EMERGENCY, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != EMERGENCY]
        message.set(INTENT, emergency, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [emergency, *ranking], add_to_output=True)
