"""The Rasa server's response generator: FAQ answers composed from bot/faq/answers.yml.

Rasa's retrieval action `utter_faq` (and `action_answer_faq` inside forms) asks the generator
for `utter_faq/<topic>`. Composing the answer here, inside the Rasa server, keeps the promise
that a worker gets an FAQ answer even when the action server is down
(tests/integration/test_no_silent_turns.py), with sub-questions, follow-ups and calculators
included. Every other response, and an FAQ answer that cannot be composed, comes from the
domain as before. Configured in bot/endpoints.yml (`nlg: type: bot.faq.nlg.FaqAnswerGenerator`).

It is a TemplatedNaturalLanguageGenerator because Rasa's Agent creates the generator before the
model is loaded and hands the model's domain responses only to that class (rasa/core/agent.py,
`load_model`); anything else would answer every non-FAQ response with nothing.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.faq import chooser
from bot.faq.answers import AnswerStore
from bot.faq.compose import compose
from bot.faq.context import LOOKBACK, Turn, question_of
from bot.settings import Settings

logger = logging.getLogger(__name__)
FAQ_PREFIX = "utter_faq/"


class FaqAnswerGenerator(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: Any = None, domain: Optional[Domain] = None, **_: Any) -> None:
        super().__init__((domain or Domain.empty()).responses)
        settings = Settings.from_env()
        self._answers = AnswerStore(settings.faq_answers_file)  # re-read when an admin edits it
        self._average_wage = settings.average_monthly_wage
        try:
            chooser.warm(self._answers.current().topics.values())
        except Exception:  # a broken examples file: choose() falls back to the cues, and logs it
            logger.exception("FAQ sub-question chooser could not be trained at start-up")

    async def generate(self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text,
                       **kwargs: Any) -> Optional[Dict[Text, Any]]:
        if utter_action.startswith(FAQ_PREFIX):
            try:
                question = question_of(_turns(tracker), utter_action[len(FAQ_PREFIX):])
                reply = compose(self._answers.current(), question, self._average_wage)
                return {"text": reply.text, "metadata": {"faq": {"topic": question.topic, "kind": reply.kind,
                                                                  "sub": reply.sub}}}
            except Exception:  # never a silent turn: the domain's safety-net text instead
                logger.exception("FAQ answer for %s could not be composed", utter_action)
        return await super().generate(utter_action, tracker, output_channel, **kwargs)


def _turns(tracker: DialogueStateTracker) -> List[Turn]:
    users = [e for e in tracker.events if isinstance(e, UserUttered)][-LOOKBACK:]
    return [_turn(e) for e in users]


def _turn(event: UserUttered) -> Turn:
    parse = event.parse_data or {}
    intent = (parse.get("intent") or {}).get("name")
    selected = (((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {})
    key = selected.get("intent_response_key") or ""
    return Turn(event.text or "", intent, key.split("/", 1)[1] if key.startswith("faq/") else None)
