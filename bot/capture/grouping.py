"""The inbox view of captured messages (pure): filters, and identical texts grouped.

Texts are grouped by their folded form — simplified characters, half-width, lower case,
letters and digits only — the same folding tests/test_training_data.py uses to keep held-out
sets apart from training data, so one group is one training example.
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
from typing import Any, Dict, Iterable, List, Optional

from bot.nlu.text_normalization import normalize

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
UNREVIEWED, REVIEWED, ALL = "unreviewed", "reviewed", "all"


@functools.lru_cache(maxsize=65536)
def folded(text: str) -> str:
    return "".join(c for c in normalize(text).lower() if c.isalnum())


def group_key(text: str) -> str:
    """Stable id of a group (what the page posts back): 16 hex of SHA-256 of the folded text."""
    return hashlib.sha256(folded(text).encode("utf-8")).hexdigest()[:16]


@dataclasses.dataclass
class Filters:
    low_confidence: Optional[float] = None  # only messages below this confidence
    fallback: bool = False  # only messages where the fallback fired
    intent: str = ""  # only this predicted label
    channel: str = ""
    date_from: Optional[datetime.date] = None  # Beijing dates, inclusive
    date_to: Optional[datetime.date] = None
    text: str = ""  # substring of the text (also matched folded)
    status: str = UNREVIEWED

    def matches(self, record: Dict[str, Any]) -> bool:
        if self.low_confidence is not None and record["confidence"] >= self.low_confidence:
            return False
        if self.fallback and not record["fallback"]:
            return False
        if self.intent and record["intent"] != self.intent:
            return False
        if self.channel and record["channel"] != self.channel:
            return False
        day = datetime.datetime.fromtimestamp(record["ts"], BEIJING).date()
        if (self.date_from and day < self.date_from) or (self.date_to and day > self.date_to):
            return False
        if self.text:
            needle = self.text.strip().lower()
            if needle not in record["text"].lower() and folded(needle) not in folded(record["text"]):
                return False
        return True


@dataclasses.dataclass
class Group:
    key: str
    text: str  # the newest message of the group (masked)
    count: int
    first_ts: float
    last_ts: float
    intent: str  # the newest prediction
    confidence: float
    ranking: List[Dict[str, Any]]
    entities: List[Dict[str, Any]]
    fallback: bool  # the fallback fired for any message of the group
    channels: List[str]
    annotation: Optional[Dict[str, Any]] = None
    reply: str = ""  # what the bot answered the newest message (masked)

    @property
    def reviewed(self) -> bool:
        return self.annotation is not None

    def as_json(self) -> Dict[str, Any]:
        return {**dataclasses.asdict(self), "reviewed": self.reviewed}


def group_records(records: Iterable[Dict[str, Any]], annotations: Dict[str, Dict[str, Any]],
                  filters: Filters) -> List[Group]:
    """Groups of the matching records (newest records first in), unreviewed groups first, then
    the most recently seen."""
    groups: Dict[str, Group] = {}
    for record in records:
        if not filters.matches(record):
            continue
        key = record.get("group") or group_key(record["text"])
        group = groups.get(key)
        if group is None:
            groups[key] = Group(key, record["text"], 1, record["ts"], record["ts"], record["intent"],
                                record["confidence"], record["ranking"], record["entities"], record["fallback"],
                                [record["channel"]], annotations.get(key), record.get("reply") or "")
            continue
        group.count += 1
        group.first_ts = min(group.first_ts, record["ts"])
        group.fallback = group.fallback or record["fallback"]
        if record["channel"] not in group.channels:
            group.channels.append(record["channel"])
    wanted = [g for g in groups.values()
              if filters.status == ALL or (filters.status == REVIEWED) == g.reviewed]
    return sorted(wanted, key=lambda g: (g.reviewed, -g.last_ts))


def frequent_intents(groups: Iterable[Group], allowed: List[str], limit: int = 9) -> List[str]:
    """The labels predicted most often in view (by messages), for the keyboard shortcuts 1-9;
    filled up with the allowed labels in their order."""
    counts: Dict[str, int] = {}
    for group in groups:
        if group.intent in allowed:
            counts[group.intent] = counts.get(group.intent, 0) + group.count
    ranked = sorted(counts, key=lambda name: -counts[name])
    return (ranked + [name for name in allowed if name not in ranked])[:limit]
