"""Rasa component: a bare "1" or "2" answers the bot's clarifying question.

When the bot is unsure between two meanings it asks "回复1或2" (actions/fallback.py). The
reply carries no meaning of its own, so it must not be classified: it becomes `nlu_fallback`
with `option_choice` set, and action_fallback replays the chosen meaning. Forms are not
affected: their from_text slots take the digit as before.
"""
from __future__ import annotations

import re
from typing import List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.stateless_component import StatelessComponent

OPTION_KEY = "option_choice"
FALLBACK = "nlu_fallback"
_DIGITS = {"1": 1, "2": 2, "一": 1, "二": 2, "①": 1, "②": 2}
_REPLY = re.compile(r"^\s*(?:选|选择|回复|是|第)?\s*([12一二①②])\s*(?:个|号|项|条)?\s*[.。!！,，]?\s*$")


def option_in(text: Optional[str]) -> Optional[int]:
    match = _REPLY.match(text or "")
    return _DIGITS[match.group(1)] if match else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OptionReply(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            choice = option_in(message.get(TEXT))
            if choice is not None:
                fallback = {INTENT_NAME_KEY: FALLBACK, "confidence": 0.0}
                message.set(OPTION_KEY, choice, add_to_output=True)
                message.set(INTENT, fallback, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [fallback, *(message.get(INTENT_RANKING_KEY) or [])],
                            add_to_output=True)
        return messages
