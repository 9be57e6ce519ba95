"""The submit action files only what the worker confirmed, and calls a refusal only a refusal.

A form turn that fails (the action server or Redis down mid-turn) loses its events, and Rasa
may predict the submit action straight after a worker's first "我要投诉…": the fault benchmark
saw a worker told "没有您的同意…不会提交" although nobody had asked for consent."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import stores
from actions.submit_appeal import NO_CONSENT, ActionSubmitAppeal


def tracker(**slots) -> Tracker:
    parse = {"text": "我要投诉我们老板拖欠工资", "intent": {"name": "file_appeal", "confidence": 0.99}}
    return Tracker("worker-9", {"appeal_category": "wage_arrears", **slots}, parse,
                   [{"event": "user", "text": parse["text"], "parse_data": parse}], False, None, {}, "appeal_form")


async def submit(t: Tracker):
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitAppeal().run(dispatcher, t, {})
    return [m.get("text") for m in dispatcher.messages], events


async def test_a_form_that_never_ended_is_no_refusal(action_redis):
    for slots in ({}, {"appeal_consent": True}):  # consent never asked; asked but no read-back
        texts, events = await submit(tracker(**slots))
        assert texts == [] and events == []  # silent: the channel answers busy and queues a follow-up
    assert await stores.appeals().list(openid="worker-9") == []


async def test_a_refusal_is_told_and_the_form_cleared(action_redis):
    texts, events = await submit(tracker(appeal_consent=False))
    assert texts == [NO_CONSENT]
    assert {"event": "slot", "timestamp": None, "name": "appeal_category", "value": None} in events
    assert await stores.appeals().list(openid="worker-9") == []
