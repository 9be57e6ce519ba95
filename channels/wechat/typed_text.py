"""What a worker typed (or said), made safe to hand to Rasa (pure, no I/O).

Two dangers, both closed here before any NLU work:
- Rasa reads a message starting with "/" as a command ("/restart", "/report_emergency",
  "/check_appeal_status{...}") and skips understanding. A worker's leading "/" — or anything
  the NLU normaliser would turn into one (full-width "／", after spaces or invisible
  characters) — becomes a full-width "／", which the normaliser keeps (bot/nlu/
  text_normalization.py never makes a command out of text that was not one).
- Understanding a message costs time in proportion to its length on the event loop that
  serves every worker. The bot gets at most BOT_TEXT_MAX characters: the head and the tail
  (the last sentences usually carry the request); the whole text travels with the message's
  metadata for the appeal.
"""
from __future__ import annotations

import re
import unicodedata

from bot.nlu.text_normalization import normalize_forms

COMMAND_PREFIX = "/"
DEFUSED_PREFIX = "／"
BOT_TEXT_MAX = 1000
TAIL_CHARS = 400
ELISION = " …… "
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def defuse_commands(text: str) -> str:
    """`text`, or — when Rasa would read it as a command — the same words with a harmless "／"."""
    start = _first_visible(text)
    if start < len(text) and normalize_forms(text[start]) == COMMAND_PREFIX:
        return DEFUSED_PREFIX + text[start + 1:]
    return text


def cap_for_bot(text: str) -> str:
    """`text` if short enough; otherwise its head and tail joined by an ellipsis, BOT_TEXT_MAX long at most."""
    if len(text) <= BOT_TEXT_MAX:
        return text
    head = text[: BOT_TEXT_MAX - TAIL_CHARS - len(ELISION)]
    tail = text[-TAIL_CHARS:]
    # Start the tail with a whole sentence when a sentence ends early in it.
    boundary = _SENTENCE_END.search(tail, 0, TAIL_CHARS // 2)
    if boundary:
        tail = tail[boundary.end():]
    return head + ELISION + tail.lstrip()


def _first_visible(text: str) -> int:
    """Index of the first character that is neither whitespace nor an invisible format character."""
    for index, char in enumerate(text):
        if not (char.isspace() or unicodedata.category(char) == "Cf"):
            return index
    return len(text)
