"""FAQ answers that need code.

Outside a form the answer is Rasa's own retrieval response (`utter_faq`), given without the
action server (the text is composed inside the Rasa server by bot/faq/nlg.py from
bot/faq/answers.yml: sub-question, follow-up, calculator); `action_faq_followup` runs after it
and only adds what needs code: a worker angry for several messages in a row is handed to a
person as well. If the action server is down, the worker still has the answer.

Inside a form (which needs the action server anyway) `action_answer_faq` decides first whether
the message is really an answer to the form's question; only then is the FAQ answered.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_signals import faq_topic, sustained_anger
from actions.crisis_guard import crisis_first
from actions.escalation import REASON_ANGER, hand_to_person
from actions.form_answers import tracker_answered_slot
from actions.story_offer import appeal_offer

ANGER_LEAD = "听得出您很着急，这种情况确实让人窝火。"


async def follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    # A long story telling a grievance: after the answer, offer to file it (not inside a form,
    # where "是" would answer the form's question).
    answered = faq_topic(tracker.latest_message, min_confidence=0.0)
    offer = appeal_offer(tracker.latest_message.get("text")) if answered and not tracker.active_loop_name else None
    if offer:
        dispatcher.utter_message(text=offer)
    if sustained_anger(tracker.events):
        return await hand_to_person(dispatcher, tracker, REASON_ANGER, lead=ANGER_LEAD)
    return []


class ActionFaqFollowUp(Action):
    def name(self) -> Text:
        return "action_faq_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        return await follow_up(dispatcher, tracker)


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        crisis = await crisis_first(dispatcher, tracker)
        if crisis is not None:
            return crisis
        if tracker_answered_slot(tracker):
            return []  # an answer to the form's question, not an FAQ question: the form takes it
        topic = faq_topic(tracker.latest_message, min_confidence=0.0)
        dispatcher.utter_message(response=f"utter_faq/{topic}" if topic else "utter_help")
        return await follow_up(dispatcher, tracker)
