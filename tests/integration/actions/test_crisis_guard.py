"""The action layer's own crisis check, with a real Redis: even when the classifier says
something else (an older model, a form, a rule), the action that answers a crisis message
gives the help lines, files an urgent appeal, raises an alert and queues a person — once."""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import stores
from actions.appeal_form import ValidateAppealForm
from actions.appeal_status import ActionCheckAppealStatus
from actions.escalation import ActionEscalate
from actions.faq_answer import ActionAnswerFaq
from actions.fallback import ActionFallback
from actions.satisfaction import ValidateSatisfactionForm
from actions.submit_appeal import ActionCancelAppeal

CRISIS = "活着没意思 欠的钱也要不回来"


def tracker(text: str, intent: str, active_loop=None, requested_slot=None, extra_events=()) -> Tracker:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.99},
             "response_selector": {"faq": {"response": {"intent_response_key": "faq/wage_arrears", "confidence": 0.99}}}}
    events = [{"event": "user", "text": text, "parse_data": parse}, *extra_events]
    slots = {"requested_slot": requested_slot}
    loop = {"name": active_loop} if active_loop else {}
    return Tracker("worker-1", slots, parse, events, False, None, loop, "action_listen")


async def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    return dispatcher.messages, events


@pytest.mark.parametrize("action, intent", [
    (ActionAnswerFaq(), "faq"),  # the wage-arrears FAQ the worker used to get
    (ActionFallback(), "nlu_fallback"),
    (ActionCheckAppealStatus(), "check_appeal_status"),
    (ActionEscalate(), "request_human"),
    (ActionCancelAppeal(), "cancel"),
])
async def test_an_action_answering_a_crisis_gives_help_and_a_person(action_redis, action, intent):
    messages, events = await run(action, tracker(CRISIS, intent))
    assert messages[0].get("response") == "utter_emergency"
    assert any("紧急诉求" in (m.get("text") or "") for m in messages)
    assert "pause" in [e["event"] for e in events]
    escalation = await stores.escalations().get("worker-1")
    assert escalation.priority == "emergency" and escalation.reason == "emergency" and escalation.ticket_id
    [appeal] = await stores.appeals().list(openid="worker-1")
    assert appeal.emergency
    alerts = await stores.escalations().alerts()
    assert alerts and alerts[0]["openid"] == "worker-1" and alerts[0]["crisis_terms"]


async def test_a_crisis_in_a_form_stops_the_form(action_redis):
    _, events = await run(ActionFallback(), tracker(CRISIS, "nlu_fallback", active_loop="appeal_form",
                                                    requested_slot="appeal_district"))
    assert {"event": "active_loop", "name": None, "timestamp": None} in events


async def test_the_emergency_is_handled_once_per_message(action_redis):
    handled = [{"event": "action", "name": "action_handle_emergency"}]
    messages, events = await run(ActionAnswerFaq(), tracker(CRISIS, "report_emergency", extra_events=handled))
    assert messages[0].get("response") == "utter_faq/wage_arrears" and events == []
    assert await stores.escalations().get("worker-1") is None


@pytest.mark.parametrize("validator, form", [(ValidateAppealForm(), "appeal_form"),
                                             (ValidateSatisfactionForm(), "satisfaction_form")])
async def test_a_form_never_takes_a_crisis_as_an_answer(validator, form):
    # "朝阳" would fill the district; the form is rejected so the emergency rule answers instead.
    t = tracker("朝阳那个工地塌了 两个工友被埋在下面", "faq", active_loop=form, requested_slot="appeal_district")
    _, events = await run(validator, t)
    assert events == [{"event": "action_execution_rejected", "name": form, "policy": None, "confidence": None,
                       "timestamp": None}]


async def test_an_ordinary_question_is_answered_as_before(action_redis):
    messages, events = await run(ActionAnswerFaq(), tracker("工伤死亡赔偿金怎么算", "faq"))
    assert messages[0].get("response") == "utter_faq/wage_arrears" and events == []
    assert await stores.escalations().get("worker-1") is None
