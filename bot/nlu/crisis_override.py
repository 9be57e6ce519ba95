"""NLU component: a message the crisis detector flags is `report_emergency`, whatever else won.

It is the LAST component of the pipeline (config.yml): after the classifiers, the
ResponseSelector and the FallbackClassifier, so nothing in NLU can undo it — not a FAQ topic
with confidence 1.00, not a low-confidence fallback, not an ambiguity between two intents.
The detector (`bot/nlu/crisis/`) is the same one the actions consult, so the dialogue honours
a crisis even when a model without this component is served.
"""
from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.crisis import CrisisFinding, detect
from bot.nlu.stateless_component import StatelessComponent

EMERGENCY = "report_emergency"
CRISIS_TERMS_KEY = "crisis_terms"  # the matched words (kept for the console's alert view)
CRISIS_KEY = "crisis"  # family, rules and evidence: why this message raised an alarm


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisOverride(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            finding = detect(message.get(TEXT))
            if finding.is_crisis:
                self._override(message, finding)
        return messages

    @staticmethod
    def _override(message: Message, finding: CrisisFinding) -> None:
        message.set(CRISIS_TERMS_KEY, finding.evidence, add_to_output=True)
        message.set(CRISIS_KEY, {"family": finding.family, "families": finding.families,
                                 "explanation": finding.explain()}, add_to_output=True)
        emergency = {INTENT_NAME_KEY: EMERGENCY, "confidence": 1.0}
        # Every other intent drops far below, so no ambiguity check downstream can fire.
        ranking = [{**r, "confidence": min(float(r.get("confidence") or 0.0), 0.5)}
                   for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != EMERGENCY]
        message.set(INTENT, emergency, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [emergency, *ranking], add_to_output=True)
