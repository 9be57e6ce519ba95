"""When the bot is slower than the deadline: `success` at once, the answer as a
customer-service message, the typing indicator, token refresh, and quota errors that never
lose the text. The deadline is set to 0 so every turn takes this path."""
from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from channels.wechat_sim.official_account import OfficialAccountClient
from tests.integration.stack import Stack
from tests.integration.wechat_worker import AES_KEY, APPID, TOKEN, new_openid as openid



@pytest.fixture(scope="module")
def stack(redis_server, model_path, tmp_path_factory):
    env = {"WECHAT_REPLY_DEADLINE": "0", "KEY_PREFIX": "slow:"}
    running = Stack(redis_server["url"], tmp_path_factory.mktemp("slow") / "launcher.log", env).start()
    yield running
    running.kill()


@pytest.fixture
async def simulator(stack):
    async with aiohttp.ClientSession(base_url=stack.simulator_url) as http:
        yield http


async def cs_messages(simulator, touser: str, expected: int, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while True:
        async with simulator.get("/_sim/messages", params={"touser": touser}) as response:
            messages = (await response.json())["messages"]
        if len(messages) >= expected or time.monotonic() > deadline:
            return messages
        await asyncio.sleep(0.2)


async def calls(simulator):
    async with simulator.get("/_sim/calls") as response:
        return await response.json()


MSG_ID = 24681357902468135


async def user_turns(stack, sender: str) -> int:
    """How many user messages Rasa recorded for `sender`, read through Rasa's HTTP API."""
    url = f"http://127.0.0.1:{stack.rasa_port}/conversations/{sender}/tracker"
    async with aiohttp.ClientSession() as http:
        async with http.get(url, params={"token": stack.api_token}) as response:
            assert response.status == 200, await response.text()
            events = (await response.json())["events"]
    return sum(1 for event in events if event["event"] == "user")



async def test_slow_turn_answers_success_then_customer_service_message(stack, simulator, redis_server):
    sender = openid()
    typing_before = (await calls(simulator))["typing"]
    async with OfficialAccountClient(stack.webhook_url, TOKEN, APPID, AES_KEY) as wechat:
        started = time.monotonic()
        result = await wechat.send_text(sender, "年假有几天", msg_id=MSG_ID)
        elapsed = time.monotonic() - started
        assert result.status == 200 and result.body == b"success" and elapsed < 1.0
        messages = await cs_messages(simulator, sender, 1)
        assert len(messages) == 1
        assert "年休假" in messages[0]["content"] or "年假" in messages[0]["content"]
        assert (await calls(simulator))["typing"] == typing_before + 1
        # WeChat retries a message it got `success` for only on timeouts, but a retry may still
        # come: the same MsgId is `success` again and runs nothing again.
        retry = await wechat.send_text(sender, "年假有几天", msg_id=MSG_ID)
    assert retry.status == 200 and retry.body == b"success"
    await asyncio.sleep(2)  # time enough for a wrongly repeated turn to reach the simulator
    assert len(await cs_messages(simulator, sender, 2, timeout=0)) == 1
    assert await user_turns(stack, sender) == 1


async def test_expired_token_is_refreshed_once_and_the_message_still_arrives(stack, simulator):
    sender = openid()
    async with simulator.post("/_sim/expire_tokens") as response:
        assert response.status == 200
    async with OfficialAccountClient(stack.webhook_url, TOKEN, APPID, AES_KEY) as wechat:
        await wechat.send_text(sender, "最低工资多少")
    messages = await cs_messages(simulator, sender, 1)
    assert "2540" in messages[0]["content"]


async def test_quota_error_keeps_the_text_for_the_next_message(stack, simulator):
    sender = openid()
    async with simulator.post("/_sim/fail", json={"api": "custom_send", "errcode": 45047, "times": 1}) as response:
        assert response.status == 200
    async with OfficialAccountClient(stack.webhook_url, TOKEN, APPID, AES_KEY) as wechat:
        await wechat.send_text(sender, "加班费怎么算")
        await asyncio.sleep(3)
        assert await cs_messages(simulator, sender, 1, timeout=2) == []  # refused by the quota
        await wechat.send_text(sender, "谢谢")
    messages = await cs_messages(simulator, sender, 1)
    combined = "\n".join(m["content"] for m in messages)
    assert "150%" in combined and "不客气" in combined  # the kept answer came with the next reply
