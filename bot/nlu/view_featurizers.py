"""Rasa components: count vectors over other views of the tokens than the words themselves.

- PinyinCountVectorsFeaturizer: the toneless pinyin of each token (bot/nlu/pinyin.py).
- TailCountVectorsFeaturizer: the words of the message's last clause only (bot/nlu/tail.py).

Each is Rasa's CountVectorsFeaturizer fed with a view of the tokens, so vocabulary,
persistence and the sequence/sentence features stay Rasa's own (one view per token keeps the
sequence features aligned). Only the message text is featurised: labels keep their features.
"""
from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.pinyin import pinyin_views
from bot.nlu.tail import tail_views


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class PinyinCountVectorsFeaturizer(CountVectorsFeaturizer):
    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def _attributes_for(analyzer: Text) -> List[Text]:
        return [TEXT]

    def _check_analyzer(self) -> None:
        # The pinyin view is a bag of syllable features: it only makes sense as words.
        if self.analyzer != "word":
            raise ValueError("PinyinCountVectorsFeaturizer works with analyzer: word only")

    def _get_message_tokens_by_attribute(self, message: Message, attribute: Text) -> List[Text]:
        tokens = super()._get_message_tokens_by_attribute(message, attribute)
        return pinyin_views(tokens) if attribute == TEXT else tokens


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class TailCountVectorsFeaturizer(PinyinCountVectorsFeaturizer):
    """Word counts of the message's last clause only (bot/nlu/tail.py): in a long story the
    request at the end outweighs a stray topic word in the middle."""

    def _get_message_tokens_by_attribute(self, message: Message, attribute: Text) -> List[Text]:
        tokens = CountVectorsFeaturizer._get_message_tokens_by_attribute(self, message, attribute)
        return tail_views(tokens) if attribute == TEXT else tokens
