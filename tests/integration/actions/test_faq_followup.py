"""What runs after an FAQ answer (the answer itself is Rasa's utter_faq): nothing for a calm
worker, a person for one angry three messages running."""
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import stores
from actions.escalation import REASON_ANGER
from actions.faq_answer import ActionFaqFollowUp


def tracker_of(*texts):
    events = []
    for text in texts:
        events += [{"event": "user", "text": text, "parse_data": {"text": text}},
                   {"event": "action", "name": "utter_faq"}]
    latest = {"text": texts[-1], "intent": {"name": "faq", "confidence": 0.9}}
    return Tracker("worker-faq", {}, latest, events, False, None, None, "utter_faq")


async def run(tracker):
    dispatcher = CollectingDispatcher()
    events = await ActionFaqFollowUp().run(dispatcher, tracker, {})
    return dispatcher.messages, events


async def test_a_calm_worker_gets_nothing_more_than_the_answer():
    messages, events = await run(tracker_of("加班费怎么算", "那周末呢"))
    assert messages == [] and events == []


async def test_sustained_anger_after_an_answer_hands_the_worker_to_a_person(action_redis):
    messages, events = await run(tracker_of("气死我了！！！", "什么破单位！！！", "加班费到底怎么算！！！"))
    assert len(messages) == 1 and "着急" in messages[0]["text"]
    assert [e["event"] for e in events] == ["pause"]
    assert (await stores.escalations().get("worker-faq")).reason == REASON_ANGER
