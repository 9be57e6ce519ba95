"""The webhook gateway (bot/gateway) in front of a stand-in upstream: a request goes through
unchanged and its answer comes back unchanged; when the upstream cannot answer, Rasa's API
gets 503 and the channels' webhooks are answered by the gateway (signatures checked first).
No Redis here: with Redis out of reach the hotline's follow-up goes to the local spool."""
from __future__ import annotations

import asyncio
import gzip
import json
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

from bot.follow_up_spool import FollowUpSpool
from bot.gateway.app import init_app
from bot.redis_server import free_port
from bot.settings import DEV_HOTLINE_SECRET, DEV_WECHAT, Settings
from channels.hotline import prompts
from channels.hotline.security import signed_headers
from channels.hotline.standby import WEBHOOK_PATH as HOTLINE_PATH
from channels.wechat.security import sign
from channels.wechat.standby import WEBHOOK_PATH as WECHAT_PATH, message_timeout

TOKEN = DEV_WECHAT["WECHAT_TOKEN"]


class Upstream:
    """Stands in for the Rasa server: records what reached it, answers what a test sets."""

    def __init__(self):
        self.seen = []
        self.delay = 0.0

    async def handle(self, request: web.Request) -> web.Response:
        self.seen.append({"method": request.method, "path_qs": request.raw_path, "headers": dict(request.headers),
                          "body": await request.read()})
        await asyncio.sleep(self.delay)
        body = gzip.compress(b'{"ok": true}')
        return web.Response(status=207, body=body, headers={"Content-Type": "application/json",
                                                            "Content-Encoding": "gzip", "X-Rasa": "1"})


async def serve(app: web.Application, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


@pytest.fixture
def settings(tmp_path) -> Settings:
    # Redis on a port nobody listens on: the gateway must answer without it.
    return Settings.from_env({"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
                              "FOLLOW_UP_SPOOL": str(tmp_path / "spool.jsonl"),
                              "WECHAT_REPLY_DEADLINE": "1.0", "HOTLINE_TURN_DEADLINE": "0.5"})


async def gateway_over(settings, upstream_port: int):
    port = free_port()
    runner = await serve(init_app(settings, URL(f"http://127.0.0.1:{upstream_port}")), port)
    return runner, f"http://127.0.0.1:{port}"


async def test_a_request_and_its_answer_pass_unchanged(settings):
    upstream, upstream_port = Upstream(), free_port()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", upstream.handle)
    rasa = await serve(app, upstream_port)
    runner, base = await gateway_over(settings, upstream_port)
    try:
        async with aiohttp.ClientSession(auto_decompress=False) as http:
            async with http.put(f"{base}/conversations/o%2Fx/tracker/events?token=abc&a=1&a=2",
                                data=b"\x00raw body", headers={"X-Custom": "v", "Authorization": "Bearer t"}) as answer:
                status, headers, body = answer.status, answer.headers, await answer.read()
    finally:
        await runner.cleanup()
        await rasa.cleanup()
    seen = upstream.seen[0]
    assert seen["method"] == "PUT" and seen["path_qs"] == "/conversations/o%2Fx/tracker/events?token=abc&a=1&a=2"
    assert seen["body"] == b"\x00raw body"
    assert seen["headers"]["X-Custom"] == "v" and seen["headers"]["Authorization"] == "Bearer t"
    assert status == 207 and headers["X-Rasa"] == "1" and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == b'{"ok": true}', "the answer's bytes come back as Rasa wrote them"


async def test_rasa_api_gets_503_when_rasa_is_down_or_late(settings):
    runner, base = await gateway_over(settings, free_port())  # nothing listens there: refused
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/status") as answer:
                assert answer.status == 503 and (await answer.json())["status"] == "unavailable"
            async with http.get(f"{base}/_gateway/health") as answer:
                assert answer.status == 200, "the gateway's own health does not depend on Rasa"
    finally:
        await runner.cleanup()


async def test_a_late_wechat_answer_is_not_waited_for_past_the_deadline(settings):
    upstream, upstream_port = Upstream(), free_port()
    upstream.delay = 10
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", upstream.handle)
    rasa = await serve(app, upstream_port)
    runner, base = await gateway_over(settings, upstream_port)
    timestamp, nonce = str(int(time.time())), "n1"
    params = {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, "echostr": "e42"}
    try:
        async with aiohttp.ClientSession() as http:
            began = time.monotonic()
            async with http.get(f"{base}{WECHAT_PATH}", params=params) as answer:
                assert (answer.status, await answer.text()) == (200, "e42")
            assert time.monotonic() - began < 4.5
    finally:
        await runner.cleanup()
        await rasa.cleanup()


async def test_wechat_url_check_while_rasa_is_down(settings):
    runner, base = await gateway_over(settings, free_port())
    timestamp, nonce = str(int(time.time())), "n2"
    good = {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, "echostr": "e7"}
    stale = str(int(time.time()) - 3600)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}{WECHAT_PATH}", params=good) as answer:
                assert (answer.status, await answer.text()) == (200, "e7")
            async with http.get(f"{base}{WECHAT_PATH}", params={**good, "signature": "0" * 40}) as answer:
                assert answer.status == 403
            async with http.get(f"{base}{WECHAT_PATH}", params={**good, "timestamp": stale,
                                                                 "signature": sign(TOKEN, stale, nonce)}) as answer:
                assert answer.status == 403, "a stale URL stays refused"
    finally:
        await runner.cleanup()


