"""The gateway balances across the RASA_WORKERS Rasa servers: round robin, a server that
refuses the connection is skipped (the request goes to the next one, and the refusal is
remembered for a moment), a request dropped in the middle is never sent a second time, and
only when no server answers does the gateway answer by itself."""
from __future__ import annotations

import asyncio
from typing import List

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

from bot.gateway.app import init_app
from bot.gateway.upstreams import Upstreams
from bot.redis_server import free_port
from bot.settings import Settings
from tests.integration.stack import free_ports


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


A, B, C = URL("http://127.0.0.1:1"), URL("http://127.0.0.1:2"), URL("http://127.0.0.1:3")


def test_round_robin_starts_each_request_at_the_next_server():
    upstreams = Upstreams([A, B, C], clock=Clock())
    assert [upstreams.order()[0] for _ in range(6)] == [A, B, C, A, B, C]
    assert upstreams.order() == [A, B, C] and upstreams.order() == [B, C, A]


def test_a_refusing_server_goes_last_for_a_moment_then_gets_its_turn_again():
    clock = Clock()
    upstreams = Upstreams([A, B], down_memory=2.0, clock=clock)
    upstreams.refused(A)
    assert [upstreams.order() for _ in range(2)] == [[B, A], [B, A]], "tried last, never dropped"
    assert upstreams.down() == [A]
    clock.now += 2.1
    assert [upstreams.order()[0] for _ in range(2)] == [A, B], "after the memory it is tried in turn"
    upstreams.refused(B)
    upstreams.answered(B)
    assert upstreams.down() == []


class Rasa:
    """Stands in for one Rasa server: counts what reached it; `drop` closes the connection
    without answering, as a Rasa killed in the middle of a turn does."""

    def __init__(self, name: str):
        self.name, self.seen, self.drop = name, 0, False

    async def handle(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        self.seen += 1
        if self.drop:
            request.transport.close()
            await asyncio.sleep(1)
        return web.json_response({"server": self.name})


async def serve(rasa: Rasa, port: int) -> web.AppRunner:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", rasa.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def serve_gateway(app: web.Application) -> tuple:
    port = free_port()
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.from_env({"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
                              "FOLLOW_UP_SPOOL": str(tmp_path / "spool.jsonl")})


async def statuses(base: str, count: int) -> List[tuple]:
    found = []
    async with aiohttp.ClientSession() as http:
        for _ in range(count):
            async with http.get(f"{base}/status") as answer:
                found.append((answer.status, (await answer.json()).get("server")))
    return found


async def test_requests_are_shared_between_the_rasa_servers_of_the_settings(tmp_path):
    first, second = free_ports(2)
    settings = Settings.from_env({"RASA_INTERNAL_PORT": str(first), "RASA_WORKERS": "2",
                                  "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
                                  "FOLLOW_UP_SPOOL": str(tmp_path / "spool.jsonl")})
    servers = [Rasa("0"), Rasa("1")]
    runners = [await serve(servers[0], first), await serve(servers[1], second)]
    gateway, base = await serve_gateway(init_app(settings))
    try:
        found = await statuses(base, 6)
    finally:
        await gateway.cleanup()
        for runner in runners:
            await runner.cleanup()
    assert [status for status, _ in found] == [200] * 6
    assert (servers[0].seen, servers[1].seen) == (3, 3)


async def test_a_killed_server_is_skipped_and_every_request_gets_a_real_answer(tmp_path):
    """Rasa server 0 is down (its port refuses): with two servers, the gateway's own 503 (its
    'Rasa is unavailable' answer) must never be what a request gets while server 1 is up."""
    dead, live = free_ports(2)
    settings = Settings.from_env({"RASA_INTERNAL_PORT": str(dead), "RASA_WORKERS": "2",
                                  "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
                                  "FOLLOW_UP_SPOOL": str(tmp_path / "spool.jsonl")})
    alive = Rasa("1")
    runner = await serve(alive, live)
    gateway, base = await serve_gateway(init_app(settings))
    try:
        found = await statuses(base, 5)
        assert gateway.app["gateway"].upstreams.down() == [URL(f"http://127.0.0.1:{dead}")]
    finally:
        await gateway.cleanup()
        await runner.cleanup()
    assert found == [(200, "1")] * 5 and alive.seen == 5


async def test_a_server_that_comes_back_gets_its_share_again(settings):
    ports = free_ports(2)
    servers = [Rasa("0"), Rasa("1")]
    late = await serve(servers[1], ports[1])
    upstreams = [URL(f"http://127.0.0.1:{port}") for port in ports]
    gateway, base = await serve_gateway(init_app(settings, upstreams))
    gateway.app["gateway"].upstreams._down_memory = 0.2
    try:
        await statuses(base, 4)
        assert servers[0].seen == 0
        back = await serve(servers[0], ports[0])
        await asyncio.sleep(0.3)
        await statuses(base, 4)
        await back.cleanup()
    finally:
        await gateway.cleanup()
        await late.cleanup()
    assert servers[0].seen >= 1, "the restarted server is used again within moments"


async def test_a_request_dropped_mid_way_is_not_sent_again(settings):
    """A server killed while it holds a request may have run part of the turn: the request is
    not replayed on another server (the channel's standby answers it instead; for Rasa's API,
    503)."""
    ports = free_ports(2)
    servers = [Rasa("0"), Rasa("1")]
    servers[0].drop = True
    runners = [await serve(servers[0], ports[0]), await serve(servers[1], ports[1])]
    upstreams = [URL(f"http://127.0.0.1:{port}") for port in ports]
    gateway, base = await serve_gateway(init_app(settings, upstreams))
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/conversations/o1/tracker/events", data=b"{}") as answer:
                status = answer.status
    finally:
        await gateway.cleanup()
        for runner in runners:
            await runner.cleanup()
    assert status == 503
    assert (servers[0].seen, servers[1].seen) == (1, 0), "sent once, to the server that dropped it"


async def test_when_every_server_refuses_the_gateway_answers_itself(settings):
    upstreams = [URL(f"http://127.0.0.1:{port}") for port in free_ports(3)]
    gateway, base = await serve_gateway(init_app(settings, upstreams))
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/status") as answer:
                status, body = answer.status, await answer.json()
        assert len(gateway.app["gateway"].upstreams.down()) == 3
    finally:
        await gateway.cleanup()
    assert status == 503 and body["status"] == "unavailable"
