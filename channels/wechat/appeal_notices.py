"""Tell a worker in WeChat when staff move their appeal along.

The notice goes as a customer-service message when WeChat allows one; otherwise the outbox
keeps it and it is delivered with the reply to the worker's next message. When an appeal is
resolved, the Rasa API runs `action_ask_satisfaction` in the worker's conversation, so the
worker's next message is read as the 回访 rating.
"""
from __future__ import annotations

import logging
from typing import Optional

import aiohttp

from bot.appeals import Appeal, Status, queue_label
from channels.wechat.runtime import ChannelRuntime

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
    def __init__(self, runtime: ChannelRuntime, rasa_url: str, api_token: str):
        self._runtime = runtime
        self._rasa_url = rasa_url.rstrip("/")
        self._token = api_token

    async def notify(self, appeal: Appeal) -> bool:
        """True when the notice reached WeChat now; False when it waits for the worker's next message."""
        text = notice_text(appeal)
        if not text or not appeal.openid:
            return False
        delivered = await self._runtime.outbox.send(appeal.openid, text)
        if Status(appeal.status) is Status.RESOLVED:
            await self._ask_satisfaction(appeal.openid)
        return delivered

    async def _ask_satisfaction(self, openid: str) -> None:
        url = f"{self._rasa_url}/conversations/{openid}/execute"
        params = {"token": self._token, "output_channel": "wechat"}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
            async with http.post(url, params=params, json={"name": ASK_SATISFACTION}) as response:
                if response.status != 200:
                    logger.warning("satisfaction question not started: HTTP %s", response.status)
