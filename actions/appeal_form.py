"""The appeal form: asks only for what the worker has not already said, one plain question
at a time, takes corrections at any point, and confirms a summary before filing.

Every field has a custom slot mapping, so nothing fills the form except the worker's own
messages in this appeal (no entities left over from earlier topics). Reading a message is
done in `actions/appeal_reading.py`; this module connects it to Rasa.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import stores
from actions.appeal_reading import (
    ANONYMOUS, EXTRA_SLOTS, FORM_SLOTS, NO_PHONE, UNKNOWN, Turn, read_turn, shown,
)
from actions.conversation_signals import faq_topic, last_faq_topic, whole_message
from actions.crisis_guard import reject_form_on_crisis

__all__ = ["ANONYMOUS", "FORM_SLOTS", "NO_PHONE", "UNKNOWN", "reset_form_slots", "summary"]

FORM = "appeal_form"
# Appeals about money owed: the form asks how much.
MONEY_CATEGORIES = {"wage_arrears", "overtime_pay", "minimum_wage", "dismissal", "resignation",
                    "labor_contract", "annual_leave", "social_insurance", "work_injury"}
LOCATION_FRESH_S = 15 * 60
# Actions that may run between the worker's message and the form reading it. Anything else
# (an FAQ answer, help) means the form is coming back after an interruption: that message
# was not for the form and is not read again.
_SAME_TURN = {"action_listen", "action_extract_slots", FORM, f"validate_{FORM}"}
# A message this short that starts the form ("是", "好的") accepts the offer after an FAQ answer.
_SHORT_ACCEPT = 4


def reset_form_slots(keep_category: bool = False) -> List[Dict[Text, Any]]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS + EXTRA_SLOTS
            if not (keep_category and slot == "appeal_category")]


class ValidateAppealForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_appeal_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        slots = list(domain_slots)
        if tracker.get_slot("appeal_category") not in MONEY_CATEGORIES and "appeal_amount" in slots:
            slots.remove("appeal_amount")
        if tracker.get_slot("appeal_consent") is False:
            # No consent, nothing to confirm: the form ends and the submit action explains.
            slots.remove("appeal_confirmed")
        return slots

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        """Read the worker's latest message once; no events at all lets the rules answer it."""
        # A crisis is never an answer, even when it names a district or a headcount.
        rejected = reject_form_on_crisis(tracker, "appeal_form")
        if rejected:
            return rejected
        changes: Dict[Text, Any] = {}
        if _fresh_turn(tracker):
            changes = read_turn(await _turn(tracker)).slot_events()
            # Photos sent while filing belong to this new appeal, not to an older open one.
            await stores.filing_marks().start(tracker.sender_id)
        events = [SlotSet(slot, value) for slot, value in changes.items()]
        tracker.add_slots(events)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        return events + ([next_slot] if next_slot else [])


async def _turn(tracker: Tracker) -> Turn:
    latest = tracker.latest_message or {}
    activating = _starting(tracker)
    requested = tracker.get_slot("requested_slot")
    return Turn(
        # A very long message reaches the bot capped; the channel keeps the whole in metadata.
        text=whole_message(tracker.events, latest.get("text") or ""),
        intent=(latest.get("intent") or {}).get("name"),
        requested=None if activating else requested,
        slots={slot: tracker.get_slot(slot) for slot in FORM_SLOTS + EXTRA_SLOTS},
        activating=activating,
        story_before=_story_before(tracker) if activating else None,
        faq_topic=faq_topic(latest, min_confidence=0.3),
        recent_topic=last_faq_topic(tracker.events) if activating else None,
        location_district=await _shared_location_district(tracker) if requested == "appeal_district" else None,
    )


def _starting(tracker: Tracker) -> bool:
    """The form was not running when the worker wrote this message: it starts now.

    (Rasa sets the form active on the tracker before validating at activation, so the active
    loop alone cannot tell; the loop's state before the latest message can.)
    """
    loop = None
    for event in tracker.events:
        if event.get("event") == "user" and event is _latest_user(tracker):
            break
        if event.get("event") == "active_loop":
            loop = event.get("name")
    return loop != FORM


