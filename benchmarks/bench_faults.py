"""`make bench-faults`: kill -9 each process of the stack in turn while workers keep writing.

Starts the whole assistant as `make run` does (embedded Redis supervised by the launcher, on
free ports), then CONVERSATIONS simulated workers write to the official account for the whole
run (a question every 5-12 s, real signed and encrypted WeChat XML; WeChat's 5 s timeout and 3
attempts). FILERS of them file an appeal through the form first. Meanwhile the action server,
one of the Rasa servers (RASA_WORKERS of them, the gateway balancing across them), the webhook
gateway, the console, the WeChat simulator and Redis are each killed with SIGKILL in turn, once
the stack is healthy again after the previous kill.

Reports: messages sent and answered (passively or by customer-service message), silent turns
(no answer of either kind), per kill the seconds until the new process answers its health
check on its port (`seconds_to_recovery`; Rasa's includes loading the model), until WeChat's
signed URL check on the public port is answered again (`seconds_to_webhook`), until a probe
worker's question gets the bot's own answer again, not the busy text (`seconds_to_real_answer`:
a new worker asks every second from the kill on; passive or customer-service answer), and the silent turns sent meanwhile, and the
load average of the (shared) machine; and the appeals: confirmed to the worker,
stored, lost (confirmed but not stored) and duplicated (more than one per filer). Writes
benchmarks/results/faults.json. Traffic goes to 127.0.0.1 only and the run is bounded in time.
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import random
import re
import secrets
import shutil
import signal
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import aiohttp
from redis.asyncio import Redis

from benchmarks.wechat_workers import QUESTIONS, RESULTS, official_account, private_stack
from bot import process_groups
from bot.appeals import AppealStore
from bot.follow_up import BUSY_TEXT
from bot.redis_keys import RedisKeys
from bot.redis_server import is_loaded
from bot.settings import DEV_WECHAT
from channels.wechat.security import sign
from channels.wechat_sim.official_account import OfficialAccountClient
from tests.integration.stack import Stack

CONVERSATIONS = int(os.environ.get("BENCH_CONVERSATIONS", "200"))
FILERS = int(os.environ.get("BENCH_FILERS", "20"))
RASA_WORKERS = os.environ.get("BENCH_RASA_WORKERS", "2")
RESULT = RESULTS / os.environ.get("BENCH_RESULT", "faults.json")
THINK_SECONDS = (5.0, 12.0)
TARGETS = tuple(os.environ.get("BENCH_TARGETS", "actions,rasa-0,gateway,console,simulator,redis").split(","))
PROBE_QUESTION = "年假有几天"
PROBE_EVERY = 1.0  # seconds between the probe worker's questions after a kill
WARM_UP, SETTLE, TAIL = 20.0, 15.0, 30.0  # seconds of load before the first kill, between kills, after the last
RECOVERY_LIMIT = 1200.0
ANSWER_WAIT = 12.0  # seconds a filer waits for a customer-service answer when no passive one came
TICKET = re.compile(r"GH\d{12}")
# The appeal form as a worker answers it (tests/integration/test_appeals_conversation.py): what
# the worker says, and what the bot's answer must contain before the next step.
# The filer answers whichever question the form asks (the form skips what a story already said,
# and its order may change); the first prompt that matches wins, the read-back before the others.
APPEAL_OPENING = "我要投诉我们老板拖欠工资"
APPEAL_ANSWERS = [
    ("请核对您要反映的内容", "是"),
    ("发生了什么", "干了三个月一分钱没拿到，老板一直说下个月发"),
    ("哪个单位", "顺达物流公司"),
    ("哪个区", "朝阳"),
    ("多少人", "我们车队12个人"),
    ("金额", "三万多"),
    ("手机号", "{phone}"),
    ("称呼", "匿名"),
    ("您同意吗", "同意"),
]
MAX_FORM_TURNS = 14


@dataclasses.dataclass
class Turn:
    openid: str
    sent_at: float
    seconds: float
    status: Optional[int]
    passive_text: Optional[str]
    text: str = ""


class Outbox:
    """Every customer-service message the simulator received, polled each second (the simulator
    forgets its list when it is killed, so the benchmark keeps its own copy)."""

    def __init__(self, stack: Stack, http: aiohttp.ClientSession):
        self.url, self.http = f"{stack.simulator_url}/_sim/messages", http
        self.seen: Dict[Tuple[str, float, str], None] = {}

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.collect()
            await asyncio.sleep(1)
        await asyncio.sleep(ANSWER_WAIT)  # answers sent late still count
        await self.collect()

    async def collect(self) -> None:
        try:
            async with self.http.get(self.url, timeout=aiohttp.ClientTimeout(total=5)) as response:
                for message in (await response.json())["messages"]:
                    self.seen[(message["touser"], message["at"], str(message["content"]))] = None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError):
            pass  # the simulator is down: it is one of the processes killed

    def for_user(self, openid: str, since: float) -> List[Tuple[float, str]]:
        return sorted((at, content) for user, at, content in self.seen if user == openid and at >= since)


class Load:
    def __init__(self, stack: Stack, client: OfficialAccountClient, outbox: Outbox, stop: asyncio.Event):
        self.stack, self.client, self.outbox, self.stop = stack, client, outbox, stop
        self.turns: List[Turn] = []
        self.filings: List[dict] = []

    async def say(self, openid: str, text: str) -> Turn:
        started, wall = time.perf_counter(), time.time()
        result = await self.client.send_text(openid, text)
        passive = result.reply.get("Content", "") if result.reply else None
        turn = Turn(openid, wall, time.perf_counter() - started, result.status, passive, text)
        self.turns.append(turn)
        return turn

    async def answer_to(self, turn: Turn) -> str:
        if turn.passive_text:
            return turn.passive_text
        deadline = time.monotonic() + ANSWER_WAIT
        while time.monotonic() < deadline:
            await asyncio.sleep(1)
            await self.outbox.collect()
            messages = self.outbox.for_user(turn.openid, turn.sent_at)
            if messages:
                return "\n".join(content for _, content in messages)
        return ""

    async def later_messages(self, openid: str, since: float, wait: float = 5.0) -> str:
        """Every customer-service message the worker got since `since`, after waiting `wait` s."""
        await asyncio.sleep(wait)
        await self.outbox.collect()
        return "\n".join(content for _, content in self.outbox.for_user(openid, since))

    async def answer_retrying(self, openid: str, text: str, filing: dict) -> str:
        """The bot's answer; a worker left without one writes the same again (up to 3 times)."""
        answer = ""
        for _ in range(3):
            answer = await self.answer_to(await self.say(openid, text))
            if answer or self.stop.is_set():
                break
            filing["retries"] += 1
            await asyncio.sleep(3)
        return answer

    async def chat(self, openid: str) -> None:
        while not self.stop.is_set():
            await asyncio.sleep(random.uniform(*THINK_SECONDS))
            if not self.stop.is_set():
                await self.say(openid, random.choice(QUESTIONS))

    async def file_appeal(self, openid: str, phone: str, delay: float) -> None:
        """One appeal through the form, started `delay` s into the run so filings overlap the kills."""
        await asyncio.sleep(delay)
        filing = {"openid": openid, "ticket": None, "derailed_at": None, "retries": 0}
        self.filings.append(filing)
        text = APPEAL_OPENING
        for _ in range(MAX_FORM_TURNS):
            sent_at = time.time()
            answer = await self.answer_retrying(openid, text, filing)
            filing["trail"] = (filing.get("trail", []) + [[text, answer[:100]]])[-6:]
            found = TICKET.search(answer)
            if found:
                filing["ticket"] = found.group(0)
                break
            reply = next((reply for prompt, reply in APPEAL_ANSWERS if prompt in answer), None)
            if reply is None and BUSY_TEXT in answer:
                # Told the system is busy, a worker reads it and says it again a few seconds
                # later (at once, a filer burnt its whole budget inside a 3 s outage).
                filing["retries"] += 1
                await asyncio.sleep(random.uniform(3.0, 6.0))
                continue
            if reply is None:
                # The question may follow the acknowledgement as a later customer-service message.
                later = await self.later_messages(openid, sent_at)
                reply = next((reply for prompt, reply in APPEAL_ANSWERS if prompt in later), None)
            if reply is None or self.stop.is_set():
                filing["derailed_at"], filing["derailed_since"] = text, sent_at
                filing["derailed_reply"] = answer[:120]
                break
            text = reply.format(phone=phone)
            await asyncio.sleep(random.uniform(1.0, 3.0))
        else:
            filing["derailed_at"] = text
        await self.chat(openid)


