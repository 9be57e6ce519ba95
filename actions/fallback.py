"""Two-stage fallback: ask which of the two likeliest meanings was meant ("回复1或2"), then a
person. A "1" or "2" in reply (marked by bot/nlu/option_reply.py) replays the chosen meaning
as if the worker had said it plainly, so the right answer or form follows at once."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SlotSet, UserUttered, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_signals import misses_in_a_row
from actions.crisis_guard import crisis_first
from actions.escalation import REASON_NOT_UNDERSTOOD, hand_to_person
from actions.topics import phrase_for

NOT_UNDERSTOOD_LEAD = "抱歉，我还是没能理解您的问题，已请工作人员跟进。也可以直接拨打12351职工服务热线（北京以外请拨010-12351）。"
PENDING_SLOT = "clarify_pending"
OPTION_KEY = "option_choice"


def likeliest_labels(latest_message: Dict[Text, Any], limit: int = 2) -> List[Text]:
    """The most likely meanings a worker can be asked about, `faq` expanded into its topics.

    Prefers the calibrated `label_ranking` (bot/nlu/confidence_calibrator.py); older models
    only give the intent ranking and the FAQ topic ranking."""
    candidates = [r.get("name") for r in latest_message.get("label_ranking") or []]
    if not candidates:
        faq_ranking = ((latest_message.get("response_selector") or {}).get("faq") or {}).get("ranking") or []
        faq_topics = [r.get("intent_response_key") for r in faq_ranking]
        for ranked in latest_message.get("intent_ranking") or []:
            name = ranked.get("name")
            candidates.extend(faq_topics[:limit] if name == "faq" else [name])
    labels: List[Text] = []
    for label in candidates:
        if label and phrase_for(label) and label not in labels:
            labels.append(label)
    return labels[:limit]


def likeliest_topics(latest_message: Dict[Text, Any], limit: int = 2) -> List[Text]:
    return [phrase_for(label) for label in likeliest_labels(latest_message, limit)]


def rephrase_text(suggestions: List[Text]) -> Text:
    if len(suggestions) >= 2:
        hint = (f"您是想问哪一个？\n1. {suggestions[0]}\n2. {suggestions[1]}\n"
                "回复1或2；都不是的话，换个说法再说一遍。")
    elif suggestions:
        hint = f"您是想问“{suggestions[0]}”吗？是的话回复1，不是的话换个说法再说一遍。"
    else:
        hint = "能换个说法再说一遍吗？比如“老板欠工资怎么办”。"
    return "抱歉，我没太明白您的意思。" + hint


def replayed_parse(label: Text, text: Text, entities: List[Dict[Text, Any]]) -> Dict[Text, Any]:
    """The parse the worker's earlier message would have had, had its meaning been clear."""
    if label.startswith("faq/"):
        response = {"intent_response_key": label, "utter_action": f"utter_{label}", "confidence": 1.0, "responses": []}
        return {"text": text, "intent": {"name": "faq", "confidence": 1.0}, "entities": entities,
                "intent_ranking": [{"name": "faq", "confidence": 1.0}],
                "response_selector": {"faq": {"response": response,
                                              "ranking": [{"intent_response_key": label, "confidence": 1.0}]}}}
    return {"text": text, "intent": {"name": label, "confidence": 1.0}, "entities": entities,
            "intent_ranking": [{"name": label, "confidence": 1.0}]}


def chosen_label(tracker: Tracker) -> Optional[Text]:
    choice = tracker.latest_message.get(OPTION_KEY)
    pending = tracker.get_slot(PENDING_SLOT) or {}
    options = pending.get("options") or []
    if isinstance(choice, int) and 1 <= choice <= len(options):
        return options[choice - 1]
    return None


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        crisis = await crisis_first(dispatcher, tracker)
        if crisis is not None:
            return crisis
        label = chosen_label(tracker)
        if label:
            return self._replay(tracker, label)
        if misses_in_a_row(tracker.events) >= 2:
            return await hand_to_person(dispatcher, tracker, REASON_NOT_UNDERSTOOD, lead=NOT_UNDERSTOOD_LEAD)
        labels = likeliest_labels(tracker.latest_message)
        dispatcher.utter_message(text=rephrase_text([phrase_for(label) for label in labels]))
        latest = tracker.latest_message
        pending = {"options": labels, "text": latest.get("text") or "", "entities": latest.get("entities") or []}
        return [SlotSet(PENDING_SLOT, pending if labels else None)]

    @staticmethod
    def _replay(tracker: Tracker, label: Text) -> List[Dict[Text, Any]]:
        pending = tracker.get_slot(PENDING_SLOT) or {}
        text = pending.get("text") or tracker.latest_message.get("text") or ""
        parse = replayed_parse(label, text, pending.get("entities") or [])
        # Drop the "1" and answer the earlier message with its meaning now settled.
        return [UserUtteranceReverted(), ActionExecuted("action_listen"),
                UserUttered(text, parse_data=parse), SlotSet(PENDING_SLOT, None)]
