"""`make run`'s launcher with the real services (2 Rasa servers, as in production): internal
services on loopback only, the action server closed without its token, no token on any command
line, a loud development warning; kill -9 of one Rasa server → the other answers every next
message at once while the killed one restarts, and a turn in flight on the killed one is
answered (busy text, human queue) once, its retries running nothing; kill -9 of every Rasa
server and of the action server → restarted (a new process answers), no orphan left, the bot
answers again; while no Rasa is up the webhook gateway answers every genuine WeChat message and
hotline turn by itself (busy text and the human queue; a transfer) and refuses forged ones
(403); Ctrl-C empties every process group."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List

import aiohttp
import pytest

from bot.escalations import EscalationStore
from bot.follow_up import BUSY_TEXT, REASON_SYSTEM_BUSY
from bot.redis_keys import RedisKeys
from bot.settings import DEV_HOTLINE_SECRET
from channels.hotline.security import signed_headers
from redis.asyncio import Redis
from tests.integration import rasa_tracker
from tests.integration.stack import Stack
from channels.wechat_sim.official_account import OfficialAccountClient
from tests.integration.wechat_worker import AES_KEY, APPID, TOKEN, account_client, answer_to, new_openid, sent_to

RESTART_LIMIT = 900  # seconds: a Rasa restart loads TensorFlow and the model on 2 shared cores
RASA_SERVERS = ("rasa-0", "rasa-1")
SERVICES = ("simulator", "actions", *RASA_SERVERS, "gateway", "console")
REAL_ANSWER_LIMIT = 5.0  # seconds: a message after one Rasa server's death gets the bot's answer within WeChat's limit


# --- what the test reads from Linux itself (independent of bot/process_groups.py) ------------
def members(pgid: int) -> List[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split() if stat else []
        if fields and fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(entry.name))
    return found


def listening_addresses(port: int) -> List[str]:
    addresses = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(port_hex, 16) == port:
                addresses.append(address)
    return addresses


def environment_of(pid: int) -> Dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.decode().split("=", 1) for item in raw.split(b"\0") if b"=" in item)


def outward_address() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
        return probe.getsockname()[0]


def get(url: str, headers: Dict[str, str] = None, body: bytes = None) -> int:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def send(stack: Stack, sender: str, text: str) -> List[str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{stack.rasa_port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode("utf-8"),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return [m.get("text", "") for m in json.loads(response.read())]


def wait_for_new_process(stack: Stack, service: str, old_pgid: int, health: str) -> int:
    deadline = time.monotonic() + RESTART_LIMIT
    while time.monotonic() < deadline:
        pgid = stack.pidfile(service).get("pgid")
        if pgid and pgid != old_pgid and f"pid {pgid}) at" in stack.log_text() and get(health) == 200:
            return pgid
        time.sleep(1)
    raise AssertionError(f"{service} was not restarted:\n{stack.log_text()[-3000:]}")


@pytest.fixture(scope="module")
def stack(redis_server, model_path, tmp_path_factory):
    # No tokens given: the launcher must make random ones and keep them off every command line.
    env = {"RASA_WORKERS": "2", "RASA_API_TOKEN": "", "ACTION_SERVER_TOKEN": "", "BIND_HOST": ""}
    running = Stack(redis_server["url"], tmp_path_factory.mktemp("launcher") / "launcher.log", env).start()
    yield running
    running.kill()


@pytest.fixture(scope="module")
def tokens(stack) -> Dict[str, str]:
    found = environment_of(stack.pidfile("rasa")["pgid"])
    return {name: found[name] for name in ("RASA_API_TOKEN", "ACTION_SERVER_TOKEN")}


@pytest.mark.timeout(1200)
def test_internal_services_listen_on_loopback_only(stack):
    outward = outward_address()
    for service in SERVICES:
        port = stack.ports[service]
        assert listening_addresses(port) and set(listening_addresses(port)) == {"0100007F"}, service
        if not outward.startswith("127."):
            with pytest.raises(OSError):
                socket.create_connection((outward, port), timeout=2).close()


def test_the_action_server_answers_only_with_the_token(stack, tokens):
    base = f"http://127.0.0.1:{stack.action_port}"
    call = json.dumps({
        "next_action": "action_answer_faq", "sender_id": "o_intruder", "version": "3.6.21", "domain": {},
        "tracker": {"sender_id": "o_intruder", "slots": {}, "latest_message": {"text": "hi", "intent": {}},
                    "events": [], "paused": False, "followup_action": None, "active_loop": {},
                    "latest_action_name": None},
    }).encode("utf-8")
    assert get(f"{base}/webhook", body=call) == 401
    assert get(f"{base}/webhook", {"X-Action-Token": "x" * 48}, call) == 401
    assert get(f"{base}/webhook", {"X-Action-Token": tokens["ACTION_SERVER_TOKEN"][:-1]}, call) == 401
    assert get(f"{base}/actions") == 401
    assert get(f"{base}/webhook", {"X-Action-Token": tokens["ACTION_SERVER_TOKEN"]}, call) == 200
    assert get(f"{base}/health") == 200
    # And Rasa itself sends it: a turn that needs the action server is answered.
    assert send(stack, "o_token_check", "年假有几天")[0]


def test_no_token_on_any_command_line(stack, tokens):
    assert all(len(value) >= 32 for value in tokens.values()), "random tokens are made when none is set"
    seen = 0
    for service in SERVICES:
        for pid in members(stack.pidfile(service)["pgid"]):
            command = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
            for name, value in tokens.items():
                assert value not in command, f"{name} on the command line of {service} (pid {pid})"
            seen += 1
    assert seen >= len(SERVICES), "every Rasa server is checked too"


def test_development_credentials_are_announced_loudly(stack):
    assert "WARNING: DEVELOPMENT CREDENTIALS" in stack.log_text()


def rasa_status(stack: Stack, service: str, token: str) -> int:
    """HTTP status of one Rasa server's /status; 0 when nothing listens."""
    try:
        return get(f"http://127.0.0.1:{stack.ports[service]}/status?token={token}")
    except urllib.error.URLError:
        return 0


