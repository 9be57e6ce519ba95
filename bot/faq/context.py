"""What a worker is asking, read from the conversation: the topic, the kind of follow-up, and
the figures given so far ("干了5年" one message, "月薪八千" the next).

A follow-up ("详细", "那违法吗", "8000") takes the topic of the latest real FAQ question within
the last few messages; a new question keeps its own topic and only borrows figures from earlier
messages on the same topic. Works on plain turn records, so it is testable without Rasa.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

from bot.faq.compose import Question
from bot.faq.figures import merged
from bot.faq.follow_up import follow_up_kind

LOOKBACK = 6  # user messages; the tracker window keeps at least 10 (bot/trackers/window.py)
# Topics whose figures mean the same thing (months of service, monthly wage).
_FAMILIES = ({"dismissal", "severance_calc"},)


@dataclass(frozen=True)
class Turn:
    text: str
    intent: Optional[str]   # the NLU intent name ("faq", "greet", ...)
    topic: Optional[str]    # the ResponseSelector's topic without "faq/", for intent "faq"


def _related(a: Optional[str], b: Optional[str]) -> bool:
    return a == b or any(a in family and b in family for family in _FAMILIES)


def question_of(turns: Sequence[Turn], selected_topic: Optional[str]) -> Question:
    """`turns` oldest first, the latest message last; `selected_topic` the topic Rasa chose for it."""
    recent: List[Turn] = list(turns[-LOOKBACK:])
    if not recent:
        return Question(selected_topic, "")
    latest = recent[-1]
    kind = follow_up_kind(latest.text)
    topic = selected_topic if kind is None else _earlier_topic(recent[:-1])
    start = len(recent) - 1
    while start > 0:  # the figures: back through follow-ups and messages on the same topic
        earlier = recent[start - 1]
        if follow_up_kind(earlier.text) is not None or (earlier.intent == "faq" and _related(earlier.topic, topic)):
            start -= 1
            continue
        break
    return Question(topic, latest.text, kind, merged(t.text for t in recent[start:]))


def _earlier_topic(turns: Sequence[Turn]) -> Optional[str]:
    for turn in reversed(turns):
        if follow_up_kind(turn.text) is not None:
            continue
        if turn.intent == "faq" and turn.topic:
            return turn.topic
    return None
