"""Per-turn costs removed from Rasa 3.6's server, found with py-spy
(benchmarks/results/turn_flamegraph.svg, `python -m benchmarks.profile_turn`).

Installed when Rasa imports the tracker store (bot/trackers/store.py), the project's code
that Rasa loads into its server process.

- Every custom-action reply is checked against Rasa's response schema with
  `jsonschema.validate`, which first validates the *schema itself* against the JSON-Schema
  meta-schema: about a quarter of the Rasa process's CPU per turn in the profile. The schema
  is a constant, so it is compiled once here; each reply is still validated in full and a bad
  reply raises the same ValidationError with the same message.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

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


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result


__all__ = ["install", "validate_action_result", "ValidationError"]
