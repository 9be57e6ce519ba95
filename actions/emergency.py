"""A worker or someone near them is in danger: help first, then an urgent appeal, an alert
for the console, and the conversation handed to a person at once."""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import stores
from actions.conversation_signals import last_faq_topic, whole_message
from actions.escalation import hand_to_person
from bot.appeals.validation import DESCRIPTION_MAX
from bot.districts import canonical_district
from bot.nlu.crisis_terms import crisis_terms_in

REASON = "emergency"


class ActionHandleEmergency(Action):
    def name(self) -> Text:
        return "action_handle_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        dispatcher.utter_message(response="utter_emergency")
        text = tracker.latest_message.get("text") or ""
        appeal = await stores.appeals().create(
            description=whole_message(tracker.events, text)[:DESCRIPTION_MAX] or "（紧急情况，内容见对话记录）",
            category=last_faq_topic(tracker.events) or "other",
            district=await self._district(tracker),
            openid=tracker.sender_id,
            emergency=True,
        )
        await stores.escalations().alert(tracker.sender_id, text, appeal.ticket_id, crisis_terms_in(text))
        lead = f"已为您登记紧急诉求，编号{appeal.ticket_id}，工作人员会优先处理。"
        return await hand_to_person(dispatcher, tracker, REASON, "emergency", appeal.ticket_id, lead=lead)

    @staticmethod
    async def _district(tracker: Tracker) -> Optional[str]:
        for value in tracker.get_latest_entity_values("district"):
            district = canonical_district(value)
            if district:
                return district
        location = await stores.wechat_records().location(tracker.sender_id)
        return (location or {}).get("district")
