"""Every action that answers a worker's message checks for a crisis first.

The NLU marks a crisis as `report_emergency` (CrisisOverride, the last NLU component), and a
rule sends it to `action_handle_emergency`. This is the second, independent layer: should the
classifier disagree (an older model, a component left out of the pipeline, an active form, a
rule that picks another action), any action that answers the message runs the same detector
on the text and, for a crisis, gives the help lines, files an urgent appeal, raises an alert
and hands the worker to a person, on that first message. Handled once per message.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import stores
from actions.conversation_signals import last_faq_topic, whole_message
from actions.escalation import hand_to_person
from bot.appeals.validation import DESCRIPTION_MAX
from bot.districts import canonical_district
from bot.nlu.crisis import detect

EMERGENCY_INTENT = "report_emergency"
EMERGENCY_ACTION = "action_handle_emergency"
REASON = "emergency"
PRIORITY = "emergency"

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
    """Help lines, an urgent appeal, an alert for the console, and a person, at once."""
    dispatcher.utter_message(response="utter_emergency")
    text = _whole(tracker)
    appeal = await stores.appeals().create(
        description=text[:DESCRIPTION_MAX] or "（紧急情况，内容见对话记录）",
        category=last_faq_topic(tracker.events) or "other",
        district=await _district(tracker),
        openid=tracker.sender_id,
        emergency=True,
    )
    await stores.escalations().alert(tracker.sender_id, text, appeal.ticket_id, detect(text).evidence)
    lead = f"已为您登记紧急诉求，编号{appeal.ticket_id}，工作人员会优先处理。"
    # Any form under way stops here: when staff hand the conversation back, it starts afresh.
    stop_form = [ActiveLoop(None), SlotSet("requested_slot", None)] if tracker.active_loop.get("name") else []
    return stop_form + await hand_to_person(dispatcher, tracker, REASON, PRIORITY, appeal.ticket_id, lead=lead)


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


async def _district(tracker: Tracker) -> Optional[str]:
    for value in tracker.get_latest_entity_values("district"):
        district = canonical_district(value)
        if district:
            return district
    location = await stores.wechat_records().location(tracker.sender_id)
    return (location or {}).get("district")