# --- the faults -----------------------------------------------------------------------------
def health_ok(stack: Stack, service: str) -> bool:
    if service == "redis":
        return is_loaded(stack.redis_port)
    # Rasa: /status answers only once the model is loaded (the channels' health routes answer before).
    path = {"rasa": f"/status?token={stack.env['RASA_API_TOKEN']}", "actions": "/health", "console": "/login",
            "simulator": "/_sim/health", "gateway": "/_gateway/health"}[service.split("-")[0]]
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{stack.ports[service]}{path}", timeout=10) as response:
            return response.status == 200
    except OSError:
        return False


def answered_by(stack: Stack, service: str, pgid: int) -> bool:
    """The socket listening on the service's port belongs to group `pgid` (a new process, not an orphan)."""
    _, owners = process_groups.port_listeners(stack.ports[service])
    owners = owners - {stack.process.pid}  # the launcher holds the gateway's listening socket too
    return bool(owners) and all(process_groups.process_group(pid) == pgid for pid in owners)


def recovered(stack: Stack, service: str, old_pgid: int) -> bool:
    pgid = stack.pidfile(service).get("pgid")
    return bool(pgid) and pgid != old_pgid and answered_by(stack, service, pgid) and health_ok(stack, service)


def webhook_answers(stack: Stack) -> bool:
    """WeChat's signed URL check on the public port (RASA_PORT, the gateway) is answered."""
    timestamp, nonce = str(int(time.time())), secrets.token_hex(4)
    query = urllib.parse.urlencode({"signature": sign(DEV_WECHAT["WECHAT_TOKEN"], timestamp, nonce),
                                    "timestamp": timestamp, "nonce": nonce, "echostr": "ping"})
    try:
        with urllib.request.urlopen(f"{stack.webhook_url}?{query}", timeout=5) as response:
            return response.status == 200 and response.read() == b"ping"
    except OSError:
        return False


