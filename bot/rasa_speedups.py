"""Per-turn costs removed from Rasa 3.6's server, found with py-spy
(benchmarks/results/turn_flamegraph.svg, `python -m benchmarks.profile_turn`).

Installed when Rasa imports the tracker store (bot/trackers/store.py), the project's code
that Rasa loads into its server process.

- Every custom-action reply is checked against Rasa's response schema with
  `jsonschema.validate`, which first validates the *schema itself* against the JSON-Schema
  meta-schema: about a quarter of the Rasa process's CPU per turn in the profile. The schema
  is a constant, so it is compiled once here; each reply is still validated in full and a bad
  reply raises the same ValidationError with the same message.
- Every event read from the store is resolved to its class by `Event.resolve_by_type`, which
  walks all of `Event`'s subclasses (with `inspect.isabstract` on each) for every event: 3.7 %
  of the Rasa process's samples under load (benchmarks/results/turn_profile.json). The classes
  are looked up in a table built from the same walk, rebuilt on a miss so an event class
  imported later is still found; the first match wins, as in Rasa's loop.
- Model pulling and loading: bot/rasa_model_pulling.py (its docstring says why), installed
  from here so one hook applies every change to Rasa.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Text, Type

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_validator: Optional[Any] = None


def _response_validator() -> Any:
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        _validator = validator_for(schema)(schema)
    return _validator


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (". Failed to validate Action server response from API, make sure your response from "
                      f"the Action endpoint is valid. For more information about the format visit "
                      f"{DOCS_BASE_URL}/custom-actions")
    raise error


_event_classes: Dict[Text, Type[Event]] = {}


def _event_class(type_name: Text) -> Optional[Type[Event]]:
    if type_name not in _event_classes:
        _event_classes.clear()
        for cls in all_subclasses(Event):
            _event_classes.setdefault(cls.type_name, cls)
    return _event_classes.get(type_name)


def resolve_event_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """`Event.resolve_by_type` with the same answers, without walking the class tree each time."""
    cls = _event_class(type_name)
    if cls is not None:
        return cls
    if type_name == "topic":
        return None  # Rasa's backwards compatibility for old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(resolve_event_type)
    from bot import rasa_model_pulling  # imports TensorFlow: only where Rasa already has

    rasa_model_pulling.install()


__all__ = ["install", "resolve_event_type", "validate_action_result", "ValidationError"]
