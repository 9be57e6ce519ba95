"""What the conversation so far says about the worker (no Rasa imports, plain event dicts)."""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional

from bot.appeals.phones import normalize_mobile
from bot.nlu.text_normalization import normalize

ANGER_WORDS = ("气死", "妈的", "他妈", "操", "垃圾", "废物", "没用", "什么破", "破玩意", "滚", "骗子", "忽悠",
               "有病", "去死", "狗屁", "傻", "恶心", "受够了", "烦死", "😡", "🤬", "💢")
_SHOUTING = re.compile(r"[!?！？]{3,}")
SUSTAINED_ANGER_TURNS = 3
FALLBACK_INTENT = "nlu_fallback"


def user_events(events: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [e for e in events if e.get("event") == "user"]


def worker_phone(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The mobile number the worker's channel vouches for (a caller ID: `metadata.worker_phone`);
    None for none or a landline (appeals record mobile numbers only)."""
    latest = (user_events(events) or [{}])[-1]
    phone = (latest.get("metadata") or {}).get("worker_phone")
    return normalize_mobile(phone) if isinstance(phone, str) else None


def whole_message(events: Iterable[Dict[str, Any]], text: Optional[str]) -> str:
    """What the worker actually wrote in the latest message, when `text` is that message.

    Channels hand the bot a capped text (head and tail) of a very long message and keep the
    whole in the message's metadata (`metadata.<channel>.full_text`): appeals get the whole.
    """
    text = text or ""
    latest = (user_events(events) or [{}])[-1]
    if latest.get("text") != text:
        return text
    for channel_data in (latest.get("metadata") or {}).values():
        if isinstance(channel_data, dict) and isinstance(channel_data.get("full_text"), str):
            return channel_data["full_text"]
    return text


def is_angry(text: Optional[str]) -> bool:
    raw = text or ""
    folded = normalize(raw)
    return any(word in folded for word in ANGER_WORDS) or bool(_SHOUTING.search(raw))


def sustained_anger(events: Iterable[Dict[str, Any]]) -> bool:
    """The last few messages in a row were all angry."""
    recent = user_events(events)[-SUSTAINED_ANGER_TURNS:]
    return len(recent) == SUSTAINED_ANGER_TURNS and all(is_angry(e.get("text")) for e in recent)


def misses_in_a_row(events: Iterable[Dict[str, Any]]) -> int:
    """How many of the latest user messages, counting back, fell below the NLU threshold."""
    misses = 0
    for event in reversed(user_events(events)):
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != FALLBACK_INTENT:
            break
        misses += 1
    return misses


def last_faq_topic(events: Iterable[Dict[str, Any]], lookback: int = 6) -> Optional[str]:
    """The FAQ topic most recently discussed (from the ResponseSelector), if any."""
    for event in reversed(user_events(events)[-lookback:]):
        topic = faq_topic(event.get("parse_data") or {})
        if topic:
            return topic
    return None


def faq_topic(parse: Dict[str, Any], min_confidence: float = 0.5) -> Optional[str]:
    """The FAQ topic of a parse when it is at least this sure of it.

    With the calibrated pipeline, sureness is that of the whole parse (`label_ranking`:
    P(faq) × P(topic)), not the ResponseSelector's alone: the selector always names some topic,
    even for "我要反映情况", and that guess must not become an appeal's category.
    """
    response = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    key = response.get("intent_response_key") or ""
    if not key.startswith("faq/"):
        return None
    confidence = response.get("confidence") or 0
    labels = parse.get("label_ranking")
    if labels is not None:
        confidence = next((label.get("confidence") or 0 for label in labels if label.get("name") == key), 0.0)
    return key.split("/", 1)[1] if confidence >= min_confidence else None
