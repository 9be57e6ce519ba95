"""Calls to 12351 end to end through the hotline's signed protocol: the IVR simulator's signed
JSON turns → the hotline channel → Rasa with the real model → the action server → the appeal
store and the human queue in a real Redis."""
from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request
import uuid

import aiohttp
import pytest
import redis

from bot.redis_keys import RedisKeys
from bot.settings import DEV_HOTLINE_SECRET
from channels.hotline import prompts
from channels.hotline.spoken import SPOKEN_MAX, ticket_spoken
from channels.hotline_sim.ivr import Call, signed
from tests.integration import rasa_tracker
from tests.integration.stack import Stack

PREFIX = "hotline:"
KEYS = RedisKeys(PREFIX)


@pytest.fixture(scope="module")
def stack(redis_server, model_path, tmp_path_factory):
    env = {"KEY_PREFIX": PREFIX, "RASA_API_TOKEN": rasa_tracker.API_TOKEN, "HOTLINE_TURN_DEADLINE": "2.5"}
    running = Stack(redis_server["url"], tmp_path_factory.mktemp("hotline") / "launcher.log", env).start()
    yield running
    running.kill()


@pytest.fixture
def db(redis_server):
    client = redis.Redis(port=redis_server["port"], decode_responses=True)
    yield client
    client.close()


def url(stack) -> str:
    return f"http://127.0.0.1:{stack.rasa_port}/webhooks/hotline/webhook"


def caller_number() -> str:
    return "139" + str(uuid.uuid4().int)[:8]


def new_call(stack, caller=None) -> Call:
    return Call(url(stack), DEV_HOTLINE_SECRET, caller=caller_number() if caller is None else caller)


def sender(call: Call) -> str:
    return f"hotline-{call.call_id}"


async def answered(answer, kind="gather"):
    assert answer.status == 200, answer
    assert answer.ends_with(kind), answer.actions
    assert answer.seconds < 2.6, f"turn took {answer.seconds:.2f} s"
    for action in answer.actions:
        if action["type"] == "say":
            assert not re.search(r"https?://|[（）()【】\[\]]|\d", action["text"]), action["text"]
    return answer


async def until_bot(call: Call, answer):
    """A holding prompt means the bot was slower than the deadline: its answer comes next turn."""
    for _ in range(10):
        if prompts.HOLD not in answer.said:
            return answer
        answer = await call.silence()
    return answer


def user_turns(stack, call: Call) -> list:
    query = urllib.parse.urlencode({"token": rasa_tracker.API_TOKEN})
    # The sender id's colon stays as it is: Rasa reads the path segment literally.
    address = f"http://127.0.0.1:{stack.rasa_port}/conversations/{sender(call)}/tracker?{query}"
    with urllib.request.urlopen(address, timeout=30) as response:
        events = json.loads(response.read())["events"] or []
    return [event.get("text") for event in events if event.get("event") == "user"]


async def test_an_faq_call_gets_a_short_spoken_answer(stack):
    call = new_call(stack)
    hello = await answered(await call.start())
    assert "幺二三五幺" in hello.said and "按一" in hello.said
    answer = await answered(await until_bot(call, await call.says("公司拖欠工资怎么办")))
    assert all(len(a["text"]) <= SPOKEN_MAX for a in answer.actions if a["type"] == "say")
    assert "工资" in answer.said
    if "详细" in answer.said:
        more = await answered(await call.says("详细"))
        assert more.said and more.said != answer.said
    assert (await call.hangs_up()).status == 200


async def test_low_confidence_is_confirmed_before_the_bot_hears_it(stack):
    call = new_call(stack)
    await call.start()
    asked = await answered(await call.says("加班费怎么算", confidence=0.35))
    assert "您是想说“加班费怎么算”吗" in asked.said
    assert user_turns(stack, call) == []  # nothing reached the bot yet
    answer = await answered(await until_bot(call, await call.presses("1")))
    assert "加班" in answer.said
    assert user_turns(stack, call) == ["加班费怎么算"]


