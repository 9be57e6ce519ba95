"""How long each kind of queue item may wait (SLA), in one place, and how its countdown reads.

A conversation handed to a person must be taken over (接管) within the time of its type;
once taken it has met that target and shows no countdown. An appeal must leave its current
step by its due time (bot/appeals/status.STEP_LIMIT, a quarter of it when urgent): that
due time is the appeal's deadline, the same one that makes it 督办.
"""
from __future__ import annotations

from typing import Optional

from bot.console.presentation import span

MINUTE = 60

# Queue item types, as the filter and the page name them.
EMERGENCY, HANDOVER, SYSTEM_BUSY, APPEAL = "emergency", "handover", "system_busy", "appeal"
TYPE_LABELS = {EMERGENCY: "紧急求助", HANDOVER: "转人工", SYSTEM_BUSY: "系统故障跟进", APPEAL: "诉求"}

# Seconds from the escalation until someone must have taken the conversation over.
CONVERSATION_SLA = {
    EMERGENCY: 5 * MINUTE,
    HANDOVER: 15 * MINUTE,
    SYSTEM_BUSY: 30 * MINUTE,
}

# The escalation reason that marks a follow-up after a failure (bot/follow_up.py).
REASON_SYSTEM_BUSY = "system_busy"


def conversation_type(reason: Optional[str], priority: str) -> str:
    if priority == "emergency" or reason == "emergency":
        return EMERGENCY
    if reason == REASON_SYSTEM_BUSY:
        return SYSTEM_BUSY
    return HANDOVER


def appeal_type(emergency: bool) -> str:
    return EMERGENCY if emergency else APPEAL


def conversation_deadline(kind: str, since: float, taken: bool) -> Optional[float]:
    """When a person must have taken the conversation over; None once someone has."""
    return None if taken else since + CONVERSATION_SLA[kind]


def countdown(deadline: Optional[float], now: float) -> str:
    """"剩 12 分钟", "已超时 3 小时 5 分", "" without a deadline. The page's script recomputes
    the same text every minute (static/work.js), so keep the two wordings in step."""
    if deadline is None:
        return ""
    left = deadline - now
    if left > 0:
        return f"剩 {span(left)}" if left >= MINUTE else "剩不到 1 分钟"
    return f"已超时 {span(-left)}" if -left >= MINUTE else "已超时"


def is_overdue(deadline: Optional[float], now: float) -> bool:
    return deadline is not None and now > deadline
