"""A worker or someone near them is in danger: help first, then an urgent appeal, an alert
for the console, and the conversation handed to a person at once (see `crisis_guard`)."""
from __future__ import annotations

from typing import Any, Dict, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.crisis_guard import REASON, respond_to_crisis

__all__ = ["ActionHandleEmergency", "REASON"]


class ActionHandleEmergency(Action):
    def name(self) -> Text:
        return "action_handle_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        return await respond_to_crisis(dispatcher, tracker)