async def test_appeal_by_phone_with_the_digit_fallback_then_status_by_caller_number(stack, db):
    number = caller_number()
    call = new_call(stack, number)
    await call.start()
    # Speech fails twice (not what the caller said): the digit menu takes over.
    await answered(await call.says("家具公司那个", confidence=0.3))
    await answered(await call.says("不是"))
    await answered(await call.says("嗯那个啥", confidence=0.3))
    menu = await answered(await call.presses("2"))
    assert prompts.DIGIT_MENU in menu.said and menu.last["input"] == ["dtmf"]
    step = await until_bot(call, await call.presses("2"))
    script = [("拖欠工资", None), ("干了三个月一分钱没拿到，老板一直说下个月发", "单位"), ("顺达物流公司", "区"),
              ("朝阳", "多少人"), ("我们车队12个人", "金额"), ("三万多", None)]
    for text, expected in script:
        step = await answered(await until_bot(call, await call.says(text)))
        if expected:
            assert expected in step.said, (text, step.said)
    assert prompts.PHONE_OFFER in step.said, step.said
    step = await answered(await until_bot(call, await call.presses("1")))
    assert "称呼" in step.said, step.said
    step = await answered(await until_bot(call, await call.says("匿名")))
    step = await answered(await until_bot(call, await call.says("同意")))
    done = await answered(await until_bot(call, await call.says("是")))
    tickets = db.zrange(KEYS.appeals_by_phone(number), 0, -1)
    assert len(tickets) == 1, done.said
    appeal = json.loads(db.get(KEYS.appeal(tickets[0])))
    assert appeal["openid"] == sender(call)
    assert appeal["phone"] == number and appeal["channel"] == "hotline"
    assert ticket_spoken(appeal["ticket_id"]) in done.said  # read back digit by digit
    assert "打电话联系您" in done.said and not re.search("公众号|在这里|回复", done.said)  # the spoken variant

    later = new_call(stack, number)
    await later.start()
    status = await answered(await later.presses("3"))
    assert ticket_spoken(appeal["ticket_id"]) in status.said


async def test_two_silences_put_the_caller_through_with_context(stack, db):
    call = new_call(stack)
    await call.start()
    await call.says("我想问一下社保的事情")
    first = await answered(await call.silence())
    assert prompts.STILL_THERE in first.said
    second = await answered(await call.silence(), "transfer")
    transfer = second.last
    assert transfer["queue"] == "staff" and transfer["context_url"].endswith(f"/conversations/{sender(call)}")
    assert db.zscore(KEYS.handoff_queue(), sender(call)) is not None  # in the console's queue at once
    assert json.loads(db.get(KEYS.handoff(sender(call))))["excerpt"] == "我想问一下社保的事情"


async def test_digit_zero_at_any_prompt_is_a_person(stack):
    call = new_call(stack)
    await call.start()
    answer = await answered(await call.presses("0"), "transfer")
    assert answer.last["queue"] == "staff"


async def test_an_emergency_gets_help_lines_an_alert_and_the_emergency_queue(stack, db):
    call = new_call(stack)
    await call.start()
    answer = await call.says("我工友从脚手架上摔下来了一直在流血")
    answer = await until_bot(call, answer)
    assert answer.status == 200 and answer.ends_with("transfer"), answer.actions
    assert "幺幺零" in answer.said and "幺二零" in answer.said
    assert answer.actions[0]["type"] == "say" and "幺幺零" in answer.actions[0]["text"]
    assert answer.last["queue"] == "emergency"
    alerts = [json.loads(raw) for raw in db.lrange(KEYS.alerts(), 0, -1)]
    alert = next(alert for alert in alerts if alert.get("openid") == sender(call))
    appeal = json.loads(db.get(KEYS.appeal(alert["ticket_id"])))
    assert appeal["emergency"] and appeal["channel"] == "hotline" and appeal["phone"] == call.caller
    assert json.loads(db.get(KEYS.handoff(sender(call))))["priority"] == "emergency"


async def test_forged_stale_and_replayed_requests_get_403_and_reach_nothing(stack, db):
    call = new_call(stack)
    body = call.body("speech", text="我要投诉", confidence=0.9)
    forged = await call.post(body, signed("not-the-secret-at-all-0000", body))
    stale = await call.post(body, signed(DEV_HOTLINE_SECRET, body, now=time.time() - 400))
    tampered_headers = signed(DEV_HOTLINE_SECRET, body)
    tampered = await call.post(body.replace("投诉".encode(), "咨询".encode()), tampered_headers)
    assert (forged.status, stale.status, tampered.status) == (403, 403, 403)
    assert db.get(KEYS.hotline_call(call.call_id)) is None and user_turns(stack, call) == []
    # Signed a minute ago (inside the window): accepted once; the same request again is a replay.
    captured = signed(DEV_HOTLINE_SECRET, body, now=time.time() - 60)
    assert (await call.post(body, captured)).status == 200
    replayed = await call.post(body, captured)
    assert replayed.status == 403
    async with aiohttp.ClientSession() as http:
        async with http.post(url(stack), data=b"{}", headers=signed(DEV_HOTLINE_SECRET, b"{}")) as response:
            assert response.status == 400


