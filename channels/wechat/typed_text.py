"""What a worker typed (or said), made safe to hand to Rasa (pure, no I/O).

Two dangers, both closed here before any NLU work:
- Rasa reads a message starting with "/" as a command ("/restart", "/report_emergency",
  "/check_appeal_status{...}") and skips understanding. A worker's leading "/" — or anything
  the NLU normaliser would turn into one (full-width "／", after spaces or invisible
  characters) — becomes a full-width "／", which the normaliser keeps (bot/nlu/
  text_normalization.py never makes a command out of text that was not one).
- Understanding a message costs time in proportion to its length on the event loop that
  serves every worker. The bot gets at most BOT_TEXT_MAX characters: the head and the tail
  (the last sentences usually carry the request), plus the words around a crisis term from
  the middle; the whole text travels with the message's metadata for the appeal.
"""
from __future__ import annotations

import re
import unicodedata

from bot.nlu.crisis_terms import CRISIS_TERMS, crisis_terms_in
from bot.nlu.text_normalization import normalize, normalize_forms

COMMAND_PREFIX = "/"
DEFUSED_PREFIX = "／"
BOT_TEXT_MAX = 1000
TAIL_CHARS = 400
ELISION = " …… "
CRISIS_CONTEXT = 50  # characters kept either side of a crisis term found in the part left out
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_LONGEST_TERM = max(map(len, CRISIS_TERMS))


def defuse_commands(text: str) -> str:
    """`text`, or — when Rasa would read it as a command — the same words with a harmless "／"."""
    start = _first_visible(text)
    if start < len(text) and normalize_forms(text[start]) == COMMAND_PREFIX:
        return DEFUSED_PREFIX + text[start + 1:]
    return text


def cap_for_bot(text: str) -> str:
    """`text` if short enough; otherwise its head and tail joined by an ellipsis, with the words
    around a crisis term from the part left out (a crisis must never be cut away), BOT_TEXT_MAX
    long at most."""
    if len(text) <= BOT_TEXT_MAX:
        return text
    head = text[: BOT_TEXT_MAX - TAIL_CHARS - len(ELISION)]
    tail_start = len(text) - TAIL_CHARS
    # Start the tail with a whole sentence when a sentence ends early in it.
    boundary = _SENTENCE_END.search(text, tail_start, tail_start + TAIL_CHARS // 2)
    if boundary:
        tail_start = boundary.end()
    tail = text[tail_start:].lstrip()
    # Overlapping the kept parts a little also catches a term cut in two by the cap.
    crisis = _crisis_excerpt(text[len(head) - _LONGEST_TERM:tail_start + _LONGEST_TERM])
    if crisis:
        head = head[: len(head) - len(crisis) - len(ELISION)]
        return head + ELISION + crisis + ELISION + tail
    return head + ELISION + tail


def _crisis_excerpt(left_out: str) -> str:
    """The words around the first crisis term in `left_out`, or "" when there is none."""
    terms = crisis_terms_in(left_out)
    if not terms:
        return ""
    # normalize() keeps length, so a position in the normalised text is one in the raw text.
    at = min(index for index in (normalize(left_out).find(term) for term in terms) if index >= 0)
    return left_out[max(0, at - CRISIS_CONTEXT): at + CRISIS_CONTEXT].strip()


def _first_visible(text: str) -> int:
    """Index of the first character that is neither whitespace nor an invisible format character."""
    for index, char in enumerate(text):
        if not (char.isspace() or unicodedata.category(char) == "Cf"):
            return index
    return len(text)
