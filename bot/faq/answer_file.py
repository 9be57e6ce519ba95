"""One topic's texts read from, and written back into, bot/faq/answers.yml.

The file stays the one place of every answer text: Rasa's answer generator re-reads it when it
changes (AnswerStore), training and the tests read it, and people can diff and commit what an
admin changed. Writes go through ruamel's round-trip loader so the file's comments, order and
block style survive, and replace the file atomically (a reader never sees half a file). The
topic's required facts (required_facts.yml beside it) are written the same way, first, so the
checks never run against facts older than the answers.

Blocking file I/O: callers on an event loop run these functions in a thread.
"""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from bot.atomic_files import write_atomically
from bot.faq.answer_checks import Fact, facts_file, parse_facts, topic_problems
from bot.faq.answers import Answers, AnswersError, parse_answers


class UnknownTopic(KeyError):
    pass


class StaleEdit(RuntimeError):
    """The topic changed since the editor's form was loaded."""


class AnswerProblems(ValueError):
    def __init__(self, problems: List[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class TopicTexts:
    short: str
    detail: str
    subs: Tuple[Tuple[str, str], ...]  # (key, text), in the file's order
    facts: Tuple[Fact, ...]

    @property
    def revision(self) -> str:
        """A fingerprint of these texts: an edit names the revision it started from."""
        body = json.dumps([self.short, self.detail, list(self.subs), list(self.facts)], ensure_ascii=False)
        return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]

    def as_json(self) -> Dict[str, Any]:
        return {"short": self.short, "detail": self.detail, "subs": [list(s) for s in self.subs],
                "facts": [list(f) if isinstance(f, tuple) else f for f in self.facts]}

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "TopicTexts":
        return cls(data["short"], data["detail"], tuple((k, t) for k, t in data["subs"]),
                   tuple(tuple(f) if isinstance(f, list) else f for f in data["facts"]))


def _round_trip() -> YAML:
    loader = YAML()
    loader.preserve_quotes = True
    loader.width = 4096  # never fold a long Chinese line
    loader.allow_unicode = True  # emoji stay emoji, not \U escapes
    loader.indent(mapping=2, sequence=4, offset=2)  # the files' own layout: a diff shows only the edit
    return loader


def load_round_trip(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return _round_trip().load(handle)


def dump_round_trip(data: Any) -> str:
    buffer = io.StringIO()
    _round_trip().dump(data, buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class TopicEntry:
    label: Optional[str]  # the label an admin gave a topic they added; None for the shipped topics
    texts: TopicTexts


def read_all(answers_file: Path) -> Dict[str, TopicEntry]:
    """Every topic in the file's order, both files read once."""
    answers, facts = load_round_trip(answers_file), load_round_trip(facts_file(answers_file))
    return {name: TopicEntry(str(body["label"]) if body.get("label") else None, _texts_of(answers, facts, name))
            for name, body in answers["topics"].items()}


def read_texts(answers_file: Path, topic: str) -> TopicTexts:
    answers, facts = load_round_trip(answers_file), load_round_trip(facts_file(answers_file))
    return _texts_of(answers, facts, topic)


def _texts_of(answers: Any, facts: Any, topic: str) -> TopicTexts:
    body = answers["topics"].get(topic)
    if body is None:
        raise UnknownTopic(topic)
    topic_facts = parse_facts(facts).get(topic, [])
    return TopicTexts(str(body["short"]).strip(), str(body["detail"]).strip(),
                      tuple((str(s["key"]), str(s["text"]).strip()) for s in body.get("subs") or []),
                      tuple(topic_facts))


def edited(answers_file: Path, topic: str, new: TopicTexts) -> Tuple[Answers, str, str]:
    """The answers with this topic's texts replaced, checked: (answers, answers YAML, facts YAML).

    Raises AnswerProblems listing every rule the edit breaks; nothing is written."""
    answers, facts = load_round_trip(answers_file), load_round_trip(facts_file(answers_file))
    body = answers["topics"].get(topic)
    if body is None:
        raise UnknownTopic(topic)
    empty = [label for label, text in [("简短回答", new.short), ("详细规定", new.detail), *new.subs] if not text]
    if empty:
        raise AnswerProblems([f"{label}：不能为空。" for label in empty])
    subs = {str(s["key"]): s for s in body.get("subs") or []}
    if sorted(k for k, _ in new.subs) != sorted(subs):
        raise AnswerProblems(["细分问题的列表与文件不一致，请刷新页面后重试。"])
    body["short"] = block_text(new.short)
    body["detail"] = block_text(new.detail)
    for key, text in new.subs:
        subs[key]["text"] = block_text(text)
    facts["topics"][topic] = [list(f) if isinstance(f, tuple) else f for f in new.facts]
    answers_yaml, facts_yaml = dump_round_trip(answers), dump_round_trip(facts)
    try:
        parsed = parse_answers(yaml.safe_load(answers_yaml))
    except AnswersError as error:
        raise AnswerProblems([str(error)]) from error
    problems = topic_problems(parsed, parsed.topics[topic], new.facts)
    if problems:
        raise AnswerProblems(problems)
    return parsed, answers_yaml, facts_yaml


def save(answers_file: Path, topic: str, new: TopicTexts, revision: str) -> TopicTexts:
    """Write the edit if the topic is still at `revision`; returns the texts it replaced."""
    before = read_texts(answers_file, topic)
    if before.revision != revision:
        raise StaleEdit(topic)
    _, answers_yaml, facts_yaml = edited(answers_file, topic, new)
    write_atomically(facts_file(answers_file), facts_yaml)
    write_atomically(answers_file, answers_yaml)
    return before


def block_text(text: str) -> Any:
    text = text.replace("\r\n", "\n").strip()
    return LiteralScalarString(text) if "\n" in text else text


def texts_from_form(short: str, detail: str, subs: Sequence[Tuple[str, str]], facts: Sequence[Fact]) -> TopicTexts:
    clean = lambda text: text.replace("\r\n", "\n").strip()  # noqa: E731 - browsers send CRLF
    return TopicTexts(clean(short), clean(detail), tuple((k, clean(t)) for k, t in subs), tuple(facts))
