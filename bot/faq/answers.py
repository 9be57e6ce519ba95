"""bot/faq/answers.yml read into plain objects, checked once when read.

A malformed file (a missing topic text, a cue that is not a regular expression, a `follow`
naming a sub that does not exist) raises AnswersError naming the place, so an edit that breaks
the file is refused instead of half-answering workers. `AnswerStore` re-reads the file when it
changes on disk, so an edited text is served without a restart or retraining.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional, Tuple

import yaml

logger = logging.getLogger(__name__)

ANSWERS_FILE = Path(__file__).with_name("answers.yml")
CALCULATORS = ("severance", "overtime", "annual_leave", "probation", "sick_leave")
FOLLOW_KINDS = ("legality", "money")


class AnswersError(ValueError):
    pass


@dataclass(frozen=True)
class Sub:
    key: str
    cues: "re.Pattern[str]"
    text: str


@dataclass(frozen=True)
class Topic:
    name: str
    short: str
    detail: str
    subs: Tuple[Sub, ...] = ()
    follow: Dict[str, str] = field(default_factory=dict)
    calc: Optional[str] = None
    calc_subs: Tuple[str, ...] = ()
    label: Optional[str] = None  # a topic added by an admin names itself (bot/faq/new_topic.py)

    def sub(self, key: Optional[str]) -> Optional[Sub]:
        return next((s for s in self.subs if s.key == key), None)


@dataclass(frozen=True)
class Answers:
    tail: str
    acknowledgement: str
    distress: "re.Pattern[str]"
    no_topic: str
    calculators: Dict[str, Dict[str, str]]
    topics: Dict[str, Topic]


def _text(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise AnswersError(f"{where}: `{key}` must be a non-empty text")
    return value.strip()


def _pattern(raw: object, where: str) -> "re.Pattern[str]":
    if not isinstance(raw, str) or not raw:
        raise AnswersError(f"{where}: `cues` must be a non-empty regular expression")
    try:
        return re.compile(raw)
    except re.error as error:
        raise AnswersError(f"{where}: `cues` is not a regular expression ({error})") from error


def _topic(name: str, data: object) -> Topic:
    where = f"topics.{name}"
    if not isinstance(data, dict):
        raise AnswersError(f"{where} must be a mapping")
    subs = []
    for index, sub in enumerate(data.get("subs") or []):
        sub_where = f"{where}.subs[{index}]"
        if not isinstance(sub, dict):
            raise AnswersError(f"{sub_where} must be a mapping")
        subs.append(Sub(_text(sub, "key", sub_where), _pattern(sub.get("cues"), sub_where), _text(sub, "text", sub_where)))
    keys = {s.key for s in subs}
    follow = data.get("follow") or {}
    if not isinstance(follow, dict) or any(k not in FOLLOW_KINDS or v not in keys for k, v in follow.items()):
        raise AnswersError(f"{where}.follow: keys {FOLLOW_KINDS}, each naming one of its subs {sorted(keys)}")
    calc = data.get("calc")
    if calc is not None and calc not in CALCULATORS:
        raise AnswersError(f"{where}.calc must be one of {CALCULATORS}")
    calc_subs = tuple(data.get("calc_subs") or ())
    if any(key not in keys for key in calc_subs):
        raise AnswersError(f"{where}.calc_subs must name its subs {sorted(keys)}")
    label = data.get("label")
    return Topic(name, _text(data, "short", where), _text(data, "detail", where), tuple(subs), dict(follow), calc,
                 calc_subs, str(label) if label else None)


def parse_answers(data: object) -> Answers:
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict) or not data["topics"]:
        raise AnswersError("answers: a mapping with `topics` is required")
    calculators = data.get("calculators") or {}
    if set(calculators) != set(CALCULATORS) or not all(
            isinstance(texts, dict) and all(isinstance(t, str) for t in texts.values()) for texts in calculators.values()):
        raise AnswersError(f"calculators: texts for exactly {CALCULATORS} are required")
    return Answers(
        tail=_text(data, "tail", "answers"),
        acknowledgement=_text(data, "acknowledgement", "answers"),
        distress=_pattern(data.get("distress_cues"), "answers.distress_cues"),
        no_topic=_text(data, "no_topic", "answers"),
        calculators=calculators,
        topics={name: _topic(name, body) for name, body in data["topics"].items()},
    )


def load_answers(path: Path = ANSWERS_FILE) -> Answers:
    with path.open(encoding="utf-8") as handle:
        return parse_answers(yaml.safe_load(handle))


class AnswerStore:
    """The answers of one file, re-read when its modification time changes.

    A broken edit keeps the last good answers in service (and re-raises on first load, so a
    server never starts without answers)."""

    def __init__(self, path: Path = ANSWERS_FILE):
        self._path = path
        self._lock = threading.Lock()
        self._stamp = self._path.stat().st_mtime_ns
        self._answers = load_answers(path)

    def current(self) -> Answers:
        try:
            stamp = self._path.stat().st_mtime_ns
        except OSError:
            return self._answers
        if stamp != self._stamp:
            with self._lock:
                try:
                    self._answers = load_answers(self._path)
                except (AnswersError, OSError, yaml.YAMLError) as error:
                    # keep serving the last good texts; tests/unit/faq check the file itself
                    logger.error("FAQ answers not reloaded, %s is invalid: %s", self._path, error)
                self._stamp = stamp
        return self._answers
