"""A worker or someone near them is in danger: help first, then an urgent appeal, an alert
for the console, and the conversation handed to a person at once.

One crisis is one case: a second crisis message while the first emergency appeal is still
open adds to that appeal (a note) instead of filing another.
"""
from __future__ import annotations

import time
from typing import Any, Dict, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import stores
from actions.appeal_form import reset_form_slots
from actions.appeal_reading import UNKNOWN
from actions.conversation_signals import last_faq_topic, whole_message
from actions.escalation import hand_to_person
from actions.worker_context import known_district
from bot.appeals import Appeal
from bot.appeals.story_facts import category_in
from bot.appeals.validation import DESCRIPTION_MAX
from bot.nlu.crisis_terms import crisis_terms_in

REASON = "emergency"
# An open emergency appeal this recent is the same crisis.
SAME_CRISIS_S = 6 * 60 * 60
# The classifier's topic for a crisis message is a guess (often 咨询联系); the words decide.
_NOT_A_CATEGORY = {"hotline_info", "legal_aid", "labor_arbitration"}


class ActionHandleEmergency(Action):
    def name(self) -> Text:
        return "action_handle_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        dispatcher.utter_message(response="utter_emergency")
        text = tracker.latest_message.get("text") or ""
        district = await known_district(tracker)
        appeal = await self._same_crisis(tracker)
        if appeal is None:
            appeal = await stores.appeals().create(
                description=_description(tracker, text),
                category=_category(tracker, text),
                district=district,
                employer=_slot(tracker, "appeal_employer"),
                openid=tracker.sender_id,
                emergency=True,
            )
        elif text:
            await stores.appeals().add_note(appeal.ticket_id, f"worker:{tracker.sender_id}", f"又发来：{text[:500]}")
        await stores.escalations().alert(tracker.sender_id, text, appeal.ticket_id, crisis_terms_in(text))
        lead = f"已为您登记紧急诉求，编号{appeal.ticket_id}，工作人员会优先处理。"
        events = await hand_to_person(dispatcher, tracker, REASON, "emergency", appeal.ticket_id, lead=lead,
                                      district=appeal.district or district)
        # A half-filled appeal form is not resumed later with stale answers.
        return events + (reset_form_slots() if tracker.get_slot("appeal_description") else [])

    @staticmethod
    async def _same_crisis(tracker: Tracker) -> Optional[Appeal]:
        for appeal in await stores.appeals().list(openid=tracker.sender_id, limit=5):
            if appeal.emergency and not appeal.status.closed and time.time() - appeal.created_at < SAME_CRISIS_S:
                return appeal
        return None


def _slot(tracker: Tracker, name: str) -> Optional[Text]:
    value = tracker.get_slot(name)
    return value if isinstance(value, str) and value and value != UNKNOWN else None


def _category(tracker: Tracker, text: Text) -> Text:
    """What the crisis is about: its own words, else the appeal being filed, else the topic just discussed."""
    earlier = [event for event in tracker.events if event.get("event") == "user"][:-1]
    topic = last_faq_topic(earlier)
    return (category_in(text) or _slot(tracker, "appeal_category")
            or (topic if topic not in _NOT_A_CATEGORY else None) or "other")


def _description(tracker: Tracker, text: Text) -> Text:
    earlier = _slot(tracker, "appeal_description")
    told = whole_message(tracker.events, text)[:DESCRIPTION_MAX] or "（紧急情况，内容见对话记录）"
    return f"{told}\n（此前登记中的情况：{earlier}）"[:2000] if earlier and earlier != text else told
