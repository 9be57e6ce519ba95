"""One captured worker message: the stream record's fields (the contract) and how a turn's
Rasa events become one record.

## The stream contract (read by the NLU inbox and by the insight pages)
Stream key: `RedisKeys.capture_stream()` (`gh:capture:messages` with the default prefix),
trimmed with `XADD MAXLEN ~ CAPTURE_STREAM_MAXLEN`. Stream ids are Redis' own (milliseconds
of the write); use `ts` for the time of the message. One entry per worker message; every
field is a string:

| field | meaning |
|---|---|
| `v` | record format version, `1` |
| `mid` | Rasa's `message_id` of the user message (unique per message; a reader may dedupe on it) |
| `ts` | Unix seconds (float) when Rasa received the message |
| `channel` | Rasa `input_channel`: `wechat`, `hotline`, `rest`, … (`""` when unknown) |
| `sender` | pseudonym of the conversation, `s:` + 16 hex of HMAC-SHA256 (key derived from `WECHAT_SECRET`); never the OpenID |
| `group` | 16 hex: SHA-256 of the folded text (simplified, half-width, lower case, letters and digits; bot/capture/grouping.py); equal for messages that are one training example |
| `text` | the message as Rasa read it, phone/ID-card/bank-card digits masked with `*` (bot/capture/masking.py; same length as the original) |
| `intent` | the predicted label: the top of `ranking` (never `nlu_fallback`; `faq` expanded to `faq/<topic>`); `nlu_fallback` only when the parse had no ranking at all |
| `confidence` | confidence of that label (calibrated `label_ranking` when present), `0.0000`–`1.0000` |
| `ranking` | JSON list of the top 3 labels `[{"name": "faq/wage_arrears", "confidence": 0.81}, …]` |
| `response_key` | the FAQ response key (retrieval intent) when the message was an FAQ, e.g. `faq/wage_arrears`, else `""` |
| `entities` | JSON list `[{"entity", "value", "start", "end"}]`, values masked like `text`; offsets index `text` |
| `crisis` | `1` when the crisis detector raised an alarm on the message (bot/nlu/crisis_override.py; `intent` is then `report_emergency`), else `0` |
| `fallback` | `1` when the fallback fired (the parse was `nlu_fallback` or a fallback action ran), else `0` |
| `reply` | what the bot said in this turn, bot messages joined with a newline, masked like `text` (`""` when silent, e.g. paused for staff) |
| `actions` | JSON list of the actions the bot ran in this turn, in order (without `action_listen`) |
| `complete` | `1` when the turn ended normally (`action_listen`), `0` when it was cut short (paused, error, next message came first) |

Not captured: Rasa commands (`/intent…`: menu clicks and follows; a worker's typed `/` is
already turned into `／` by the channel, so commands never come from typing).
"""
from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Dict, List, Optional

from bot.capture.grouping import group_key
from bot.capture.masking import mask
from bot.nlu.evaluation import FALLBACK, confidence_of, label_of

VERSION = "1"
FIELDS = ("v", "mid", "ts", "channel", "sender", "group", "text", "intent", "confidence", "ranking", "response_key",
          "entities", "fallback", "crisis", "reply", "actions", "complete")
FALLBACK_ACTIONS = {"action_fallback", "action_default_fallback", "action_two_stage_fallback"}
LISTEN = "action_listen"
TOP = 3


def pseudonym_key(secret: str) -> bytes:
    """The key of sender pseudonyms, derived from a deployment secret (never stored)."""
    return hmac.new(secret.encode("utf-8"), b"12351 capture pseudonyms", hashlib.sha256).digest()