async def real_answers(stack: Stack, questions: List[str]) -> List[tuple]:
    """Each question from a new worker at once: (seconds, passive answer) per worker."""
    wechat = account_client(stack)

    async def one(question: str) -> tuple:
        began = time.monotonic()
        result = await wechat.send_text(new_openid(), question)
        return time.monotonic() - began, (result.reply or {}).get("Content", "")

    try:
        return list(await asyncio.gather(*(one(q) for q in questions)))
    finally:
        await wechat.close()


@pytest.mark.timeout(1200)
def test_kill_9_of_one_rasa_server_the_other_answers_at_once(stack, tokens):
    """One Rasa server dies: the next messages are answered by the bot (not the busy text)
    within seconds, by the other server, while the killed one reloads its model and comes back."""
    old = stack.pidfile("rasa-0")["pgid"]
    others = {service: stack.pidfile(service)["pgid"] for service in ("rasa-1", "actions", "gateway", "console")}
    assert rasa_status(stack, "rasa-1", tokens["RASA_API_TOKEN"]) == 200
    os.kill(old, signal.SIGKILL)
    killed = time.monotonic()
    # Until the kernel has torn the process down (its threads free ~1 GB; the leader shows as a
    # zombie before the last thread closes the files) its socket still accepts connections that
    # are then reset: such a request is "in flight" (busy text, the next test). The messages
    # after the socket is gone must get the bot's own answers.
    while (members(old) or listening_addresses(stack.ports["rasa-0"])) and time.monotonic() - killed < 10:
        time.sleep(0.02)
    assert time.monotonic() - killed < 3, "the killed server was gone within moments"
    answers = asyncio.run(real_answers(stack, ["加班费怎么算", "年假有几天", "试用期可以随时辞退吗", "工伤怎么认定"]))
    answers += asyncio.run(real_answers(stack, ["最低工资是多少", "公司不交社保怎么办"]))
    for seconds, answer in answers:
        assert answer and answer != BUSY_TEXT, f"a real answer, not the busy text: {answers}"
        assert seconds < REAL_ANSWER_LIMIT, answers
    assert time.monotonic() - killed < 30, "all answered long before the killed server could reload"
    assert rasa_status(stack, "rasa-0", tokens["RASA_API_TOKEN"]) != 200, "the killed server was still down"

    new = wait_for_new_process(stack, "rasa-0", old, f"http://127.0.0.1:{stack.ports['rasa-0']}/status"
                               f"?token={tokens['RASA_API_TOKEN']}")
    assert members(old) == [], "nothing of the killed server is left"
    assert {service: stack.pidfile(service)["pgid"] for service in others} == others, "the others kept running"
    assert members(new) and "rasa server 0" in stack.log_text()
    assert all(answer != BUSY_TEXT for _, answer in asyncio.run(real_answers(stack, ["加班费怎么算"] * 4)))


