"""A conversation as staff read it: the worker's messages with the intent and confidence the
bot saw, the bot's answers, what staff wrote from the console, and pauses and resumes."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Iterable, List, Optional

from bot.console.privacy import mask_text

HIDDEN_NOTE = "（此处对话涉及其他区的诉求，不在您的权限范围内，已隐藏）"
SHOWN = 300  # the most recent items; older ones stay in Rasa's tracker store
# Rasa's bookkeeping, not something the worker said.
HIDDEN_SLOTS = {"requested_slot", "session_started_metadata"}
PHONE_SLOTS = {"phone", "appeal_phone"}


@dataclass
class Item:
    kind: str  # user | bot | staff | system
    at: float
    text: str
    intent: Optional[str] = None
    confidence: Optional[float] = None
    staff: Optional[str] = None
    delivered: Optional[bool] = None

    def to_dict(self) -> dict:
        return asdict(self)


def build(tracker: dict, staff_replies: Iterable[dict], reveal: bool = False) -> List[Item]:
    show = (lambda text: text or "") if reveal else mask_text
    items: List[Item] = []
    for event in tracker.get("events") or []:
        kind, at = event.get("event"), float(event.get("timestamp") or 0)
        if kind == "user":
            name, confidence = understood(event.get("parse_data") or {})
            items.append(Item("user", at, show(event.get("text")), name,
                              round(float(confidence), 3) if confidence is not None else None))
        elif kind == "bot" and event.get("text"):
            items.append(Item("bot", at, show(event.get("text"))))
        elif kind in ("pause", "resume"):
            text = "机器人已暂停（人工服务）" if kind == "pause" else "机器人已恢复"
            # The bot pauses itself when it escalates, and staff pause it again on taking over.
            if not (items and items[-1].kind == "system" and items[-1].text == text):
                items.append(Item("system", at, text))
    for reply in staff_replies:
        items.append(Item("staff", float(reply["at"]), show(reply.get("text")), staff=reply.get("staff"),
                          delivered=reply.get("delivered")))
    items.sort(key=lambda item: item.at)
    return items[-SHOWN:]


def redact(items: List[Item], visible: Callable[[float], bool]) -> List[Item]:
    """`items` (oldest first) without the turns outside the viewer's remit; a turn is judged
    by the time of the worker message that started it, and each hidden run leaves one note."""
    shown: List[Item] = []
    started: Optional[float] = None
    for item in items:
        if item.kind == "user":
            started = item.at
        if visible(item.at if started is None else started):
            shown.append(item)
        elif not (shown and shown[-1].text == HIDDEN_NOTE):
            shown.append(Item("system", item.at, HIDDEN_NOTE))
    return shown


def understood(parse_data: dict) -> tuple:
    """The intent the bot acted on and its confidence; for a retrieval intent (faq) the
    response selector's full key, e.g. faq/wage_arrears, and that key's confidence."""
    intent = parse_data.get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence")
    selected = ((parse_data.get("response_selector") or {}).get(name or "") or {}).get("response") or {}
    if selected.get("intent_response_key"):
        return selected["intent_response_key"], selected.get("confidence", confidence)
    return name, confidence


def slots(tracker: dict, reveal: bool = False) -> dict:
    """The slots that have a value, phone numbers masked unless revealed."""
    found = {}
    for name, value in sorted((tracker.get("slots") or {}).items()):
        if value in (None, [], "", {}) or name in HIDDEN_SLOTS:
            continue
        text = value if isinstance(value, str) else str(value)
        found[name] = text if reveal else mask_text(text)
    return found


def is_paused(tracker: dict) -> bool:
    return bool(tracker.get("paused"))