def _latest_user(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    return next((event for event in reversed(tracker.events) if event.get("event") == "user"), None)


def _fresh_turn(tracker: Tracker) -> bool:
    """The form runs right after the worker's message, not after something answered it."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in _SAME_TURN:
            return False
    return True


def _story_before(tracker: Tracker) -> Optional[Text]:
    """The worker's message before a bare "是" that accepted the offer to file (its story)."""
    users = [event for event in tracker.events if event.get("event") == "user"]
    if len(users) < 2:
        return None
    latest = users[-1]
    intent = ((latest.get("parse_data") or {}).get("intent") or {}).get("name")
    if intent != "affirm" or len((latest.get("text") or "").strip()) > _SHORT_ACCEPT:
        return None
    return users[-2].get("text")


async def _shared_location_district(tracker: Tracker) -> Optional[Text]:
    location = await stores.worker_channels().location(tracker.sender_id)
    if location and time.time() - float(location.get("at", 0)) < LOCATION_FRESH_S:
        return location.get("district")
    return None


def summary(tracker: Tracker) -> Text:
    slot = tracker.get_slot
    lines = [
        f"· 类别：{shown('appeal_category', slot('appeal_category'))}",
        f"· 情况：{slot('appeal_description')}",
        f"· 单位：{shown('appeal_employer', slot('appeal_employer'))}",
        f"· 地区：{shown('appeal_district', slot('appeal_district'))}",
        f"· 涉及人数：{shown('appeal_headcount', slot('appeal_headcount'))}",
    ]
    if slot("appeal_amount"):
        lines.append(f"· 涉及金额：{shown('appeal_amount', slot('appeal_amount'))}")
    if slot("appeal_since"):
        lines.append(f"· 开始时间：{slot('appeal_since')}")
    lines.append(f"· 联系方式：{shown('appeal_phone', slot('appeal_phone'))}")
    lines.append(f"· 称呼：{shown('appeal_name', slot('appeal_name'))}")
    return "\n".join(lines)


# --- the questions ------------------------------------------------------------------------
class AskAppealField(Action):
    """Asks for one field: first what the last answer told us (a note, a correction done),
    then either a confirming question for an uncertain value or the field's usual question —
    never the same question twice in one reply."""

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        hint = tracker.get_slot("appeal_hint") or {}
        for response, variables in hint.get("notes") or []:
            dispatcher.utter_message(response=response, **(variables or {}))
        ask = hint.get("ask") or self._pending_question(tracker)
        if ask:
            dispatcher.utter_message(response=ask[0], **(ask[1] or {}))
        else:
            self.question(dispatcher, tracker)
        return [SlotSet("appeal_hint", None)]

    def _pending_question(self, tracker: Tracker) -> Optional[list]:
        pending = tracker.get_slot("appeal_pending") or {}
        if pending.get("slot") != self.slot or self.slot != "appeal_headcount":
            return None
        words = (pending.get("value") or {}).get("words") or ""
        return ["utter_appeal_confirm_headcount_vague", {"words": words, "count": ""}]

    def question(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        dispatcher.utter_message(response=f"utter_ask_{self.slot}")


def _asking(slot_name: str) -> type:
    return type(f"AskAppeal_{slot_name}", (AskAppealField,), {"slot": slot_name})


AskAppealCategory = _asking("appeal_category")
AskAppealDescription = _asking("appeal_description")
AskAppealEmployer = _asking("appeal_employer")
AskAppealDistrict = _asking("appeal_district")
AskAppealHeadcount = _asking("appeal_headcount")
AskAppealAmount = _asking("appeal_amount")
AskAppealPhone = _asking("appeal_phone")
AskAppealName = _asking("appeal_name")
AskAppealConsent = _asking("appeal_consent")


class ActionAskAppealConfirmed(AskAppealField):
    slot = "appeal_confirmed"

    def question(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        dispatcher.utter_message(response="utter_ask_appeal_confirmed", summary=summary(tracker))
