"""Is someone in danger now? The layers put together, with the evidence for each decision.

`detect(text)` matches every family rule against every view of the text (compact, and
pinyin/homophones respelled) after masking intensifiers; a guarded rule counts only when no
framing excuses it. The finding names the family, the rule and the words that matched, so
staff (and tests) can see why a message raised an alarm, and why another did not.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from bot.nlu.crisis.families import EXPLICIT, RULES, STRONG
from bot.nlu.crisis.guards import excusing_frame, mask_intensifiers, topic_frame
from bot.nlu.crisis.views import views_of


@dataclass(frozen=True)
class Hit:
    family: str
    rule: str
    evidence: str  # the matched words
    view: str  # "text" or "pinyin/homophone"


@dataclass(frozen=True)
class CrisisFinding:
    hits: Tuple[Hit, ...] = ()
    # Guarded hits that a framing excused, with the reason: not a crisis, kept for explanation.
    excused: Tuple[Tuple[Hit, str], ...] = field(default=())

    @property
    def is_crisis(self) -> bool:
        return bool(self.hits)

    @property
    def family(self) -> Optional[str]:
        return self.hits[0].family if self.hits else None

    @property
    def families(self) -> List[str]:
        return list(dict.fromkeys(hit.family for hit in self.hits))

    @property
    def evidence(self) -> List[str]:
        return list(dict.fromkeys(hit.evidence for hit in self.hits))

    def explain(self) -> str:
        if self.hits:
            return "; ".join(f"{h.family}/{h.rule}: {h.evidence} ({h.view})" for h in self.hits)
        if self.excused:
            return "; ".join(f"excused {h.family}/{h.rule}: {h.evidence} — {why}" for h, why in self.excused)
        return "no crisis signal"


# Every rule looks at most a few dozen characters around a word, so a long message is read in
# overlapping windows: the cost stays linear in its length whatever it contains.
WINDOW, OVERLAP = 300, 60


def windows(text: str) -> List[str]:
    if len(text) <= WINDOW:
        return [text]
    return [text[start:start + WINDOW] for start in range(0, len(text) - OVERLAP, WINDOW - OVERLAP)]


def _hits_in(text: str, view: str) -> List[Tuple[Hit, str]]:
    parts = windows(mask_intensifiers(text))
    found = []
    for rule in RULES:
        match = next(filter(None, (rule.pattern.search(part) for part in parts)), None)
        if match:
            found.append((Hit(rule.family, rule.name, match.group(0), view), rule.strength))
    return found


def detect(text: Optional[str]) -> CrisisFinding:
    """The crisis signals in `text`: explicit words, composed patterns, guards applied."""
    if not text or not text.strip():
        return CrisisFinding()
    views = views_of(text)
    hits: List[Hit] = []
    excused: List[Tuple[Hit, str]] = []
    seen = set()
    for view, form in views.all():
        masked = mask_intensifiers(form)
        frames = {STRONG: None, EXPLICIT: topic_frame(masked)}
        guarded_frame = excusing_frame(masked)
        for hit, strength in _hits_in(form, view):
            if (hit.family, hit.rule) in seen:
                continue
            frame = frames.get(strength, guarded_frame)
            if frame is None:
                hits.append(hit)
                seen.add((hit.family, hit.rule))
            else:
                excused.append((hit, frame))
    hits.sort(key=lambda h: _FAMILY_ORDER.index(h.family))
    return CrisisFinding(tuple(hits), tuple(excused) if not hits else ())


def is_crisis(text: Optional[str]) -> bool:
    return detect(text).is_crisis


# When several families match, the first in this order names the finding.
_FAMILY_ORDER = ["self_harm", "violence", "confinement", "accident", "medical", "group_action", "distress_call"]
