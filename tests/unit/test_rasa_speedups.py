"""The compiled response check accepts and refuses exactly what Rasa's own check does, faster."""
from __future__ import annotations

import time

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot import rasa_speedups

GOOD = {"events": [{"event": "slot", "name": "appeal_district", "value": "朝阳区", "timestamp": None}],
        "responses": [{"text": "好的"}]}
BAD = {"events": [{"name": "no event type"}], "responses": []}


def rasa_check(result):
    jsonschema.validate(result, RemoteAction.action_response_format_spec())


def test_same_verdicts_as_rasas_check():
    assert rasa_speedups.validate_action_result(None, GOOD) is True
    rasa_check(GOOD)
    with pytest.raises(jsonschema.ValidationError) as ours:
        rasa_speedups.validate_action_result(None, BAD)
    with pytest.raises(jsonschema.ValidationError) as theirs:
        rasa_check(BAD)
    assert ours.value.message.startswith(theirs.value.message)
    assert "Failed to validate Action server response" in ours.value.message


def test_installed_check_is_much_cheaper_than_rasas():
    rasa_speedups.install()
    action = RemoteAction("action_answer_faq", None)
    started = time.perf_counter()
    for _ in range(20):
        rasa_check(GOOD)
    theirs = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(20):
        action._validate_action_result(GOOD)
    ours = time.perf_counter() - started
    assert ours * 5 < theirs, (ours, theirs)


def rasa_resolve(type_name, default=None):
    """Rasa 3.6's own loop (rasa/shared/core/events.py, Event.resolve_by_type)."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses
    for cls in all_subclasses(Event):
        if cls.type_name == type_name:
            return cls
    if type_name == "topic":
        return None
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def test_event_types_resolve_to_the_same_classes_as_rasas_loop():
    from rasa.shared.core.events import Event, UserUttered
    from rasa.shared.utils.common import all_subclasses
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"user", "bot", "action", "slot", "active_loop", "session_started"} <= names
    for name in names:
        assert rasa_speedups.resolve_event_type(name) is rasa_resolve(name)
    assert rasa_speedups.resolve_event_type("topic") is None
    assert rasa_speedups.resolve_event_type("no_such_event", default=UserUttered) is UserUttered
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        rasa_speedups.resolve_event_type("no_such_event")


def test_an_event_class_defined_later_is_still_found():
    from rasa.shared.core.events import Event
    rasa_speedups.resolve_event_type("user")  # the table exists before the new class

    class LateEvent(Event):
        type_name = "late_event_for_test"

        def __eq__(self, other):
            return isinstance(other, LateEvent)

        def as_story_string(self):
            return None

    assert rasa_speedups.resolve_event_type("late_event_for_test") is LateEvent


def test_installed_events_deserialise_as_before_without_walking_the_class_tree(monkeypatch):
    """Work counted, not timed: after the first lookup a known event type costs no tree walk."""
    from rasa.shared.core.events import Event
    rasa_speedups.install()
    parameters = [{"event": "user", "text": "加班费怎么算", "parse_data": {"intent": {"name": "faq"}}},
                  {"event": "action", "name": "action_listen"}, {"event": "slot", "name": "x", "value": 1}]
    assert [Event.from_parameters(p).type_name for p in parameters] == ["user", "action", "slot"]
    import rasa.shared.utils.common as rasa_common
    walks = []
    real_walk = rasa_common.all_subclasses
    counting = lambda cls: walks.append(cls) or real_walk(cls)  # noqa: E731
    # Rasa's own lookup calls it through its module, ours through its import: count both.
    monkeypatch.setattr(rasa_common, "all_subclasses", counting)
    monkeypatch.setattr(rasa_speedups, "all_subclasses", counting)
    for _ in range(100):
        for p in parameters:
            Event.from_parameters(p)
    assert walks == []
