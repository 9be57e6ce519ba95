"""The appeal form: one plain question at a time, each answer checked with a clear re-ask."""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import stores
from actions.answer_parsing import (
    ANONYMOUS_WORDS, DECLINE_WORDS, UNKNOWN_WORDS, headcount, looks_like_question, mobile_number, says_any,
)
from actions.conversation_signals import faq_topic, last_faq_topic, whole_message
from actions.crisis_guard import reject_form_on_crisis
from actions.form_answers import tracker_answered_slot
from bot.appeals import CATEGORY_LABELS
from bot.appeals.validation import DESCRIPTION_MAX
from bot.districts import canonical_district

FORM_SLOTS = (
    "appeal_category", "appeal_description", "appeal_employer", "appeal_district", "appeal_headcount",
    "appeal_amount", "appeal_phone", "appeal_name", "appeal_consent", "appeal_confirmed",
)
# Appeals about money owed: the form asks how much.
MONEY_CATEGORIES = {"wage_arrears", "overtime_pay", "minimum_wage", "dismissal", "resignation",
                    "labor_contract", "annual_leave", "social_insurance", "work_injury"}
CATEGORY_CHOICES = ("wage_arrears", "work_injury", "dismissal", "social_insurance", "overtime_pay",
                    "labor_contract", "other")
# Intents that interrupt the form rather than answer its question (as in the slot mappings).
NOT_ANSWERS = {"cancel", "report_emergency", "request_human", "check_appeal_status", "help"}
NO_PHONE = "wechat"  # the worker prefers to be reached in WeChat
ANONYMOUS = "匿名"
UNKNOWN = "不详"
LOCATION_FRESH_S = 15 * 60


def reset_form_slots(keep_category: bool = False) -> List[Dict[Text, Any]]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS if not (keep_category and slot == "appeal_category")]


def category_from_answer(text: Text, parse: Dict[Text, Any]) -> Optional[Text]:
    stripped = (text or "").strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(CATEGORY_CHOICES):
        return CATEGORY_CHOICES[int(stripped) - 1]
    for category, label in CATEGORY_LABELS.items():
        if label in stripped:
            return category
    return faq_topic(parse, min_confidence=0.3) or ("other" if stripped else None)


class ValidateAppealForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_appeal_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        # A crisis is never an answer, even when it names a district or a headcount.
        return reject_form_on_crisis(tracker, "appeal_form") or await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        slots = list(domain_slots)
        if tracker.get_slot("appeal_category") not in MONEY_CATEGORIES:
            slots.remove("appeal_amount")
        if tracker.get_slot("appeal_consent") is False:
            # No consent, nothing to confirm: the form ends and the submit action explains.
            slots.remove("appeal_confirmed")
        return slots

    # --- category: from the topic already discussed, else asked -----------------------
    async def extract_appeal_category(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        if tracker.get_slot("appeal_category"):
            return {}
        if tracker.get_slot("requested_slot") == "appeal_category":
            text = tracker.latest_message.get("text")
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            if intent in NOT_ANSWERS or looks_like_question(text):
                return {}  # not an answer: the form steps aside and the question is answered
            return {"appeal_category": category_from_answer(text, tracker.latest_message)}
        topic = faq_topic(tracker.latest_message) or last_faq_topic(tracker.events)
        return {"appeal_category": topic} if topic else {}

    def validate_appeal_category(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"appeal_category": value if value in CATEGORY_LABELS else "other"}

    # --- free-text answers -----------------------------------------------------------
    # The domain's text mappings skip messages classified as FAQ topics; these take such a
    # message when it answers the question just asked (actions/form_answers.py).
    async def extract_appeal_employer(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        return _answer_for(tracker, "appeal_employer")

    async def extract_appeal_district(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        return _answer_for(tracker, "appeal_district")

    async def extract_appeal_headcount(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        return _answer_for(tracker, "appeal_headcount")

    async def extract_appeal_amount(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        return _answer_for(tracker, "appeal_amount")

    async def extract_appeal_phone(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        return _answer_for(tracker, "appeal_phone")

    async def extract_appeal_name(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        return _answer_for(tracker, "appeal_name")

    def validate_appeal_description(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = whole_message(tracker.events, value).strip()
        if len(text) < 4:
            dispatcher.utter_message(text="请再多说几句：发生了什么、从什么时候开始、现在怎么样了。")
            return {"appeal_description": None}
        return {"appeal_description": text[:DESCRIPTION_MAX]}

    def validate_appeal_employer(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = (value or "").strip()
        if says_any(text, UNKNOWN_WORDS):
            return {"appeal_employer": UNKNOWN}
        if not 2 <= len(text) <= 100:
            dispatcher.utter_message(text="请告诉我单位（或老板、包工头、项目）的名称，不知道全称写个简称也行。")
            return {"appeal_employer": None}
        return {"appeal_employer": text}

    async def validate_appeal_district(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        district = canonical_district(value) or await self._shared_location_district(tracker)
        if district:
            return {"appeal_district": district}
        if says_any(value, UNKNOWN_WORDS):
            return {"appeal_district": UNKNOWN}
        dispatcher.utter_message(text="没认出是哪个区。请回复工作地点所在的区，例如：朝阳区、海淀区、丰台区、亦庄（经开区）；也可以发送位置。")
        return {"appeal_district": None}

    @staticmethod
    async def _shared_location_district(tracker: Tracker) -> Optional[Text]:
        location = await stores.wechat_records().location(tracker.sender_id)
        if location and time.time() - float(location.get("at", 0)) < LOCATION_FRESH_S:
            return location.get("district")
        return None

    def validate_appeal_headcount(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if says_any(str(value), UNKNOWN_WORDS):
            return {"appeal_headcount": UNKNOWN}
        count = headcount(str(value))
        if count is None or not 1 <= count <= 100000:
            dispatcher.utter_message(text="请回复一共涉及多少人，例如“就我一个”或“30人左右”。")
            return {"appeal_headcount": None}
        return {"appeal_headcount": str(count)}

    def validate_appeal_amount(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = str(value or "").strip()
        if says_any(text, UNKNOWN_WORDS):
            return {"appeal_amount": UNKNOWN}
        if not text or len(text) > 100:
            dispatcher.utter_message(text="请回复大概的金额，例如“两个月工资一万二”；说不清可以回复“不清楚”。")
            return {"appeal_amount": None}
        return {"appeal_amount": text}

    def validate_appeal_phone(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        number = mobile_number(str(value or ""))
        if number:
            return {"appeal_phone": number}
        if tracker.latest_message.get("intent", {}).get("name") == "deny" or says_any(str(value), DECLINE_WORDS):
            return {"appeal_phone": NO_PHONE}
        dispatcher.utter_message(text="这个号码好像不对。请回复11位手机号（例如13812345678）；不想留电话请回复“不留”，工作人员会在微信里联系您。")
        return {"appeal_phone": None}

    def validate_appeal_name(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = str(value or "").strip()
        if tracker.latest_message.get("intent", {}).get("name") == "deny" or says_any(text, ANONYMOUS_WORDS):
            return {"appeal_name": ANONYMOUS}
        if not 1 <= len(text) <= 20:
            dispatcher.utter_message(text="请回复怎么称呼您（例如“王师傅”），不想留名请回复“匿名”。")
            return {"appeal_name": None}
        return {"appeal_name": text}

    def validate_appeal_consent(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"appeal_consent": bool(value)}

    def validate_appeal_confirmed(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value:
            return {"appeal_confirmed": True}
        dispatcher.utter_message(text="好的，我们重新填写一遍。")
        return {event["name"]: None for event in reset_form_slots(keep_category=True)}


def _answer_for(tracker: Tracker, slot: Text) -> Dict[Text, Any]:
    if tracker_answered_slot(tracker) != slot or tracker.get_slot(slot):
        return {}
    return {slot: tracker.latest_message.get("text")}


def summary(tracker: Tracker) -> Text:
    slot = tracker.get_slot
    phone = slot("appeal_phone")
    lines = [
        f"· 类别：{CATEGORY_LABELS.get(slot('appeal_category') or 'other', '其他')}",
        f"· 情况：{slot('appeal_description')}",
        f"· 单位：{slot('appeal_employer')}",
        f"· 地区：{slot('appeal_district')}",
        f"· 涉及人数：{slot('appeal_headcount')}",
    ]
    if slot("appeal_amount"):
        lines.append(f"· 涉及金额：{slot('appeal_amount')}")
    lines.append(f"· 联系方式：{'微信联系' if phone == NO_PHONE else phone}")
    lines.append(f"· 称呼：{slot('appeal_name')}")
    return "\n".join(lines)


class ActionAskAppealConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_appeal_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        dispatcher.utter_message(text=f"请核对您要反映的内容：\n{summary(tracker)}\n确认提交请回复“是”，需要修改请回复“不对”。")
        return []
