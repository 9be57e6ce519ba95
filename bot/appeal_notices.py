"""Tell a worker, by whichever channel they came, when staff move their appeal along.

The texts live here, in the core; each channel only delivers them (bot/worker_channels.py).
When an appeal is resolved, the Rasa API runs `action_ask_satisfaction` in the worker's
conversation, so the worker's next message is read as the 回访 rating.
"""
from __future__ import annotations

import logging
from typing import Optional

import aiohttp

from bot.appeals import Appeal, Status, queue_label
from bot.worker_channels import WorkerChannels

logger = logging.getLogger(__name__)

NOTICES = {
    Status.ASSIGNED: "您的诉求{ticket}有新进展：已派单至{owner}，工作人员会尽快联系您。",
    Status.IN_PROGRESS: "您的诉求{ticket}有新进展：{owner}正在办理。",
    Status.RESOLVED: "您的诉求{ticket}已办结（{owner}）。",
    Status.CANCELLED: "您的诉求{ticket}已撤回。如需帮助，随时回复“反映诉求”重新登记。",
    Status.MERGED: "您的诉求{ticket}已合并办理。",
}
ASK_SATISFACTION = "action_ask_satisfaction"


def notice_text(appeal: Appeal) -> Optional[str]:
    template = NOTICES.get(Status(appeal.status))
    if template is None:
        return None
    text = template.format(ticket=appeal.ticket_id, owner=queue_label(appeal.queue))
    note = appeal.history[-1].note if appeal.history else ""
    return f"{text}\n办理情况：{note}" if note else text


class AppealNotifier:
    def __init__(self, channels: WorkerChannels, rasa_url: str, api_token: str):
        self._channels = channels
        self._rasa_url = rasa_url.rstrip("/")
        self._token = api_token

    async def notify(self, appeal: Appeal) -> bool:
        """True when the notice reached the worker now; False when it waits for their next contact."""
        text = notice_text(appeal)
        channel = self._channels.of_appeal(appeal)
        # An appeal staff filed for a caller has no conversation (openid), only a phone: its
        # channel still keeps the notice for the caller's next call and the call-back list.
        if not text or channel is None or not (appeal.openid or appeal.phone):
            return False
        delivered = await channel.tell_about_appeal(appeal, text)
        if Status(appeal.status) is Status.RESOLVED and channel.asks_satisfaction and appeal.openid:
            await self._ask_satisfaction(appeal.openid, channel.name)
        return delivered

    async def _ask_satisfaction(self, worker_id: str, channel: str) -> None:
        url = f"{self._rasa_url}/conversations/{worker_id}/execute"
        params = {"token": self._token, "output_channel": channel}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
            async with http.post(url, params=params, json={"name": ASK_SATISFACTION}) as response:
                if response.status != 200:
                    logger.warning("satisfaction question not started: HTTP %s", response.status)
