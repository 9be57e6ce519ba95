"""NLU component: a message the crisis detector flags is `report_emergency`, whatever else won.

It is the LAST component of the pipeline (config.yml): after the classifiers, the
ResponseSelector and the FallbackClassifier, so nothing in NLU can undo it — not a FAQ topic
with confidence 1.00, not a low-confidence fallback, not an ambiguity between two intents.
The detector (`bot/nlu/crisis/`) is the same one the actions consult, so the dialogue honours
a crisis even when a model without this component is served.

The classifier is the second reader: rules miss crises worded in ways nobody wrote a rule for.
When the detector finds nothing but `report_emergency` reaches CLASSIFIER_THRESHOLD of the
(calibrated) ranking, the message is an emergency too, even below the fallback threshold or
behind a FAQ topic: a missed crisis costs far more than a worker asked whether they are safe.
Measured on an independent crisis set (benchmarks/bench_crisis.py → results/crisis_fresh.json):
at 0.3 recall on its test half rose from 0.811 (the classifier only as the top intent) to 0.867,
with no false alarm on the 1,073 non-emergency held-out messages.
The classifier's reading points at no words, so it gives way, like the detector's learned
reader, to a framing (`bot.nlu.crisis.framing`: a film, the news, a settled story, a legal
question, a lawful plan) unless danger is present: most of its false alarms were of that kind.
When the classifier itself put the emergency first on such a message, the next intent of its
ranking is taken instead (the ranking is kept as it was).
"""
from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.crisis import detect, framing
from bot.nlu.stateless_component import StatelessComponent

EMERGENCY = "report_emergency"
CLASSIFIER_THRESHOLD = 0.3
CRISIS_TERMS_KEY = "crisis_terms"  # the matched words (kept for the console's alert view)
CRISIS_KEY = "crisis"  # family, rules and evidence: why this message raised an alarm


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisOverride(StatelessComponent):
    @classmethod
    def create(cls, *args, **kwargs) -> "CrisisOverride":
        # Train the detector's learned reader and load its dictionaries with the model, not
        # during the first worker's message (a few seconds, more than WeChat waits).
        detect("预热")
        return super().create(*args, **kwargs)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            finding = detect(message.get(TEXT))
            confidence = classifier_confidence(message)  # kept: what the classifier alone made of it
            if finding.is_crisis:
                self._override(message, finding.evidence, {"family": finding.family, "families": finding.families,
                                                           "explanation": finding.explain(),
                                                           "classifier_confidence": confidence})
            elif confidence >= CLASSIFIER_THRESHOLD:
                if framing(message.get(TEXT)) is None:
                    self._override(message, [], {"family": "classifier", "families": ["classifier"],
                                                 "explanation": f"classifier: {EMERGENCY} {confidence:.2f}; "
                                                                f"{finding.explain()}",
                                                 "classifier_confidence": confidence})
                else:
                    self._demote(message)
        return messages

    @staticmethod
    def _demote(message: Message) -> None:
        """A framed message (the news, a film, a settled story) the classifier alone put first as an
        emergency gets its next reading instead: the same framing excuses the detector's words."""
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) != EMERGENCY:
            return
        others = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != EMERGENCY]
        if others:
            message.set(INTENT, {INTENT_NAME_KEY: others[0][INTENT_NAME_KEY], "confidence": others[0].get("confidence")},
                        add_to_output=True)

    @staticmethod
    def _override(message: Message, evidence: List[str], crisis: dict) -> None:
        message.set(CRISIS_TERMS_KEY, evidence, add_to_output=True)
        message.set(CRISIS_KEY, crisis, add_to_output=True)
        emergency = {INTENT_NAME_KEY: EMERGENCY, "confidence": 1.0}
        # Every other intent drops far below, so no ambiguity check downstream can fire.
        ranking = [{**r, "confidence": min(float(r.get("confidence") or 0.0), 0.5)}
                   for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != EMERGENCY]
        message.set(INTENT, emergency, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [emergency, *ranking], add_to_output=True)


def classifier_confidence(message: Message) -> float:
    """The classifier's confidence in an emergency, wherever it ranks it."""
    return max((float(r.get("confidence") or 0.0) for r in message.get(INTENT_RANKING_KEY) or []
                if r.get(INTENT_NAME_KEY) == EMERGENCY), default=0.0)
