"""Rasa graph component that normalises message text before the tokenizer sees it."""
from __future__ import annotations

from typing import List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.stateless_component import StatelessComponent
from bot.nlu.text_normalization import normalize


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class ChineseNormalizer(StatelessComponent):
    """Traditional → simplified, full-width → half-width, runs folded (length-preserving)."""

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return ["zh"]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._normalize(message)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize(message)
        return messages

    @staticmethod
    def _normalize(message: Message) -> None:
        text = message.get(TEXT)
        if not text:
            return
        normalized = normalize(text)
        message.set(TEXT, normalized)
        # An annotated value that was just the raw span follows the text; otherwise Rasa would
        # learn "simplified → traditional" synonyms from the difference.
        for entity in message.get(ENTITIES) or []:
            start, end = entity.get("start"), entity.get("end")
            if start is not None and entity.get("value") == text[start:end]:
                entity["value"] = normalized[start:end]
