"""Which sub-question of a topic a worker's message asks: a small learned classifier per topic,
with the answers file's cue regexes as a bonus on top.

The hand-written cues matched the engineer's own phrasing and missed others' (issue 13: 0.597 on
an independent writer's questions), so each topic gets a character n-gram TF-IDF + logistic
regression model trained on example questions per sub (bot/faq/sub_examples.yml), plus a
`_general` class for questions the topic's short answer fits best. Topic-free question forms
("合法吗", "多少钱") added to the `follow` subs' examples were tried and dropped: they pulled
content questions to the legality sub (held-out accuracy 0.992 without, 0.975 with). A bare
form on its own is a follow-up and handled before the chooser (bot/faq/follow_up.py).

Models are trained on first use per (topic, its sub keys), in well under a second, and are
deterministic (liblinear, no random state involved); nothing binary is stored. A topic or sub
without examples (an admin added it in the console) is chosen by its cues alone, as before.
"""
from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml
from bot.faq.answers import Sub, Topic
from bot.nlu.char_ngram_classifier import CharNgramClassifier
from bot.nlu.text_normalization import normalize

logger = logging.getLogger(__name__)

EXAMPLES_FILE = Path(__file__).with_name("sub_examples.yml")
GENERAL = "_general"  # the class "no particular sub: the topic's short answer"
# A sub whose cues hit the message gets this much added to its probability: a cue is evidence,
# but a confident model outweighs one stray hit ("一份" in "能多要一份工资吗" is not the copy sub).
CUE_BONUS = 0.3
# Below this the model's best guess is not trusted and the short answer is given.
MIN_SCORE = 0.3


@dataclass(frozen=True)
class Examples:
    by_topic: Dict[str, Dict[str, Tuple[str, ...]]]   # topic → sub key (or _general) → questions


def parse_examples(data: object) -> Examples:
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict):
        raise ValueError("sub examples: a mapping with `topics` is required")
    topics = {name: {key: tuple(str(q) for q in questions or ()) for key, questions in (subs or {}).items()}
              for name, subs in data["topics"].items()}
    return Examples(topics)


@functools.lru_cache(maxsize=1)
def load_examples(path: Path = EXAMPLES_FILE) -> Examples:
    with path.open(encoding="utf-8") as handle:
        return parse_examples(yaml.safe_load(handle))


def topic_model(texts: Sequence[str], labels: Sequence[str]) -> CharNgramClassifier:
    """One topic's classifier over its sub keys and `_general`."""
    return CharNgramClassifier(texts, labels, prepare=normalize)


def training_set(topic: Topic, examples: Examples) -> Tuple[List[str], List[str]]:
    own = examples.by_topic.get(topic.name, {})
    keys = {sub.key for sub in topic.subs}
    texts: List[str] = []
    labels: List[str] = []
    for key, questions in own.items():
        if key == GENERAL or key in keys:
            texts += questions
            labels += [key] * len(questions)
    return texts, labels


_MODELS: Dict[Tuple[str, Tuple[str, ...]], Optional[CharNgramClassifier]] = {}
_LOCK = threading.Lock()


def model_for(topic: Topic, examples: Optional[Examples] = None) -> Optional[CharNgramClassifier]:
    """The topic's model, trained once per set of sub keys; None without two classes to tell apart."""
    examples = examples or load_examples()
    cache_key = (topic.name, tuple(sub.key for sub in topic.subs), id(examples))
    with _LOCK:
        if cache_key not in _MODELS:
            texts, labels = training_set(topic, examples)
            _MODELS[cache_key] = topic_model(texts, labels) if len(set(labels)) >= 2 else None
        return _MODELS[cache_key]


def warm(topics) -> None:
    """Train every topic's model now (about 0.6 s for all), so no worker's first question on a
    topic waits for it."""
    for topic in topics:
        model_for(topic)


def cue_hits(topic: Topic, text: str) -> Dict[str, int]:
    folded = normalize(text or "")
    return {sub.key: len(sub.cues.findall(folded)) for sub in topic.subs}


def choose(topic: Topic, text: str, examples: Optional[Examples] = None) -> Optional[Sub]:
    """The sub-question the message asks, or None for the topic's short answer."""
    if not topic.subs or not (text or "").strip():
        return None
    hits = cue_hits(topic, text)
    try:
        model = model_for(topic, examples)
    except (OSError, ValueError, yaml.YAMLError):  # a broken examples file: the cues still answer
        logger.exception("FAQ sub-question examples unusable; choosing by cues")
        model = None
    if model is None:
        return _by_cues(topic, hits)
    scores = model.probabilities(text)
    most = max(hits.values())
    for key, count in hits.items():
        if most and count == most:
            scores[key] = scores.get(key, 0.0) + CUE_BONUS
    best = max(scores, key=lambda key: (scores[key], _order(topic, key)))
    if best == GENERAL or scores[best] < MIN_SCORE:
        return None
    return topic.sub(best)


def _order(topic: Topic, key: str) -> int:
    """Ties go to the sub listed first, as with cues alone."""
    keys = [sub.key for sub in topic.subs]
    return -keys.index(key) if key in keys else -len(keys)


def _by_cues(topic: Topic, hits: Dict[str, int]) -> Optional[Sub]:
    best, best_hits = None, 0
    for sub in topic.subs:
        if hits[sub.key] > best_hits:
            best, best_hits = sub, hits[sub.key]
    return best
