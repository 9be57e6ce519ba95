"""Inside a form, an answer is an answer first.

The classifier sees "朝阳测试公司" or "工资的事" without the question the form just asked, and
may call it an FAQ topic. When the form is waiting for a free-text field and the message is
not itself a question or a request, it answers that field: the FAQ answer is skipped and the
form takes the text (no Rasa imports: plain tracker values).
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from actions.answer_parsing import looks_like_question, score_in
from bot.nlu.crisis import is_crisis

# Per form, the fields whose answer is the worker's own words, so any intent may come with them.
FREE_TEXT_SLOTS = {
    "appeal_form": frozenset({
        "appeal_category", "appeal_description", "appeal_employer", "appeal_district", "appeal_headcount",
        "appeal_amount", "appeal_phone", "appeal_name",
    }),
    "satisfaction_form": frozenset({"satisfaction_score"}),
}
# Fields whose answer has a shape of its own: only a message of that shape answers them.
SHAPED = {"satisfaction_score": lambda text: score_in(text) is not None}
# Intents that interrupt the form rather than answer it (as in the domain's slot mappings).
INTERRUPTIONS = frozenset({"cancel", "report_emergency", "request_human", "check_appeal_status", "help"})


def answered_slot(active_loop: Optional[str], requested_slot: Optional[str],
                  latest_message: Dict[str, Any]) -> Optional[str]:
    """The form field this message answers, or None when it is a question or an interruption."""
    if requested_slot not in FREE_TEXT_SLOTS.get(active_loop or "", ()):
        return None
    intent = (latest_message.get("intent") or {}).get("name")
    text = (latest_message.get("text") or "").strip()
    if not text or intent in INTERRUPTIONS or looks_like_question(text) or is_crisis(text):
        return None  # a crisis is never an answer, whatever the classifier said
    if requested_slot in SHAPED and not SHAPED[requested_slot](text):
        return None
    return requested_slot


def tracker_answered_slot(tracker) -> Optional[str]:
    """`answered_slot` for a rasa_sdk Tracker."""
    return answered_slot((tracker.active_loop or {}).get("name"), tracker.get_slot("requested_slot"),
                         tracker.latest_message or {})
