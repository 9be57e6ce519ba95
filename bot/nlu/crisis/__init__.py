"""Crisis detection: a layered, rule-based detector shared by the NLU and the actions.

No Rasa imports: the NLU component (`bot/nlu/crisis_override.py`), the actions and the
benchmarks all call `detect()` on the raw text, so a crisis is recognised the same way
whichever layer looks at the message first.
"""
from bot.nlu.crisis.detector import CrisisFinding, Hit, detect, framing, is_crisis

__all__ = ["CrisisFinding", "Hit", "detect", "framing", "is_crisis"]
