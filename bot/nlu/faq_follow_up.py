"""Rasa component: a follow-up to an FAQ answer ("详细", "那违法吗", "要多少钱", "月薪八千") is `faq`.

Such a message names no topic, so no classifier can place it; the answer generator
(bot/faq/nlg.py) takes the topic from the conversation. What counts as a follow-up is decided in
bot/faq/follow_up.py. A bare option digit (bot/nlu/option_reply.py) is left alone.
"""
from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.faq.follow_up import follow_up_kind
from bot.nlu.option_reply import OPTION_KEY
from bot.nlu.stateless_component import StatelessComponent

FOLLOW_UP_KEY = "faq_follow_up"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FaqFollowUp(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            kind = None if message.get(OPTION_KEY) is not None else follow_up_kind(message.get(TEXT))
            if kind is None:
                continue
            faq = {INTENT_NAME_KEY: "faq", "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != "faq"]
            message.set(FOLLOW_UP_KEY, kind, add_to_output=True)
            message.set(INTENT, faq, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [faq, *ranking], add_to_output=True)
        return messages