async def first_real_answer(client: OfficialAccountClient, outbox: "Outbox", since: float) -> Optional[float]:
    """When a worker first got the bot's own answer (not the busy text) to a question asked
    after `since`: a new worker asks every PROBE_EVERY s; the answer counts when it arrives,
    passively, or later as a customer-service message (a slow turn on a saturated machine)."""
    probes: List[asyncio.Task] = []
    try:
        while time.time() - since < RECOVERY_LIMIT:
            probes.append(asyncio.ensure_future(probe_once(client, outbox)))
            await asyncio.sleep(PROBE_EVERY)
            answered = [p.result() for p in probes if p.done() and p.result() is not None]
            if answered:
                return min(answered)
        return None
    finally:
        for probe in probes:
            probe.cancel()


async def probe_once(client: OfficialAccountClient, outbox: "Outbox") -> Optional[float]:
    openid = f"o_probe_{uuid.uuid4().hex[:10]}"
    asked = time.time()
    result = await client.send_text(openid, PROBE_QUESTION)
    content = (result.reply or {}).get("Content", "")
    if result.status == 200 and content:
        return time.time() if content != BUSY_TEXT else None
    for _ in range(int(ANSWER_WAIT)):
        await asyncio.sleep(1)
        await outbox.collect()
        late = [at for at, text in outbox.for_user(openid, asked) if text != BUSY_TEXT]
        if late:
            return min(late)
    return None


async def kill_and_wait(stack: Stack, service: str, probe: OfficialAccountClient, outbox: "Outbox") -> dict:
    """Until the killed service's new process is healthy; meanwhile, when the public webhook
    answered again (`seconds_to_webhook`: what WeChat sees; the gateway covers a Rasa restart),
    and when a worker got a real answer again (`seconds_to_real_answer`)."""
    old = stack.pidfile(service)["pgid"]
    load_before = os.getloadavg()
    killed_at = time.time()
    os.kill(old, signal.SIGKILL)
    real = asyncio.ensure_future(first_real_answer(probe, outbox, killed_at))
    webhook_at = None
    while not await asyncio.to_thread(recovered, stack, service, old):
        if webhook_at is None and time.time() - killed_at > 0.5 and await asyncio.to_thread(webhook_answers, stack):
            webhook_at = time.time()
        if time.time() - killed_at > RECOVERY_LIMIT:
            real.cancel()
            return {"service": service, "killed_pid": old, "killed_at": killed_at, "recovered_at": None,
                    "seconds_to_recovery": None, "orphans_left": process_groups.group_members(old)}
        await asyncio.sleep(0.2)
    recovered_at = time.time()
    webhook_at = webhook_at or recovered_at
    real_at = await real
    return {"service": service, "killed_pid": old, "new_pid": stack.pidfile(service)["pgid"],
            "killed_at": killed_at, "recovered_at": recovered_at,
            "seconds_to_recovery": round(recovered_at - killed_at, 1),
            "seconds_to_webhook": round(webhook_at - killed_at, 1),
            "seconds_to_real_answer": None if real_at is None else round(max(0.0, real_at - killed_at), 1),
            "load_average_before": [round(x, 2) for x in load_before],
            "orphans_left": process_groups.group_members(old)}


async def inject_faults(stack: Stack, stop: asyncio.Event, probe: OfficialAccountClient, outbox: "Outbox") -> List[dict]:
    kills = []
    await asyncio.sleep(WARM_UP)
    for service in TARGETS:
        kill = await kill_and_wait(stack, service, probe, outbox)
        kills.append(kill)
        print(f"killed {service}: {kill['seconds_to_recovery']} s to recovery, "
              f"{kill.get('seconds_to_real_answer')} s to a real answer", flush=True)
        if kill["recovered_at"] is None:
            break
        await asyncio.sleep(SETTLE)
    await asyncio.sleep(TAIL)
    stop.set()
    return kills


# --- the report -----------------------------------------------------------------------------
def group_rss_mb(pgid: int) -> float:
    """Resident memory of a process group (one Rasa server: the model, TensorFlow, Python)."""
    total_kb = 0
    for pid in process_groups.group_members(pgid):
        try:
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in lines if line.startswith("VmRSS:")), 0)
    return round(total_kb / 1024, 1)


def rasa_memory(stack: Stack) -> Dict[str, float]:
    return {name: group_rss_mb(stack.pidfile(name)["pgid"]) for name in stack.ports
            if name.startswith("rasa-") and stack.pidfile(name)}


def answered(turns: List[Turn], outbox: Outbox) -> Tuple[int, int, List[Turn]]:
    """(passive answers, customer-service answers, silent turns). A customer-service message
    answers the earliest unanswered turn of that worker sent before it."""
    passive, by_cs, silent = 0, 0, []
    by_user: Dict[str, List[Turn]] = {}
    for turn in sorted(turns, key=lambda t: t.sent_at):
        by_user.setdefault(turn.openid, []).append(turn)
    for openid, user_turns in by_user.items():
        messages = [at for at, _ in outbox.for_user(openid, 0)]
        waiting: List[Turn] = []
        for turn in user_turns:
            if turn.passive_text:
                passive += 1
            else:
                waiting.append(turn)
        for turn in waiting:
            match = next((at for at in messages if at >= turn.sent_at), None)
            if match is None:
                silent.append(turn)
            else:
                messages.remove(match)
                by_cs += 1
    return passive, by_cs, silent


async def appeals_report(filings: List[dict], redis_port: int) -> dict:
    client = Redis(port=redis_port, decode_responses=True)
    store = AppealStore(client, RedisKeys(os.environ.get("KEY_PREFIX", "gh:")))
    try:
        stored = {f["openid"]: await store.list(openid=f["openid"]) for f in filings}
    finally:
        await client.close()
    confirmed = [f for f in filings if f["ticket"]]
    return {
        "filers": len(filings),
        "confirmed_to_worker": len(confirmed),
        "stored": sum(len(a) for a in stored.values()),
        "lost": sum(1 for f in confirmed if f["ticket"] not in {a.ticket_id for a in stored[f["openid"]]}),
        "duplicated": sum(max(0, len(a) - 1) for a in stored.values()),
        "stored_but_not_confirmed": sum(1 for f in filings if stored[f["openid"]] and not f["ticket"]),
        "form_derailed": sum(1 for f in filings if f["derailed_at"]),
        "derailed_at": sorted({f["derailed_at"] for f in filings if f["derailed_at"]}),
        "derailed_replies": sorted({f.get("derailed_reply", "") for f in filings if f["derailed_at"]}),
        "derailed_filers": [{"openid": f["openid"], "at": f["derailed_at"], "since": f.get("derailed_since"),
                             "trail": f.get("trail", [])}
                            for f in filings if f["derailed_at"]],
        "repeats_after_silence": sum(f["retries"] for f in filings),
    }


