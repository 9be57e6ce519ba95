"""A worker on WeChat, for end-to-end tests: talks to a running Stack through the simulator's
signed, encrypted XML, and reads answers the way the worker would see them (passively, or
later as customer-service messages when a turn was slow)."""
from __future__ import annotations

import asyncio
import uuid

import aiohttp

from bot.settings import DEV_WECHAT
from channels.wechat_sim.official_account import OfficialAccountClient

TOKEN, APPID, AES_KEY = DEV_WECHAT["WECHAT_TOKEN"], DEV_WECHAT["WECHAT_APPID"], DEV_WECHAT["WECHAT_AES_KEY"]


def new_openid() -> str:
    return f"o_{uuid.uuid4().hex[:12]}"


def account_client(stack, aes_key=AES_KEY, **options) -> OfficialAccountClient:
    """The official account's side of the simulator, pointed at this stack's webhook."""
    return OfficialAccountClient(stack.webhook_url, TOKEN, APPID, aes_key, **options)


async def sent_to(stack, openid: str) -> list:
    """Every customer-service message the account sent this worker, oldest first."""
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{stack.simulator_url}/_sim/messages", params={"touser": openid}) as response:
            return [m["content"] for m in (await response.json())["messages"]]


# ~30 s: a slow turn's answer arrives as a customer-service message within the passive deadline
# plus one Rasa turn on a loaded machine.
LATE_POLLS, POLL_SECONDS = 150, 0.2


async def answer_to(stack, openid: str, result, sent_before: int) -> str:
    """What the worker saw for one request: the passive reply, else the customer-service
    messages sent after `sent_before` (a slow turn answers that way)."""
    assert result.status == 200, result.error
    if result.reply and result.reply.get("Content"):
        return result.reply["Content"]
    for _ in range(LATE_POLLS):
        sent = await sent_to(stack, openid)
        if len(sent) > sent_before:
            return "\n".join(sent[sent_before:])
        await asyncio.sleep(POLL_SECONDS)
    return ""


class Worker:
    def __init__(self, stack):
        self.stack = stack
        self.simulator_url = stack.simulator_url
        self.openid = new_openid()
        self.wechat = account_client(stack)

    async def says(self, text: str, expect_answer: bool = True) -> str:
        """The bot's answer, passive or (on a slow turn) sent later as a customer-service message."""
        before = len(await self.sent())
        result = await self.wechat.send_text(self.openid, text)
        if not expect_answer:
            assert result.status == 200, result.error
            return result.reply["Content"] if result.reply else ""
        return await answer_to(self.stack, self.openid, result, before)

    async def sent(self) -> list:
        return await sent_to(self.stack, self.openid)

    async def close(self):
        await self.wechat.close()
