"""Every action that answers a worker's message checks for a crisis first.

The NLU marks a crisis as `report_emergency` (CrisisOverride, the last NLU component), and a
rule sends it to `action_handle_emergency`. This is the second, independent layer: should the
classifier disagree (an older model, a component left out of the pipeline, an active form, a
rule that picks another action), any action that answers the message runs the same detector
on the text and, for a crisis, gives the help lines, files an urgent appeal, raises an alert
and hands the worker to a person, on that first message. Handled once per message.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import stores
from actions.appeal_reading import EXTRA_SLOTS, FORM_SLOTS, UNKNOWN
from actions.conversation_signals import last_faq_topic, whole_message, worker_phone
from actions.escalation import hand_to_person
from actions.worker_context import known_district
from bot.appeals import Appeal
from bot.appeals.story_facts import category_in
from bot.appeals.validation import DESCRIPTION_MAX
from bot.nlu.crisis import detect

EMERGENCY_INTENT = "report_emergency"
EMERGENCY_ACTION = "action_handle_emergency"
REASON = "emergency"
PRIORITY = "emergency"
# An open emergency appeal this recent is the same crisis: one crisis is one case.
SAME_CRISIS_S = 6 * 60 * 60
# The classifier's topic for a crisis message is a guess (often 咨询联系); the words decide.
_NOT_A_CATEGORY = {"hotline_info", "legal_aid", "labor_arbitration"}

# Load the detector's pinyin dictionaries when the action server starts, not during a
# worker's first message (about a second on a busy machine).
detect("预热")


def is_crisis_message(tracker: Tracker) -> bool:
    """The NLU said so, or the detector finds a crisis in the whole message the worker wrote
    (the NLU sees only the head and tail of a very long one)."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return intent == EMERGENCY_INTENT or detect(_whole(tracker)).is_crisis


def _whole(tracker: Tracker) -> str:
    return whole_message(tracker.events, tracker.latest_message.get("text"))


def already_handled(tracker: Tracker) -> bool:
    """The emergency was already handled for the latest message (one alert per message)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == EMERGENCY_ACTION:
            return True
    return False


async def respond_to_crisis(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Help lines, an urgent appeal (or a note on the open one), an alert for the console, and
    a person, at once."""
    dispatcher.utter_message(response="utter_emergency")
    text = _whole(tracker)
    district = await known_district(tracker)
    appeal = await _same_crisis(tracker)
    if appeal is None:
        appeal = await stores.appeals().create(
            description=_description(tracker, text),
            category=_category(tracker, text),
            district=district,
            employer=_slot(tracker, "appeal_employer"),
            openid=tracker.sender_id,
            channel=tracker.get_latest_input_channel() or "wechat",
            phone=worker_phone(tracker.events),
            emergency=True,
        )
    elif text:
        await stores.appeals().add_note(appeal.ticket_id, f"worker:{tracker.sender_id}", f"又发来：{text[:500]}")
    await stores.escalations().alert(tracker.sender_id, text, appeal.ticket_id, detect(text).evidence)
    lead = f"已为您登记紧急诉求，编号{appeal.ticket_id}，工作人员会优先处理。"
    # Any form under way stops here, and its half-filled answers are not resumed later.
    stop_form = [ActiveLoop(None), SlotSet("requested_slot", None)] if tracker.active_loop.get("name") else []
    clear = [SlotSet(slot, None) for slot in FORM_SLOTS + EXTRA_SLOTS] if tracker.get_slot("appeal_description") else []
    handed = await hand_to_person(dispatcher, tracker, REASON, PRIORITY, appeal.ticket_id, lead=lead,
                                  district=appeal.district or district)
    return stop_form + handed + clear


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
    told = text[:DESCRIPTION_MAX] or "（紧急情况，内容见对话记录）"
    return f"{told}\n（此前登记中的情况：{earlier}）"[:2000] if earlier and earlier != text else told


async def crisis_first(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict[Text, Any]]]:
    """The crisis response when the latest message is a crisis not yet handled, else None."""
    if is_crisis_message(tracker) and not already_handled(tracker):
        return await respond_to_crisis(dispatcher, tracker)
    return None


def reject_form_on_crisis(tracker: Tracker, form: Text) -> Optional[List[Dict[Text, Any]]]:
    """For form validation: a crisis message is never an answer to the form's question.

    Rejecting the form (even when an entity in the message would fill a slot) lets the
    emergency rule, or the fallback and its guard, answer instead.
    """
    if is_crisis_message(tracker) and not already_handled(tracker):
        return [ActionExecutionRejected(form)]
    return None
