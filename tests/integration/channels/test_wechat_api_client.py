"""The WeChat API client against the local simulator (a fake of WeChat) and a real Redis."""
import asyncio
import uuid

import pytest
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from bot.redis_keys import RedisKeys
from channels.wechat.api_client import WeChatApiClient, WeChatApiError
from channels.wechat.menu import load_menu
from channels.wechat.outbox import Outbox
from channels.wechat_sim.api_server import SIM_STATE, create_app

APPID, SECRET = "wxtest00000000001", "secret-for-tests-0001"


@pytest.fixture
async def wechat():
    app = create_app(APPID, SECRET)
    server = TestServer(app)
    await server.start_server()
    yield server, app[SIM_STATE]
    await server.close()


@pytest.fixture
async def redis(redis_server):
    client = Redis.from_url(redis_server["url"], decode_responses=True)
    yield client
    await client.close()


def client_for(server, redis, keys) -> WeChatApiClient:
    return WeChatApiClient(str(server.make_url("")).rstrip("/"), APPID, SECRET, redis, keys)


async def calls(server):
    import aiohttp
    async with aiohttp.ClientSession() as http:
        async with http.get(server.make_url("/_sim/calls")) as response:
            return await response.json()


async def test_one_shared_token_for_concurrent_callers(wechat, redis):
    server, _ = wechat
    keys = RedisKeys(f"t{uuid.uuid4().hex[:8]}:")
    clients = [client_for(server, redis, keys) for _ in range(5)]  # as if five processes
    tokens = await asyncio.gather(*(c.access_token() for c in clients))
    assert len(set(tokens)) == 1 and (await calls(server))["stable_token"] == 1
    await asyncio.gather(*(c.close() for c in clients))


async def test_an_expired_token_is_refreshed_once_and_the_call_retried(wechat, redis):
    server, state = wechat
    api = client_for(server, redis, RedisKeys(f"t{uuid.uuid4().hex[:8]}:"))
    await api.send_text("o_worker", "第一条")
    state.expire_tokens()
    await api.send_text("o_worker", "第二条")
    assert [m["content"] for m in state.messages] == ["第一条", "第二条"]
    assert (await calls(server))["stable_token"] == 2
    await api.close()


async def test_errors_surface_with_their_code_and_typing_refusals_are_not_errors(wechat, redis):
    server, state = wechat
    api = client_for(server, redis, RedisKeys(f"t{uuid.uuid4().hex[:8]}:"))
    state.inject("custom_send", 45015, 1)
    with pytest.raises(WeChatApiError) as raised:
        await api.send_text("o_worker", "窗口外")
    assert raised.value.errcode == 45015
    state.inject("typing", 45081, 1)
    assert await api.typing("o_worker") is False
    assert await api.typing("o_worker") is True
    await api.close()


async def test_outbox_keeps_refused_text_in_order(wechat, redis):
    server, state = wechat
    keys = RedisKeys(f"t{uuid.uuid4().hex[:8]}:")
    api = client_for(server, redis, keys)
    outbox = Outbox(api, redis, keys)
    state.inject("custom_send", 45047, 1)
    long_text = "\n".join(f"第{i}段：" + "字" * 300 for i in range(6))  # > 2048 bytes: two parts
    assert await outbox.send("o_worker", long_text) is False
    kept = await outbox.take_undelivered("o_worker")
    assert "\n".join(kept) == long_text and await outbox.take_undelivered("o_worker") == []
    await api.close()


async def test_menu_in_the_repository_is_accepted_by_wechat(wechat, redis):
    server, state = wechat
    api = client_for(server, redis, RedisKeys(f"t{uuid.uuid4().hex[:8]}:"))
    await api.create_menu(load_menu())
    assert state.menu == load_menu()
    await api.close()


async def test_media_download(wechat, redis):
    server, _ = wechat
    api = client_for(server, redis, RedisKeys(f"t{uuid.uuid4().hex[:8]}:"))
    body, content_type = await api.download_media("sim-image-1")
    assert body and content_type.startswith("image/")
    with pytest.raises(WeChatApiError) as raised:
        await api.download_media("no-such-media")
    assert raised.value.errcode == 40007
    await api.close()