async def test_hotline_turn_while_rasa_is_down_is_transferred(settings):
    runner, base = await gateway_over(settings, free_port())
    turn = json.dumps({"call_id": "c-outage-1", "seq": 1, "event": "speech", "caller": "13900001111",
                       "callee": "12351", "text": "公司拖欠工资", "confidence": 0.9}).encode()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}{HOTLINE_PATH}", data=turn,
                                 headers=signed_headers(DEV_HOTLINE_SECRET, turn)) as answer:
                status, actions = answer.status, (await answer.json())["actions"]
            forged = signed_headers("x" * 32, turn)
            async with http.post(f"{base}{HOTLINE_PATH}", data=turn, headers=forged) as answer:
                forged_status = answer.status
            async with http.post(f"{base}{HOTLINE_PATH}", data=b"{}",
                                 headers=signed_headers(DEV_HOTLINE_SECRET, b"{}")) as answer:
                malformed_status = answer.status
    finally:
        await runner.cleanup()
    assert status == 200
    assert actions[0] == {"type": "say", "text": prompts.BUSY, "barge_in": True}
    assert actions[-1]["type"] == "transfer" and actions[-1]["reason"] == "system_busy"
    assert (forged_status, malformed_status) == (403, 400)
    spooled = FollowUpSpool(settings.follow_up_spool)
    assert spooled.contains("hotline:c-outage-1:1"), "Redis down as well: the caller is kept in the spool"


def test_how_long_a_wechat_message_waits_for_rasa():
    assert message_timeout(Settings.from_env({})) == pytest.approx(4.5)  # 4 s deadline + margin, under 5
    assert message_timeout(Settings.from_env({"WECHAT_REPLY_DEADLINE": "4.5"})) == 4.6
    assert message_timeout(Settings.from_env({"WECHAT_REPLY_DEADLINE": "0"})) == 1.0


async def test_every_channel_brings_its_standby_routes(settings):
    runner, _ = await gateway_over(settings, free_port())
    try:
        routes = runner.app["gateway"].routes
    finally:
        await runner.cleanup()
    assert set(routes) == {("GET", WECHAT_PATH), ("POST", WECHAT_PATH), ("POST", HOTLINE_PATH)}
    assert routes[("POST", HOTLINE_PATH)].timeout == pytest.approx(settings.hotline_turn_deadline + 0.5)
