"""A crisis written while the bot is paused still reaches a person at once.

While a worker waits for staff (or talks with them), Rasa pauses the conversation and runs no
action, so neither the emergency rule nor the actions' own check sees the message. A worker
queued at 22:00 with "normal" priority who then writes 我不想活了 must not wait for the next
working day: any channel calls `respond_to_paused_crisis` when the bot said nothing, and a
crisis moves the worker to the front of the queue (priority emergency), raises an alert for
the console, and is answered with the help lines (the domain's `utter_emergency`).
"""
from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import Optional

import yaml

from bot.escalations import EscalationStore
from bot.nlu.crisis import detect

DOMAIN_FILE = Path(__file__).resolve().parent / "domain" / "appeals.yml"
REASON = "emergency"
STAFF_ARE_TOLD = "\n已通知工作人员优先处理，请保持手机畅通。"


@functools.lru_cache(maxsize=1)
def help_lines() -> str:
    """The worker-facing help lines, from the domain (one source for every channel)."""
    responses = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["responses"]
    return responses["utter_emergency"][0]["text"]


async def respond_to_paused_crisis(escalations: EscalationStore, openid: str, text: Optional[str]) -> Optional[str]:
    """The answer to a crisis sent while the worker is with (or waiting for) a person, else None.

    `text` is the whole message; reading it takes time in proportion to its length, so it is
    read off the event loop that serves every worker."""
    finding = await asyncio.get_running_loop().run_in_executor(None, detect, text)
    if not finding.is_crisis:
        return None
    current = await escalations.get(openid)
    if current is None:
        return None  # the bot is not paused: the NLU and the actions handle the crisis
    await escalations.escalate(openid, REASON, "emergency", current.ticket_id, excerpt=text)
    await escalations.alert(openid, text or "", current.ticket_id, finding.evidence)
    return help_lines() + STAFF_ARE_TOLD
