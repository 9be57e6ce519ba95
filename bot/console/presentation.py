"""How values read on screen: Beijing times, waiting times, and Chinese labels for the
stores' English codes (statuses, categories, queues, escalation reasons)."""
from __future__ import annotations

import time
from datetime import datetime
from typing import Optional

from bot.appeals import CATEGORY_LABELS, queue_label
from bot.appeals.status import parse_status
from bot.appeals.tickets import beijing

BEIJING = beijing()

REASON_LABELS = {
    "worker asked for a person": "职工要求转人工",
    "the bot failed to understand twice in a row": "机器人连续两次没听懂",
    "sustained anger": "职工情绪激动",
    "emergency": "紧急情况",
    "staff took over": "工作人员主动接管",
    "system_busy": "系统故障未能答复，请跟进",
}
PRIORITY_LABELS = {"emergency": "紧急", "urgent": "加急", "normal": "普通"}
STATE_LABELS = {"waiting": "等待接管", "taken": "已接管"}


def bjtime(epoch: Optional[float], fmt: str = "%Y-%m-%d %H:%M") -> str:
    if not epoch:
        return ""
    return datetime.fromtimestamp(float(epoch), BEIJING).strftime(fmt)


def waited(epoch: Optional[float], now: Optional[float] = None) -> str:
    """"不到 1 分钟", "12 分钟", "3 小时 5 分", "2 天 4 小时"."""
    if not epoch:
        return ""
    seconds = max(0, int((time.time() if now is None else now) - float(epoch)))
    return "不到 1 分钟" if seconds < 60 else span(seconds)


def span(seconds: float) -> str:
    """A duration of at least a minute: "12 分钟", "3 小时 5 分", "2 天 4 小时"."""
    minutes = max(1, int(seconds // 60))
    if minutes < 60:
        return f"{minutes} 分钟"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} 小时 {minutes} 分" if minutes else f"{hours} 小时"
    days, hours = divmod(hours, 24)
    return f"{days} 天 {hours} 小时" if hours else f"{days} 天"


def status_label(value) -> str:
    try:
        return parse_status(value).label
    except ValueError:
        return str(value or "")


def category_label(value: Optional[str]) -> str:
    return CATEGORY_LABELS.get(value or "", value or "")


def reason_label(reason: Optional[str]) -> str:
    return REASON_LABELS.get(reason or "", reason or "")


def actor_label(actor: Optional[str]) -> str:
    """History actors: "staff:wang" → "wang", "worker:…" → "职工"."""
    if not actor:
        return ""
    if actor.startswith("staff:"):
        return actor[len("staff:"):]
    if actor.startswith("worker:"):
        return "职工本人"
    return actor


FILTERS = {
    "bjtime": bjtime,
    "waited": waited,
    "status_label": status_label,
    "category_label": category_label,
    "queue_label": queue_label,
    "reason_label": reason_label,
    "priority_label": lambda value: PRIORITY_LABELS.get(value, value),
    "state_label": lambda value: STATE_LABELS.get(value, value),
    "actor_label": actor_label,
}
