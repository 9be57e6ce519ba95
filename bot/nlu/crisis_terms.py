"""Compatibility entry point: the words that made a message a crisis (no Rasa imports).

The detection itself is the layered detector in `bot/nlu/crisis/`; this returns its
evidence, so callers that record "why" (the console's alerts) keep working.
"""
from __future__ import annotations

from typing import List

from bot.nlu.crisis import detect


def crisis_terms_in(text: str) -> List[str]:
    """The evidence for a crisis in `text` (empty when there is none)."""
    return detect(text).evidence
