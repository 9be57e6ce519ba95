from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import stores
from actions.escalation import REASON_NOT_UNDERSTOOD
from actions.fallback import PENDING_SLOT, ActionFallback, likeliest_topics

UNSURE_PARSE = {
    "text": "那个钱的事咋弄",
    "intent": {"name": "nlu_fallback", "confidence": 0.45},
    "intent_ranking": [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "faq", "confidence": 0.40},
        {"name": "file_appeal", "confidence": 0.30},
    ],
    "response_selector": {
        "faq": {
            "ranking": [
                {"intent_response_key": "faq/wage_arrears", "confidence": 0.5},
                {"intent_response_key": "faq/overtime_pay", "confidence": 0.3},
            ]
        }
    },
}
SURE_PARSE = {"text": "你好", "intent": {"name": "greet", "confidence": 0.99}}


def user(parse):
    return {"event": "user", "text": parse["text"], "parse_data": parse}


def tracker_with(*parses, slots=None):
    events = []
    for parse in parses:
        events += [user(parse), {"event": "action", "name": "action_listen"}]
    return Tracker("worker-1", slots or {}, parses[-1], events, False, None, None, "action_listen")


async def run(tracker):
    dispatcher = CollectingDispatcher()
    events = await ActionFallback().run(dispatcher, tracker, {})
    return dispatcher.messages, events


def test_suggestions_expand_faq_into_its_likeliest_topics():
    assert likeliest_topics(UNSURE_PARSE) == ["拖欠工资怎么办", "加班费怎么算"]


async def test_first_miss_asks_which_of_two_numbered_meanings():
    messages, events = await run(tracker_with(SURE_PARSE, UNSURE_PARSE))
    assert len(messages) == 1
    text = messages[0]["text"]
    assert "1. 拖欠工资怎么办" in text and "2. 加班费怎么算" in text and "回复1或2" in text
    assert events == [{"event": "slot", "timestamp": None, "name": PENDING_SLOT,
                       "value": {"options": ["faq/wage_arrears", "faq/overtime_pay"], "text": "那个钱的事咋弄",
                                 "entities": []}}]


def test_the_calibrated_label_ranking_is_preferred():
    parse = {**UNSURE_PARSE, "label_ranking": [
        {"name": "greet", "confidence": 0.4},  # never offered back
        {"name": "file_appeal", "confidence": 0.3},
        {"name": "faq/dismissal", "confidence": 0.2},
    ]}
    assert likeliest_topics(parse) == ["向工会反映诉求", "被辞退的补偿"]


CHOICE_2 = {"text": "2", "intent": {"name": "nlu_fallback", "confidence": 0.45}, "option_choice": 2}
PENDING = {PENDING_SLOT: {"options": ["faq/wage_arrears", "faq/overtime_pay"], "text": "那个钱的事咋弄",
                          "entities": []}}


async def test_a_numbered_reply_replays_the_chosen_meaning():
    messages, events = await run(tracker_with(SURE_PARSE, UNSURE_PARSE, CHOICE_2, slots=PENDING))
    assert messages == []
    assert [e["event"] for e in events] == ["rewind", "action", "user", "slot"]
    replayed = events[2]
    assert replayed["text"] == "那个钱的事咋弄"
    assert replayed["parse_data"]["intent"]["name"] == "faq"
    assert replayed["parse_data"]["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/overtime_pay"
    assert events[3]["name"] == PENDING_SLOT and events[3]["value"] is None


async def test_a_number_with_no_question_pending_is_not_understood():
    messages, events = await run(tracker_with(SURE_PARSE, CHOICE_2))
    assert "没太明白" in messages[0]["text"]
    assert events[-1]["value"] is None


async def test_second_miss_in_a_row_hands_the_worker_to_a_person(action_redis):
    messages, events = await run(tracker_with(SURE_PARSE, UNSURE_PARSE, UNSURE_PARSE))
    assert len(messages) == 1
    assert "工作人员跟进" in messages[0]["text"] and "12351" in messages[0]["text"]
    assert [e["event"] for e in events] == ["pause"]
    escalation = await stores.escalations().get("worker-1")
    assert escalation.reason == REASON_NOT_UNDERSTOOD and escalation.state == "waiting"


async def test_a_understood_message_resets_the_count():
    messages, _ = await run(tracker_with(UNSURE_PARSE, SURE_PARSE, UNSURE_PARSE))
    assert "换个说法" in messages[0]["text"]
