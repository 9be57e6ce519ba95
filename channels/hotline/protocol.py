"""The hotline's outer protocol (shared/spec/contracts.md, "The hotline channel"): the IVR's
turn (parsed and validated, pure) and the actions of the answer."""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

EVENTS = ("start", "speech", "dtmf", "no_input", "hangup", "transfer_failed")
CALL_ID = re.compile(r"[A-Za-z0-9._:\-]{1,80}")
NUMBER = re.compile(r"\+?[0-9]{0,20}")
DIGITS = re.compile(r"[0-9*#]{1,32}")
TEXT_MAX = 500
NBEST_MAX = 5
GATHER_TIMEOUT_MS = 5000


class MalformedTurn(Exception):
    """The body is not a turn this protocol knows: 400, nothing runs."""


@dataclass(frozen=True)
class Turn:
    call_id: str
    seq: int
    event: str
    caller: str = ""
    callee: str = ""
    text: str = ""
    confidence: float = 1.0
    nbest: Tuple[Tuple[str, float], ...] = ()
    digits: str = ""


def parse_turn(body: bytes) -> Turn:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise MalformedTurn("body is not UTF-8 JSON") from None
    if not isinstance(data, dict):
        raise MalformedTurn("body is not a JSON object")
    call_id, seq, event = data.get("call_id"), data.get("seq"), data.get("event")
    if not isinstance(call_id, str) or not CALL_ID.fullmatch(call_id):
        raise MalformedTurn("call_id")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < 10 ** 6:
        raise MalformedTurn("seq")
    if event not in EVENTS:
        raise MalformedTurn("event")
    caller, callee = _number(data.get("caller", ""), "caller"), _number(data.get("callee", ""), "callee")
    text, confidence, nbest, digits = "", 1.0, (), ""
    if event == "speech":
        text = _text(data.get("text"))
        confidence = _confidence(data.get("confidence", 1.0))
        nbest = _nbest(data.get("nbest", []))
    if event == "dtmf":
        digits = data.get("digits")
        if not isinstance(digits, str) or not DIGITS.fullmatch(digits):
            raise MalformedTurn("digits")
    return Turn(call_id, seq, event, caller, callee, text, confidence, nbest, digits)


def _number(value: Any, name: str) -> str:
    if not isinstance(value, str) or not NUMBER.fullmatch(value):
        raise MalformedTurn(name)
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or len(value) > TEXT_MAX:
        raise MalformedTurn("text")
    return value.strip()


def _confidence(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0 <= value <= 1:
        raise MalformedTurn("confidence")
    return float(value)


def _nbest(value: Any) -> Tuple[Tuple[str, float], ...]:
    if not isinstance(value, list) or len(value) > NBEST_MAX:
        raise MalformedTurn("nbest")
    alternatives = []
    for item in value:
        if not isinstance(item, dict):
            raise MalformedTurn("nbest")
        alternatives.append((_text(item.get("text")), _confidence(item.get("confidence", 0.0))))
    return tuple(alternatives)


# --- the answer's actions ---------------------------------------------------------------------
def say(text: str, barge_in: bool = True) -> Dict[str, Any]:
    return {"type": "say", "text": text, "barge_in": barge_in}


def gather(digits_only: bool = False, timeout_ms: int = GATHER_TIMEOUT_MS, max_digits: int = 1,
           hints: Optional[List[str]] = None) -> Dict[str, Any]:
    action: Dict[str, Any] = {"type": "gather", "input": ["dtmf"] if digits_only else ["speech", "dtmf"],
                              "timeout_ms": timeout_ms, "max_digits": max_digits}
    if hints:
        action["hints"] = hints
    return action


def transfer(queue: str, reason: str, context_url: str) -> Dict[str, Any]:
    return {"type": "transfer", "queue": queue, "reason": reason, "context_url": context_url}


def hangup() -> Dict[str, Any]:
    return {"type": "hangup"}


FINAL = ("gather", "transfer", "hangup")


def well_ended(actions: List[Dict[str, Any]], event: str) -> bool:
    """The contract: every answer except to `hangup` ends with a gather, a transfer or a hangup."""
    return event == "hangup" or bool(actions) and actions[-1]["type"] in FINAL