@pytest.mark.timeout(1200)
def test_a_turn_in_flight_on_a_killed_rasa_server_is_answered_once(stack, tokens, redis_server):
    """Rasa server 0 holds requests (stopped) when it is killed: each of those workers still
    gets an answer within WeChat's 5 s (the busy text, and a place in the human queue), each
    worker exactly one, and WeChat's retry of that MsgId runs nothing, then or later."""
    old = stack.pidfile("rasa-0")["pgid"]
    os.kill(old, signal.SIGSTOP)  # what it is sent now stays in flight there
    questions = {new_openid(): text for text in ("加班费怎么算", "年假有几天", "工伤怎么认定", "试用期多长",
                                                "最低工资是多少", "公司不交社保怎么办")}
    msg_ids = {openid: MSG_ID + 100 + n for n, openid in enumerate(questions)}

    async def in_flight() -> dict:
        wechat = account_client(stack)
        try:
            async def one(openid: str):
                began = time.monotonic()
                result = await wechat.send_text(openid, questions[openid], msg_id=msg_ids[openid])
                return openid, time.monotonic() - began, result

            sending = asyncio.gather(*(one(openid) for openid in questions))
            await asyncio.sleep(1.5)
            os.kill(old, signal.SIGKILL)
            return {openid: (seconds, result) for openid, seconds, result in await sending}
        finally:
            await wechat.close()

    first = asyncio.run(in_flight())
    busy = [openid for openid, (_, result) in first.items() if result.reply["Content"] == BUSY_TEXT]
    for openid, (seconds, result) in first.items():
        assert result.status == 200 and result.reply and result.reply["Content"], (openid, result)
        assert seconds < 5, "answered within WeChat's 5 s"
    assert busy, "some requests were in flight on the killed server"
    assert len(busy) < len(questions), "the others were answered by the live server"

    async def queued_and_retried() -> dict:
        redis = Redis.from_url(redis_server["url"], decode_responses=True)
        queue = EscalationStore(redis, RedisKeys("gh:"))
        wechat = account_client(stack)
        try:
            for openid in busy:
                entry = await queue.get(openid)
                assert entry is not None and entry.reason == REASON_SYSTEM_BUSY, "staff will follow up"
            return {openid: await wechat.send_text(openid, questions[openid], msg_id=msg_ids[openid])
                    for openid in questions}
        finally:
            await wechat.close()
            await redis.close()

    retried = asyncio.run(queued_and_retried())
    for openid, result in retried.items():
        assert result.reply["Content"] == first[openid][1].reply["Content"], "a retry carries the first answer back"
    wait_for_new_process(stack, "rasa-0", old, f"http://127.0.0.1:{stack.ports['rasa-0']}/status"
                         f"?token={tokens['RASA_API_TOKEN']}")
    late = asyncio.run(queued_and_retried())
    for openid in questions:
        assert late[openid].reply["Content"] == first[openid][1].reply["Content"], "and after the restart too"
        runs = rasa_tracker.user_texts(stack.rasa_port, openid, tokens["RASA_API_TOKEN"]).count(questions[openid])
        assert runs == (0 if openid in busy else 1), f"the bot ran {runs} times for one message"


