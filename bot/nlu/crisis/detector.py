"""Is someone in danger now? The layers put together, with the evidence for each decision.

`detect(text)` matches every family rule against every view of the text (compact, and
pinyin/homophones respelled) after masking intensifiers; a guarded rule counts only when no
framing excuses it. The finding names the family, the rule and the words that matched, so
staff (and tests) can see why a message raised an alarm, and why another did not.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, List, Optional, Tuple

from bot.nlu.crisis.compositions import COMPOSED_RULES
from bot.nlu.crisis.families import EXPLICIT, RULES, STRONG, Rule
from bot.nlu.crisis.retraction import retraction
from bot.nlu.crisis.learned import MIN_CHARS as LEARNED_MIN_CHARS, strongest_reading, threshold_for
from bot.nlu.crisis.guards import excusing_frame, mask_intensifiers, story_frame, topic_frame, unanchored_frame
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


# The word families first, then the compositions (a hit of either names the finding).
ALL_RULES = RULES + COMPOSED_RULES

# Every rule looks at most a few dozen characters around a word, so a long message is read in
# overlapping windows: the cost stays linear in its length whatever it contains.
WINDOW, OVERLAP = 300, 60


def windows(text: str) -> List[Tuple[int, str]]:
    """(offset, part) pairs covering `text`."""
    if len(text) <= WINDOW:
        return [(0, text)]
    return [(start, text[start:start + WINDOW]) for start in range(0, len(text) - OVERLAP, WINDOW - OVERLAP)]


def _matches(rule: Rule, parts: List[Tuple[int, str]]) -> Iterator[Tuple[int, int, str]]:
    for offset, part in parts:
        for match in rule.pattern.finditer(part):
            yield offset + match.start(), offset + match.end(), match.group(0)


def _hits_in(masked: str, view: str) -> List[Tuple[Hit, str, Optional[str]]]:
    """Each rule's first match that no story frame excuses, or else its first match with the
    reason: a later clause can still be a crisis after a story that ended well."""
    parts = windows(masked)
    found = []
    for rule in ALL_RULES:
        first = None
        for start, end, words in _matches(rule, parts):
            why = story_frame(masked, start, end, rule.family)
            if why is None or first is None:
                first = (Hit(rule.family, rule.name, words, view), rule.strength, why)
            if why is None:
                break
        if first:
            found.append(first)
    return found


def detect(text: Optional[str], learned: bool = True) -> CrisisFinding:
    """The crisis signals in `text`: explicit words, composed patterns, guards applied; when no
    rule fires, the learned reader's (`learned=False`: the rules alone, for measuring them)."""
    if not text or not text.strip():
        return CrisisFinding()
    views = views_of(text)
    hits: List[Hit] = []
    excused: List[Tuple[Hit, str]] = []
    seen = set()
    for view, form in views.all():
        masked = mask_intensifiers(form)
        taken_back = retraction(masked)  # withdraws even the strongest words: 刚才说想死是气话
        frames = {STRONG: taken_back, EXPLICIT: topic_frame(masked) or taken_back}
        guarded_frame = excusing_frame(masked) or taken_back
        for hit, strength, story in _hits_in(masked, view):
            if (hit.family, hit.rule) in seen:
                continue
            frame = story or frames.get(strength, guarded_frame)
            if frame is None:
                hits.append(hit)
                seen.add((hit.family, hit.rule))
            else:
                excused.append((hit, frame))
    if not hits and learned:
        _learned_reading(views.compact, hits, excused)
    hits.sort(key=lambda h: _FAMILY_ORDER.index(h.family))
    return CrisisFinding(tuple(hits), tuple(excused) if not hits else ())


# A sure reading is not excused by a frame that only colours the message: 要是 in 工钱以后要是能
#要回来 or 工会 in 谢谢你们工会 are no hypothesis and no lawful plan. Chosen on the development
# sets (the gate set, the fresh development half, the everyday messages).
SURE = 0.95
WEAK_FRAMES = {"hypothetical", "a lawful way", "an outing or an errand"}


def _learned_reading(plain: str, hits: List[Hit], excused: List[Tuple[Hit, str]]) -> None:
    """The learned reader's verdict, as a guarded hit: a framing excuses it as it would a rule."""
    if len(plain.strip()) < LEARNED_MIN_CHARS:
        return
    probability = strongest_reading(plain)
    if probability < threshold_for(plain.strip()):
        return
    hit = Hit(LEARNED, "char n-grams", f"p={probability:.2f}", "text")
    masked = mask_intensifiers(plain)
    frame = retraction(masked) or unanchored_frame(masked)
    if frame and probability >= SURE and frame.split(":")[0] in WEAK_FRAMES:
        frame = None
    if frame is None:
        hits.append(hit)
    else:
        excused.append((hit, frame))


def framing(text: Optional[str]) -> Optional[str]:
    """Why a reading that points at no words (a classifier's) is not a crisis now — a film, the
    news, a past or settled story, a legal question, a lawful plan, an outing — or None."""
    if not text or not text.strip():
        return None
    masked = mask_intensifiers(views_of(text).compact)
    return retraction(masked) or unanchored_frame(masked)


def is_crisis(text: Optional[str]) -> bool:
    return detect(text).is_crisis


# When several families match, the first in this order names the finding.
LEARNED = "learned"  # no rule fired; the learned reader did (bot/nlu/crisis/learned.py)
_FAMILY_ORDER = ["self_harm", "violence", "confinement", "accident", "medical", "group_action", "distress_call", LEARNED]
