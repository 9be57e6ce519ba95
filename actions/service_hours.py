"""When union staff answer, and what to tell a worker who is waiting for one (no Rasa imports)."""
from __future__ import annotations

import datetime as dt
from typing import Optional
from bot.appeals.tickets import beijing

BEIJING = beijing()
OPENS, CLOSES = dt.time(9, 0), dt.time(17, 0)

IN_HOURS = "已为您转接工作人员，请稍候，工作人员会在这里直接回复您（一般30分钟内）。"
OUT_OF_HOURS = (
    "现在是非工作时间（人工服务：工作日9:00–17:00）。您的留言已记录，工作人员将在下一个工作日上班后尽快在这里回复您。"
    "如遇危险请立即拨打110（急救120）。"
)


def staffed(now: Optional[dt.datetime] = None) -> bool:
    now = (now or dt.datetime.now(BEIJING)).astimezone(BEIJING)
    return now.weekday() < 5 and OPENS <= now.time() < CLOSES


def waiting_message(now: Optional[dt.datetime] = None) -> str:
    return IN_HOURS if staffed(now) else OUT_OF_HOURS