@pytest.mark.timeout(1200)
def test_kill_9_of_every_rasa_server_restarts_them_without_orphans(stack, tokens, redis_server):
    old = {service: stack.pidfile(service)["pgid"] for service in RASA_SERVERS}
    others = {service: stack.pidfile(service)["pgid"] for service in ("actions", "console", "simulator")}
    for pgid in old.values():
        os.kill(pgid, signal.SIGKILL)
    gone_by = time.monotonic() + 30
    while any(members(pgid) for pgid in old.values()) and time.monotonic() < gone_by:
        time.sleep(0.2)
    outage = asyncio.run(while_rasa_restarts(stack, redis_server))

    for service, pgid in old.items():
        new = wait_for_new_process(stack, service, pgid, f"http://127.0.0.1:{stack.ports[service]}/status"
                                   f"?token={tokens['RASA_API_TOKEN']}")
        assert members(pgid) == [], "nothing of a killed Rasa server is left"
        assert members(new)
    assert {service: stack.pidfile(service)["pgid"] for service in others} == others, "the others kept running"
    assert send(stack, "o_after_rasa_kill", "加班费怎么算")[0], "a message after recovery is answered"
    asyncio.run(once_rasa_is_back(stack, outage, tokens["RASA_API_TOKEN"]))


MSG_ID = 880000000000000001
OUTAGE_TEXT = "公司拖欠我三个月工资怎么办"


async def while_rasa_restarts(stack: Stack, redis_server) -> dict:
    """Rasa is loading its model again (minutes): the gateway answers on RASA_PORT."""
    openid = new_openid()
    wechat = account_client(stack)
    redis = Redis.from_url(redis_server["url"], decode_responses=True)
    queue = EscalationStore(redis, RedisKeys("gh:"))
    try:
        began = time.monotonic()
        first = await wechat.send_text(openid, OUTAGE_TEXT, msg_id=MSG_ID)
        assert first.status == 200 and first.reply and first.reply["Content"] == BUSY_TEXT, first
        assert time.monotonic() - began < 5, "passively, within WeChat's 5 s"
        queued = await queue.get(openid)
        assert queued is not None and queued.reason == REASON_SYSTEM_BUSY, "the worker is in the human queue"
        assert OUTAGE_TEXT in (queued.excerpt or ""), "what the worker wrote is kept for staff"
        retry = await wechat.send_text(openid, OUTAGE_TEXT, msg_id=MSG_ID)
        assert retry.status == 200 and retry.reply["Content"] == BUSY_TEXT
        assert (await queue.get(openid)).since == queued.since, "a retry adds nothing"
        body, params = wechat.prepare(wechat.message_xml(openid, "text", [("Content", "伪造")]), openid)
        forged = await wechat.post_raw(body, {**params, "signature": "0" * 40})
        assert forged.status == 403, "a forged request is refused during the outage too"
        forged = await wechat.post_raw(body, {**params, "msg_signature": "0" * 40})
        assert forged.status == 403
        assert (await wechat.verify()).ok, "WeChat's URL check still passes"
        turn = json.dumps({"call_id": "gw-outage-1", "seq": 1, "event": "start", "caller": "13900002222",
                           "callee": "12351"}).encode()
        async with aiohttp.ClientSession() as http:
            async with http.post(f"http://127.0.0.1:{stack.rasa_port}/webhooks/hotline/webhook", data=turn,
                                 headers=signed_headers(DEV_HOTLINE_SECRET, turn)) as answer:
                assert answer.status == 200
                actions = (await answer.json())["actions"]
            async with http.get(f"http://127.0.0.1:{stack.rasa_port}/status") as answer:
                assert answer.status == 503, "Rasa's API says it is unavailable, briefly"
        assert actions[0]["type"] == "say" and actions[-1]["type"] == "transfer", actions
        assert not (await stack_rasa_answers(stack)), "these checks ran while Rasa was still down"
        return {"openid": openid, "since": queued.since}
    finally:
        await wechat.close()
        await redis.close()


async def stack_rasa_answers(stack: Stack) -> bool:
    """Any Rasa server answers."""
    for service in RASA_SERVERS:
        try:
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{stack.ports[service]}/",
                                    timeout=aiohttp.ClientTimeout(total=2)) as answer:
                    if answer.status == 200:
                        return True
        except (aiohttp.ClientError, asyncio.TimeoutError):
            continue
    return False


