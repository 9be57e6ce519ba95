"""Handing a worker to a person: queue the conversation, pause the bot, say what happens next."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher

from actions import stores
from actions.service_hours import waiting_message
from actions.worker_context import known_district

REASON_ASKED = "worker asked for a person"
REASON_NOT_UNDERSTOOD = "the bot failed to understand twice in a row"
REASON_ANGER = "sustained anger"


async def hand_to_person(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str,
                         priority: str = "normal", ticket_id: Optional[str] = None,
                         lead: str = "", district: Optional[str] = None) -> List[Dict[Text, Any]]:
    # The district the worker already gave (mid-form, an earlier appeal) picks the union.
    district = district or await known_district(tracker)
    await stores.escalations().escalate(tracker.sender_id, reason, priority, ticket_id,
                                        excerpt=tracker.latest_message.get("text"), district=district)
    await stores.filing_marks().stop(tracker.sender_id)  # a form left for a person holds no media back
    dispatcher.utter_message(text=(lead + waiting_message()).strip())
    return [ConversationPaused()]


class ActionEscalate(Action):
    def name(self) -> Text:
        return "action_escalate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        # Imported here: crisis_guard itself hands over through hand_to_person above.
        from actions.crisis_guard import crisis_first

        crisis = await crisis_first(dispatcher, tracker)
        if crisis is not None:  # "转人工 我不想活了": a person, with emergency priority and the help lines
            return crisis
        return await hand_to_person(dispatcher, tracker, REASON_ASKED, lead="好的，")