def kills_report(kills: List[dict], silent: List[Turn]) -> List[dict]:
    for kill in kills:
        end = (kill["recovered_at"] or time.time()) + 5
        kill["silent_turns_meanwhile"] = sum(1 for t in silent if kill["killed_at"] - 5 <= t.sent_at <= end)
    return kills


async def run(stack: Stack, redis_port: int) -> dict:
    stop = asyncio.Event()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONVERSATIONS + 10)) as http:
        outbox = Outbox(stack, http)
        load = Load(stack, official_account(stack, http), outbox, stop)
        users = [f"o_fault_{uuid.uuid4().hex[:10]}" for _ in range(CONVERSATIONS)]
        workers = [load.file_appeal(openid, f"1381234{n:04d}", delay=random.uniform(0, 150))
                   for n, openid in enumerate(users[:FILERS])]
        workers += [load.chat(openid) for openid in users[FILERS:]]
        started = time.time()
        tasks = [asyncio.ensure_future(w) for w in workers] + [asyncio.ensure_future(outbox.run(stop))]
        load_at_start = os.getloadavg()
        memory_at_start = rasa_memory(stack)
        kills = await inject_faults(stack, stop, official_account(stack, http), outbox)
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=RECOVERY_LIMIT)
        wall = time.time() - started
    passive, by_cs, silent = answered(load.turns, outbox)
    sent = len(load.turns)
    return {
        "conversations": CONVERSATIONS,
        "rasa_rss_mb": {"at_start": memory_at_start, "at_end": rasa_memory(stack)},
        "machine": {"cpus": os.cpu_count(), "load_average_at_start": [round(x, 2) for x in load_at_start],
                    "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "rasa_workers": int(RASA_WORKERS),
        "seconds": round(wall),
        "messages": sent,
        "answered": passive + by_cs,
        "answered_passively": passive,
        "answered_by_customer_service_api": by_cs,
        "silent_turns": len(silent),
        "http_failures": sum(1 for t in load.turns if t.status != 200),
        "kills": kills_report(kills, silent),
        # Enough to look each silent turn up in the stack's log (BENCH_KEEP_LOG).
        "silent_examples": [{"openid": t.openid, "at": round(t.sent_at - started, 1), "text": t.text,
                             "status": t.status, "seconds": round(t.seconds, 1), "passive": t.passive_text}
                            for t in silent[:50]],
        "appeals": await appeals_report(load.filings, redis_port),
    }


def main() -> int:
    env = {"RASA_WORKERS": RASA_WORKERS, "RASA_API_TOKEN": secrets.token_hex(24)}
    with private_stack(env, embedded_redis=True) as (stack, redis_port):
        report = asyncio.run(run(stack, redis_port))
        report["launcher_restarts_logged"] = stack.log_text().count("restarting it in")
        if os.environ.get("BENCH_KEEP_LOG"):  # the stack's log, for looking into a failure afterwards
            shutil.copy(stack.log_path, os.environ["BENCH_KEEP_LOG"])
    report.update(date=time.strftime("%Y-%m-%d %H:%M"), think_seconds=list(THINK_SECONDS))
    RESULTS.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    # Recovery as workers see it: the bot's own answers again within 10 s (the webhook itself
    # answers at once: the gateway covers with the busy text meanwhile).
    slow = [k for k in report["kills"] if k["seconds_to_recovery"] is None or k["seconds_to_webhook"] > 10
            or k["seconds_to_real_answer"] is None or k["seconds_to_real_answer"] > 10]
    appeals = report["appeals"]
    return 0 if not (report["silent_turns"] or appeals["lost"] or appeals["duplicated"] or slow) else 1


if __name__ == "__main__":
    sys.exit(main())