async def once_rasa_is_back(stack: Stack, outage: dict, token: str) -> None:
    openid = outage["openid"]
    wechat = account_client(stack)
    try:
        late = await wechat.send_text(openid, OUTAGE_TEXT, msg_id=MSG_ID)
        assert late.status == 200 and late.reply["Content"] == BUSY_TEXT, "a late retry runs nothing"
        assert OUTAGE_TEXT not in rasa_tracker.user_texts(stack.rasa_port, openid, token), \
            "the bot never ran on the message answered during the outage"
        other = new_openid()
        before = len(await sent_to(stack, other))
        result = await wechat.send_text(other, "加班费怎么算")
        answer = await answer_to(stack, other, result, before)
        assert answer and answer != BUSY_TEXT and "加班" in answer, answer
    finally:
        await wechat.close()


@pytest.mark.timeout(600)
def test_kill_9_of_the_action_server_restarts_it(stack, tokens):
    old = stack.pidfile("actions")["pgid"]
    rasa = {service: stack.pidfile(service)["pgid"] for service in RASA_SERVERS}
    os.kill(old, signal.SIGKILL)
    new = wait_for_new_process(stack, "actions", old, f"http://127.0.0.1:{stack.action_port}/health")
    assert members(old) == [] and {service: stack.pidfile(service)["pgid"] for service in RASA_SERVERS} == rasa
    assert get(f"http://127.0.0.1:{stack.action_port}/actions") == 401, "the new action server is closed too"
    assert environment_of(new)["ACTION_SERVER_TOKEN"] == tokens["ACTION_SERVER_TOKEN"]
    reply = send(stack, "o_after_action_kill", "我的诉求")
    assert reply and "还没有" in reply[0], reply


@pytest.mark.timeout(300)
def test_kill_9_of_the_gateway_loses_no_message(stack):
    """The launcher holds the public port's socket: while the gateway restarts, WeChat's
    request waits in the queue (never refused) and gets the bot's answer within 5 s."""
    old = stack.pidfile("gateway")["pgid"]
    os.kill(old, signal.SIGKILL)
    while members(old):
        time.sleep(0.05)
    openid = new_openid()

    async def worker_writes() -> tuple:
        wechat = account_client(stack)
        try:
            began = time.monotonic()
            result = await wechat.send_text(openid, "加班费怎么算")
            return result, time.monotonic() - began, await answer_to(stack, openid, result, 0)
        finally:
            await wechat.close()

    result, seconds, answer = asyncio.run(worker_writes())
    assert result.ok and seconds < 5, (result, seconds)
    assert answer and answer != BUSY_TEXT, answer
    assert wait_for_new_process(stack, "gateway", old, f"http://127.0.0.1:{stack.rasa_port}/_gateway/health")


def test_a_turn_whose_caller_hung_up_is_still_delivered(stack):
    """A killed gateway drops its connection to Rasa mid-turn, and Sanic cancels the handler:
    the turn's answer still reaches the worker (customer-service message), and WeChat's retry
    through the new gateway runs nothing again."""
    openid = new_openid()

    async def hang_up_then_retry() -> tuple:
        impatient = OfficialAccountClient(f"http://127.0.0.1:{stack.ports['rasa']}/webhooks/wechat/webhook",
                                          TOKEN, APPID, AES_KEY, timeout=0.005)
        wechat = account_client(stack)
        try:
            xml = wechat.message_xml(openid, "text", [("Content", "年假有几天")], msg_id=MSG_ID + 7)
            first = await impatient.post_xml(xml, openid)
            await asyncio.sleep(1)
            retry = await wechat.post_xml(xml, openid)
            return first, retry, await answer_to(stack, openid, retry, 0)
        finally:
            await impatient.close()
            await wechat.close()

    first, retry, answer = asyncio.run(hang_up_then_retry())
    assert first.status is None, "the first attempt hung up before the answer"
    assert answer and answer != BUSY_TEXT, answer
    assert rasa_tracker.user_texts(stack.rasa_port, openid, environment_of(stack.pidfile("rasa")["pgid"])[
        "RASA_API_TOKEN"]).count("年假有几天") == 1, "the bot ran once"


def test_ctrl_c_stops_every_process_group(stack):
    groups = {service: stack.pidfile(service)["pgid"] for service in SERVICES}
    assert stack.interrupt() == 0
    for service, pgid in groups.items():
        assert members(pgid) == [], f"{service} left processes behind"
        assert stack.pidfile(service) == {}, "pidfiles are removed on a clean stop"