def pseudonym(key: bytes, sender_id: str) -> str:
    return "s:" + hmac.new(key, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def ranking_of(parse: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The top labels, FAQ topics expanded: the calibrated `label_ranking` when the pipeline
    gives one, else the intent ranking with `faq` replaced by its selected topic."""
    labels = parse.get("label_ranking") or []
    if not labels:
        faq = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        labels = [{**r, "name": faq.get("intent_response_key") or "faq"} if r.get("name") == "faq" else r
                  for r in parse.get("intent_ranking") or []]
    ranked = [r for r in labels if r.get("name") and r.get("name") != FALLBACK]
    # A component after the calibrator may have decided (CrisisOverride sets report_emergency):
    # the intent the bot acted on leads, whatever the calibrated ranking said.
    final = parse.get("intent") or {}
    if final.get("name") not in (None, "", FALLBACK, "faq") and (not ranked or ranked[0]["name"] != final["name"]):
        ranked = [{"name": final["name"], "confidence": final.get("confidence")},
                  *(r for r in ranked if r["name"] != final["name"])]
    return [{"name": r["name"], "confidence": round(float(r.get("confidence") or 0.0), 4)} for r in ranked[:TOP]]


def _response_key(parse: Dict[str, Any]) -> str:
    faq = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    return faq.get("intent_response_key") or ""


def _entities(parse: Dict[str, Any]) -> List[Dict[str, Any]]:
    found, seen = [], set()
    for entity in parse.get("entities") or []:
        span = (entity.get("entity"), entity.get("start"), entity.get("end"))
        if span in seen:
            continue  # a regex and a lookup may report the same span
        seen.add(span)
        found.append({"entity": entity.get("entity"), "value": mask(str(entity.get("value", ""))),
                      "start": entity.get("start"), "end": entity.get("end")})
    return found


class PendingTurn:
    """A user message waiting for the rest of its turn (the bot's replies and actions)."""

    def __init__(self, sender: str, event: Dict[str, Any]):
        parse = event.get("parse_data") or {}
        ranking = ranking_of(parse)
        label, fell_back = label_of(parse)
        # The prediction is the top of the same ranking the confidence comes from.
        label = ranking[0]["name"] if ranking else label
        self.fields: Dict[str, str] = {
            "v": VERSION,
            "mid": str(event.get("message_id") or ""),
            "ts": f"{float(event.get('timestamp') or 0.0):.3f}",
            "channel": str(event.get("input_channel") or ""),
            "sender": sender,
            "text": mask(event.get("text") or ""),
            "intent": label,
            "confidence": f"{ranking[0]['confidence'] if ranking else confidence_of(parse):.4f}",
            "ranking": json.dumps(ranking, ensure_ascii=False),
            "response_key": _response_key(parse) if label.startswith("faq/") else "",
            "entities": json.dumps(_entities(parse), ensure_ascii=False),
            "crisis": "1" if parse.get("crisis") else "0",
        }
        # Folding (OpenCC) costs ~0.3 ms once here, instead of on every inbox page view.
        self.fields["group"] = group_key(self.fields["text"])
        self.fell_back = fell_back
        self.replies: List[str] = []
        self.actions: List[str] = []

    def finish(self, complete: bool) -> Dict[str, str]:
        fallback = self.fell_back or bool(FALLBACK_ACTIONS.intersection(self.actions))
        return {**self.fields, "fallback": "1" if fallback else "0", "reply": mask("\n".join(self.replies)),
                "actions": json.dumps(self.actions), "complete": "1" if complete else "0"}


def is_worker_message(event: Dict[str, Any]) -> bool:
    """A user event a worker typed or spoke. Not: Rasa commands (menu clicks, follows), nor
    user events an action returns (the clarifying question replays the worker's earlier
    message as a new user event, without a message id: it is not a new message)."""
    text = (event.get("text") or "").lstrip()
    return (event.get("event") == "user" and bool(event.get("message_id")) and bool(text)
            and not text.startswith("/"))


class TurnAssembler:
    """Rasa's events of every conversation in, finished records out (pure, no I/O).

    A record starts at a worker's user event, collects the bot's texts and actions, and is
    finished at `action_listen`. A turn that stops without it (a paused conversation, an
    error) is finished by `flush()` — the broker calls it once the tracker store has
    published the turn's events — or by the conversation's next user event.
    """

    def __init__(self, key: bytes):
        self._key = key
        self._pending: Dict[str, PendingTurn] = {}

    def feed(self, event: Dict[str, Any]) -> List[Dict[str, str]]:
        sender_id = str(event.get("sender_id") or "")
        kind = event.get("event")
        finished: List[Dict[str, str]] = []
        if kind == "user" and event.get("message_id"):
            # A new message from outside: whatever was still open for this conversation ends.
            if sender_id in self._pending:
                finished.append(self._pending.pop(sender_id).finish(complete=False))
            if is_worker_message(event):
                self._pending[sender_id] = PendingTurn(pseudonym(self._key, sender_id), event)
            return finished
        turn = self._pending.get(sender_id)
        if turn is None:
            return finished
        if kind == "bot" and event.get("text"):
            turn.replies.append(str(event["text"]))
        elif kind == "action" and event.get("name"):
            if event["name"] == LISTEN:
                finished.append(self._pending.pop(sender_id).finish(complete=True))
            else:
                turn.actions.append(str(event["name"]))
        return finished

    def flush(self) -> List[Dict[str, str]]:
        finished = [turn.finish(complete=False) for turn in self._pending.values()]
        self._pending.clear()
        return finished

    @property
    def pending(self) -> int:
        return len(self._pending)


def decode(fields: Dict[str, str]) -> Dict[str, Any]:
    """A stream entry's fields as Python values (what readers work with)."""
    return {
        **{name: fields.get(name, "") for name in FIELDS},
        "ts": float(fields.get("ts") or 0.0),
        "confidence": float(fields.get("confidence") or 0.0),
        "ranking": _json_list(fields.get("ranking")),
        "entities": _json_list(fields.get("entities")),
        "actions": _json_list(fields.get("actions")),
        "fallback": fields.get("fallback") == "1",
        "crisis": fields.get("crisis") == "1",
        "complete": fields.get("complete") == "1",
    }


def _json_list(raw: Optional[str]) -> list:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []
