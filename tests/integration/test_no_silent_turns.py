"""No worker is left in silence (issue 8, finding 4), against the real stack.

- Redis stops mid-run: the webhook still answers 200 with the calm busy text, the worker is
  spooled locally, and once Redis is back the worker is in the human queue and a retry of the
  same message runs nothing.
- The action server is killed (SIGKILL of its process group, its port then held closed so a
  supervisor's restart cannot bring it back during the test): FAQ answers still arrive, any
  other turn gets the busy text and a queue entry, and a conversation paused by staff stays
  silent.

The stack keeps its own Redis so stopping it disturbs no other test; the action-server test
runs last because it leaves the action server down.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import struct
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import List, Optional

import aiohttp
import pytest
import redis
from redis.asyncio import Redis as AsyncRedis

from bot.escalations import EscalationStore
from bot.follow_up import BUSY_TEXT, REASON_SYSTEM_BUSY
from bot.redis_keys import RedisKeys
from bot.redis_server import free_port, start_redis
from channels.wechat_sim.official_account import WebhookResult
from tests.integration import rasa_tracker
from tests.integration.stack import Stack
from tests.integration.wechat_worker import account_client as client, new_openid as openid

KEYS = RedisKeys("gh:")
PATIENCE_S = 90  # upper bound for eventual outcomes (a loaded 2-core machine); never asserted as a speed


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    """This module's own Redis, in place of the session's: it is stopped mid-run."""
    data_dir, port = tmp_path_factory.mktemp("silent-redis"), free_port()
    server = {"port": port, "dir": data_dir, "process": start_redis(port, data_dir)}
    yield server
    server["process"].terminate()
    server["process"].wait(10)


@pytest.fixture(scope="module")
def spool(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("spool") / "follow-up-spool.jsonl"


@pytest.fixture(scope="module")
def stack(redis_server, spool, model_path, tmp_path_factory):
    env = {"FOLLOW_UP_SPOOL": str(spool)}
    url = f"redis://127.0.0.1:{redis_server['port']}/0"
    running = Stack(url, tmp_path_factory.mktemp("silent") / "launcher.log", env).start()
    yield running
    running.kill()


@pytest.fixture
def store(redis_server):
    return redis.Redis(port=redis_server["port"], decode_responses=True)




async def answer_of(stack, result: WebhookResult, sender: str) -> str:
    """What the worker saw: the passive reply, or (a slow turn) the customer-service message."""
    assert result.ok, result.error
    if result.reply:
        return result.reply["Content"]
    deadline = time.monotonic() + PATIENCE_S
    async with aiohttp.ClientSession(base_url=stack.simulator_url) as simulator:
        while time.monotonic() < deadline:
            async with simulator.get("/_sim/messages", params={"touser": sender}) as response:
                messages = (await response.json())["messages"]
            if messages:
                return "\n".join(m["content"] for m in messages)
            await asyncio.sleep(0.3)
    return ""


def user_texts(stack, sender: str) -> List[str]:
    return rasa_tracker.user_texts(stack.rasa_port, sender, stack.api_token)


def queued(store, sender: str) -> Optional[dict]:
    """The worker's entry in the human queue, read through the store the console uses."""
    async def read():
        client = AsyncRedis(port=store.connection_pool.connection_kwargs["port"], decode_responses=True)
        try:
            waiting = await EscalationStore(client, KEYS).waiting(limit=1000)
        finally:
            await client.close()
        return next((asdict(e) for e in waiting if e.openid == sender), None)
    with ThreadPoolExecutor(1) as thread:  # the tests' own event loop is busy awaiting
        return thread.submit(asyncio.run, read()).result()


def spooled(spool: Path) -> List[dict]:
    files = [spool, spool.with_name(spool.name + ".replaying")]
    return [json.loads(line) for f in files if f.exists() for line in f.read_text().splitlines() if line.strip()]


def wait_until(condition, what: str):
    deadline = time.monotonic() + PATIENCE_S
    while not (value := condition()):
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.3)
    return value


# --- Redis outage ---------------------------------------------------------------------------
async def test_redis_outage_answers_calmly_spools_and_replays_without_running_twice(stack, redis_server, store, spool):
    sender = openid()
    async with client(stack) as wechat:
        before = await wechat.send_text(sender, "加班费怎么算")
        assert "150%" in await answer_of(stack, before, sender)

        redis_server["process"].terminate()
        redis_server["process"].wait(30)
        xml = wechat.message_xml(sender, "text", [("Content", "老板拖欠我三个月工资")], 930001)
        during = await wechat.post_xml(xml, sender)
        retry = await wechat.post_xml(xml, sender)
        other = openid()
        second_worker = await wechat.send_text(other, "单位不给交社保怎么办")

        assert during.status == retry.status == second_worker.status == 200
        assert during.reply["Content"] == retry.reply["Content"] == BUSY_TEXT
        assert second_worker.reply["Content"] == BUSY_TEXT
        entries = spooled(spool)
        assert sorted(e["openid"] for e in entries) == sorted([sender, other]), entries  # the retry added nothing
        assert {e["text"] for e in entries} == {"老板拖欠我三个月工资", "单位不给交社保怎么办"}

        redis_server["process"] = start_redis(redis_server["port"], redis_server["dir"])
        for worker in (sender, other):
            entry = wait_until(lambda: queued(store, worker), f"{worker} in the human queue")
            assert entry["reason"] == REASON_SYSTEM_BUSY
        wait_until(lambda: not spooled(spool), "the spool emptied")

        late_retry = await wechat.post_xml(xml, sender)
        # The bot answers again once its own Redis connections have recovered; a turn before
        # that may get the busy text, never silence.
        replies = []
        for _ in range(3):
            replies.append(await answer_of(stack, await wechat.send_text(sender, "试用期最长多久"), sender))
            if replies[-1] != BUSY_TEXT:
                break

    assert late_retry.ok and late_retry.reply["Content"] == BUSY_TEXT
    assert "老板拖欠我三个月工资" not in user_texts(stack, sender)  # the bot never ran on it, not even late
    assert all(replies) and "试用期" in replies[-1], replies
    assert user_texts(stack, sender).count("试用期最长多久") == 1  # failed turns ran nothing
    assert queued(store, sender)["excerpt"] == "老板拖欠我三个月工资"


# --- the action server down (last: it leaves the action server down) -----------------------
async def test_action_server_down_faq_still_answered_other_turns_busy_and_queued(stack, store):
    paused = openid()
    await pause_conversation(stack, paused)
    holder = PortHolder(stack.action_port)
    try:
        kill_process_group_listening_on(stack.action_port)
        holder.hold()
        faq_worker, other_worker = openid(), openid()
        async with client(stack) as wechat:
            faq = await answer_of(stack, await wechat.send_text(faq_worker, "加班费怎么算"), faq_worker)
            other = await answer_of(stack, await wechat.send_text(other_worker, "我要转人工"), other_worker)
            silent = await wechat.send_text(paused, "你好，还在吗")
    finally:
        holder.release()
    assert stack.process.poll() is None, "the launcher stopped the whole stack when the action server died (finding 3)"
    assert holder.refused > 0  # the bot really called the dead action server
    assert "150%" in faq and BUSY_TEXT not in faq
    assert other == BUSY_TEXT
    assert queued(store, other_worker)["reason"] == REASON_SYSTEM_BUSY
    assert queued(store, faq_worker) is None
    assert silent.ok and silent.reply is None  # paused by staff: silence is right
    assert queued(store, paused) is None


async def pause_conversation(stack, sender: str) -> None:
    url = f"http://127.0.0.1:{stack.rasa_port}/conversations/{sender}/tracker/events"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, params={"token": stack.api_token}, json=[{"event": "pause"}]) as response:
            assert response.status == 200, await response.text()


def kill_process_group_listening_on(port: int) -> None:
    pid = wait_until(lambda: listening_pid(port), f"a process listening on {port}")
    group = os.getpgid(pid)
    assert group != os.getpgid(0), "refusing to kill the test's own process group"
    os.killpg(group, signal.SIGKILL)


def listening_pid(port: int) -> Optional[int]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}").removeprefix("socket:[").rstrip("]") in inodes:
                    return int(pid)
        except OSError:
            continue
    return None


class PortHolder:
    """Keeps a port unreachable: listens on it and resets every connection at once, so the
    action server cannot come back on it (a supervisor may try) while the test runs."""

    def __init__(self, port: int):
        self.port = port
        self.refused = 0
        self._socket: Optional[socket.socket] = None
        self._stop = threading.Event()

    def hold(self) -> None:
        def bound() -> Optional[socket.socket]:
            candidate = socket.socket()
            candidate.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                candidate.bind(("127.0.0.1", self.port))
                candidate.listen(16)
                return candidate
            except OSError:
                candidate.close()
                kill_process_group_listening_on(self.port) if listening_pid(self.port) else None
                return None

        self._socket = wait_until(bound, f"port {self.port} free to hold")
        self._socket.settimeout(0.2)
        threading.Thread(target=self._reset_connections, daemon=True).start()

    def _reset_connections(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except (socket.timeout, OSError):
                continue
            self.refused += 1
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()

    def release(self) -> None:
        self._stop.set()
        if self._socket is not None:
            self._socket.close()
