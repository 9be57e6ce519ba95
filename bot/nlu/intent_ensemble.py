"""Rasa component: a second, independent reader of what the worker wants, pooled with DIET.

DIET (with the ResponseSelector) is sometimes wrong and sure of it: a stray word in a long story
decides, at 0.99+. A character n-gram classifier (TF-IDF + logistic regression) trained on the
same examples errs on different messages. Pooling the two (p ∝ DIET^a · reader^b over every
label the bot can act on, `faq` split into its topics) keeps an answer sure only when both are,
and lets the reader outvote DIET where DIET is unsure. Measured on both held-out sets, see
README "Honest confidence".

Placed after ConfidenceCalibrator (it pools the calibrated ranking) and before OptionReply,
FaqFollowUp and the FallbackClassifier, which then act on the pooled confidence. It rewrites
`intent`, `intent_ranking`, `label_ranking` and the `faq` response selector's choice, so the
answer given is the pooled one.

Only the examples are stored: the reader refits from them when the model loads (about a
second, deterministic), which is faster than loading a pickled copy and stores nothing binary.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.char_ngram_classifier import CharNgramClassifier
from bot.nlu.confidence import FAQ, flat_ranking, pool
from bot.nlu.confidence_calibrator import LABEL_RANKING_KEY, RESPONSE_SELECTOR_KEY
from bot.nlu.text_normalization import normalize

_EXAMPLES_FILE = "examples.json"
_LABELS_KEPT = 5
_TOPIC_PREFIX = FAQ + "/"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentEnsemble(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"diet_weight": 0.5, "reader_weight": 1.0}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 examples: Optional[List[Tuple[str, str]]] = None) -> None:
        for key in ("diet_weight", "reader_weight"):
            if not float(config[key]) > 0:
                raise ValueError(f"IntentEnsemble: {key} must be > 0")
        self._diet_weight = float(config["diet_weight"])
        self._reader_weight = float(config["reader_weight"])
        self._storage = model_storage
        self._resource = resource
        self._reader = _fit(examples or [])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GraphComponent:
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> GraphComponent:
        try:
            with model_storage.read_from(resource) as directory:
                examples = json.loads((directory / _EXAMPLES_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            # A model trained without examples (or none at all): DIET's ranking stands alone.
            examples = []
        return cls({**cls.get_default_config(), **config}, model_storage, resource,
                   [(text, label) for text, label in examples])

    def train(self, training_data: TrainingData) -> Resource:
        examples = [(m.get(TEXT), m.get_full_intent()) for m in training_data.intent_examples
                    if m.get(TEXT) and m.get_full_intent()]
        self._reader = _fit(examples)
        with self._storage.write_to(self._resource) as directory:
            (directory / _EXAMPLES_FILE).write_text(json.dumps(examples, ensure_ascii=False), encoding="utf-8")
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self._reader is None:
            return messages
        for message in messages:
            intents = message.get(INTENT_RANKING_KEY) or []
            if intents and message.get(TEXT):
                self._pool(message, intents)
        return messages

    def _pool(self, message: Message, intents: List[Dict[Text, Any]]) -> None:
        selector = (message.get(RESPONSE_SELECTOR_KEY) or {}).get(FAQ)
        labels = message.get(LABEL_RANKING_KEY)
        if labels is None:  # no calibrator before this: the raw rankings
            labels = flat_ranking(intents, (selector or {}).get("ranking") or [])
        diet = {label["name"]: label["confidence"] for label in labels}
        pooled = pool(diet, self._reader.probabilities(message.get(TEXT)), self._diet_weight, self._reader_weight)
        _write(message, sorted(pooled.items(), key=lambda item: -item[1]), selector)


def _fit(examples: List[Tuple[str, str]]) -> Optional[CharNgramClassifier]:
    if len({label for _, label in examples}) < 2:
        return None
    return CharNgramClassifier([text for text, _ in examples], [label for _, label in examples], prepare=normalize)


def _write(message: Message, labels: List[Tuple[str, float]], selector: Optional[Dict[Text, Any]]) -> None:
    """Intent, intent ranking (faq as sure as its best topic), topic choice and label ranking."""
    intents: Dict[str, float] = {}
    for name, confidence in labels:
        intent = FAQ if name.startswith(_TOPIC_PREFIX) else name
        intents.setdefault(intent, confidence)  # labels come best first
    ranking = [{INTENT_NAME_KEY: name, "confidence": confidence} for name, confidence in intents.items()]
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    message.set(LABEL_RANKING_KEY, [{"name": n, "confidence": c} for n, c in labels[:_LABELS_KEPT]], add_to_output=True)
    topics = [(name, confidence) for name, confidence in labels if name.startswith(_TOPIC_PREFIX)]
    if selector is not None and topics:
        _choose_topic(selector, topics)


def _choose_topic(selector: Dict[Text, Any], topics: List[Tuple[str, float]]) -> None:
    """The topic the bot answers becomes the pooled best; ActionRetrieveResponse reads
    `utter_action`, our NLG `intent_response_key`."""
    key, confidence = topics[0]
    response = selector.get("response") or {}
    if response.get("intent_response_key") != key:
        response = {"intent_response_key": key, "utter_action": f"utter_{key}", "responses": []}
    selector["response"] = {**response, "confidence": confidence}
    selector["ranking"] = [{"intent_response_key": name, "confidence": c} for name, c in topics]
