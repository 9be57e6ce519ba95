"""Capture end to end: workers write through the WeChat simulator to the real stack (Redis,
action server, Rasa with the trained model and the event broker of bot/endpoints.yml); each
message appears once in the stream with what the bot made of it. A stream Redis refuses to
write never costs a worker an answer."""
from __future__ import annotations

import json
import time
import uuid

import pytest
import redis

from bot.capture.record import FIELDS, decode
from bot.redis_keys import RedisKeys
from tests.integration.stack import Stack
from tests.integration.wechat_worker import account_client, answer_to, sent_to

PREFIX = "capstack:"
STREAM = RedisKeys(PREFIX).capture_stream()


@pytest.fixture(scope="module")
def stack(redis_server, model_path, tmp_path_factory):
    running = Stack(redis_server["url"], tmp_path_factory.mktemp("capture") / "launcher.log",
                    {"KEY_PREFIX": PREFIX}).start()
    yield running
    running.kill()


@pytest.fixture
def store(redis_server):
    return redis.Redis(port=redis_server["port"], decode_responses=True)


def openid() -> str:
    return "o" + uuid.uuid4().hex[:27]  # the shape of a real OpenID (28 characters)


def records_of(store, mids=None, since="-"):
    return [decode(fields) for _, fields in store.xrange(STREAM, since)]


def wait_for(store, count: int, since: str = "-", timeout_s: float = 20.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = records_of(store, since=since)
        if len(found) >= count:
            return found
        time.sleep(0.2)
    return records_of(store, since=since)


async def test_every_message_appears_once_with_what_the_bot_made_of_it(stack, store):
    worker, other, in_danger = openid(), openid(), openid()
    sent = [(worker, "加班费怎么算"), (worker, "我电话13900001111 老板欠我三个月工资"), (other, "啊啊啊那个那个"),
            (in_danger, "工友说他不想活了要跳楼")]
    async with account_client(stack) as wechat:
        replies = []
        for who, text in sent:
            before = len(await sent_to(stack, who))
            replies.append(await answer_to(stack, who, await wechat.send_text(who, text), before))
        before = len(await sent_to(stack, worker))
        retried = await wechat.send_text(worker, "周末加班给几倍", msg_id=424242)
        again = await wechat.send_text(worker, "周末加班给几倍", msg_id=424242)  # WeChat's retry
        assert again.status == 200
        replies.append(await answer_to(stack, worker, retried, before))
        sent.append((worker, "周末加班给几倍"))
    records = wait_for(store, len(sent))
    time.sleep(1.0)
    records = records_of(store)
    assert len(records) == len(sent), [r["text"] for r in records]  # once each, the retry included
    assert len({r["mid"] for r in records}) == len(sent)
    by_text = {r["text"]: r for r in records}
    assert set(by_text) == {"加班费怎么算", "我电话139****1111 老板欠我三个月工资", "啊啊啊那个那个", "周末加班给几倍",
                            "工友说他不想活了要跳楼"}
    first = by_text["加班费怎么算"]
    assert first["intent"] == "faq/overtime_pay" and first["response_key"] == "faq/overtime_pay"
    assert first["channel"] == "wechat" and first["complete"] and 0 < first["confidence"] <= 1
    assert 1 <= len(first["ranking"]) <= 3 and first["ranking"][0]["name"] == "faq/overtime_pay"
    assert first["reply"] and first["reply"][:20] in replies[0]
    assert by_text["周末加班给几倍"]["reply"][:20] in replies[4]
    crisis = by_text["工友说他不想活了要跳楼"]
    assert crisis["intent"] == "report_emergency" and crisis["crisis"] and "110" in crisis["reply"]
    # Pseudonyms: one per worker, never the OpenID, nowhere in the stream.
    assert first["sender"] == by_text["周末加班给几倍"]["sender"] != by_text["啊啊啊那个那个"]["sender"]
    raw = json.dumps(store.xrange(STREAM), ensure_ascii=False)
    assert worker not in raw and other not in raw and "13900001111" not in raw
    assert all(set(fields) == set(FIELDS) for _, fields in store.xrange(STREAM))
    nonsense = by_text["啊啊啊那个那个"]
    assert nonsense["fallback"] is ("action_fallback" in nonsense["actions"] or nonsense["confidence"] < 0.5)


async def test_a_stream_redis_refuses_never_costs_an_answer(stack, store):
    last = (store.xrevrange(STREAM, count=1) or [("0-0", {})])[0][0]
    store.rename(STREAM, STREAM + ":saved")
    store.set(STREAM, "not a stream")  # every XADD now fails (WRONGTYPE)
    worker = openid()
    try:
        async with account_client(stack) as wechat:
            started = time.monotonic()
            result = await wechat.send_text(worker, "年假有几天")
            assert result.ok and "年" in result.reply["Content"], result.reply  # passively: not slowed
            assert time.monotonic() - started < 5
    finally:
        time.sleep(1.5)  # the writer has failed at least once
        store.delete(STREAM)
        store.rename(STREAM + ":saved", STREAM)
    records = wait_for(store, 1, since=f"({last}", timeout_s=40)  # written on the writer's retry
    assert [r["text"] for r in records] == ["年假有几天"]
