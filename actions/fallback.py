"""Two-stage fallback: first ask to rephrase with the two likeliest topics, then a person."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_signals import misses_in_a_row
from actions.crisis_guard import crisis_first
from actions.escalation import REASON_NOT_UNDERSTOOD, hand_to_person
from actions.topics import phrase_for

NOT_UNDERSTOOD_LEAD = "抱歉，我还是没能理解您的问题，已请工作人员跟进。也可以直接拨打12351职工服务热线（北京以外请拨010-12351）。"


def likeliest_topics(latest_message: Dict[Text, Any], limit: int = 2) -> List[Text]:
    """Phrases for the most likely intents, expanding `faq` into its likeliest topics."""
    faq_ranking = ((latest_message.get("response_selector") or {}).get("faq") or {}).get("ranking") or []
    faq_topics = [r.get("intent_response_key") for r in faq_ranking]
    candidates: List[Text] = []
    for ranked in latest_message.get("intent_ranking") or []:
        name = ranked.get("name")
        candidates.extend(faq_topics[:limit] if name == "faq" else [name])
    phrases: List[Text] = []
    for intent in candidates:
        phrase = phrase_for(intent or "")
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    return phrases[:limit]


def rephrase_text(suggestions: List[Text]) -> Text:
    if len(suggestions) >= 2:
        hint = f"您是想问“{suggestions[0]}”，还是“{suggestions[1]}”？可以直接回复其中一个，或换个说法再说一遍。"
    elif suggestions:
        hint = f"您是想问“{suggestions[0]}”吗？可以直接回复它，或换个说法再说一遍。"
    else:
        hint = "能换个说法再说一遍吗？比如“老板欠工资怎么办”。"
    return "抱歉，我没太明白您的意思。" + hint


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        crisis = await crisis_first(dispatcher, tracker)
        if crisis is not None:
            return crisis
        if misses_in_a_row(tracker.events) >= 2:
            return await hand_to_person(dispatcher, tracker, REASON_NOT_UNDERSTOOD, lead=NOT_UNDERSTOOD_LEAD)
        dispatcher.utter_message(text=rephrase_text(likeliest_topics(tracker.latest_message)))
        return []