async def test_a_retried_turn_runs_the_bot_once_and_gets_the_same_answer(stack):
    call = new_call(stack)
    await call.start()
    first = await call.says("劳动合同到期不续签有补偿吗")
    again = await call.retry_last()
    assert again.status == 200 and again.actions == first.actions
    await until_bot(call, first)
    assert user_turns(stack, call) == ["劳动合同到期不续签有补偿吗"]


async def test_a_transferred_call_shows_its_transcript_and_intents_to_staff(stack, redis_server):
    from redis.asyncio import Redis

    from bot.console.accounts import CITY, AccountStore

    call = new_call(stack)
    await call.start()
    await until_bot(call, await call.says("加班费怎么算"))
    put_through = await answered(await call.presses("0"), "transfer")
    page_path = put_through.last["context_url"].split(str(stack.console_port), 1)[1]
    client = Redis.from_url(redis_server["url"], decode_responses=True)
    name = f"hl{uuid.uuid4().hex[:6]}"
    await AccountStore(client, KEYS).create(name, "correct horse battery", CITY, created_by="test")
    await client.close()
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base_url=stack.console_url, cookie_jar=jar) as http:
        form = await (await http.get("/login")).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        await http.post("/login", data={"username": name, "password": "correct horse battery", "csrf_token": token})
        queue = await (await http.get("/")).text()
        assert sender(call) in queue  # in the console's queue at once
        page = await http.get(page_path)
        text = await page.text()
    assert page.status == 200
    assert "加班费怎么算" in text and "faq" in text  # what the caller said, and what the bot understood


async def staff_session(stack, redis_server, http, role="city", district=None) -> str:
    """A staff account signed in to the stack's console; the session's CSRF token."""
    from redis.asyncio import Redis

    from bot.console.accounts import AccountStore

    client = Redis.from_url(redis_server["url"], decode_responses=True)
    name = f"hl{uuid.uuid4().hex[:6]}"
    await AccountStore(client, KEYS).create(name, "correct horse battery", role, created_by="test", district=district)
    await client.close()
    form = await (await http.get("/login")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    await http.post("/login", data={"username": name, "password": "correct horse battery", "csrf_token": token})
    return re.search(r'name="csrf_token" value="([^"]+)"', await (await http.get("/")).text()).group(1)


async def test_staff_file_for_a_caller_whose_next_call_hears_the_news(stack, redis_server, db):
    """工单录入 on a transferred call, a staff change, the caller's next call: the notice is said
    at its start and the call-back list lets go of it."""
    call = new_call(stack)
    await call.start()
    await answered(await call.presses("0"), "transfer")
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base_url=stack.console_url, cookie_jar=jar) as http:
        token = await staff_session(stack, redis_server, http)
        filed = await http.post("/appeals/new", allow_redirects=False, data={
            "csrf_token": token, "for": sender(call), "use_caller": "1", "consent": "1", "category": "wage_arrears",
            "district": "朝阳区", "description": "搬家公司欠两个月工资", "headcount": "2"})
        assert filed.status == 303, await filed.text()
        ticket = filed.headers["Location"].rsplit("/", 1)[1]
        moved = await http.post(f"/appeals/{ticket}/transition", data={
            "csrf_token": token, "to": "assigned", "queue": "district:朝阳区", "note": "已转劳动监察"})
        assert moved.status == 200
        listed = await (await http.get("/callbacks")).text()
        assert f'id="cb-{ticket}"' in listed and "已转劳动监察" in listed
        appeal = json.loads(db.get(KEYS.appeal(ticket)))
        assert appeal["phone"] == call.caller and appeal["channel"] == "hotline" and appeal["filed_by"]

        later = new_call(stack, call.caller)
        hello = await answered(await later.start())
        assert prompts.NOTICE_LEAD in hello.said and ticket_spoken(ticket) in hello.said
        assert "已转劳动监察" in hello.said
        assert f'id="cb-{ticket}"' not in await (await http.get("/callbacks")).text()  # heard: nobody need call
    assert db.zscore(KEYS.hotline_callbacks(), ticket) is None
