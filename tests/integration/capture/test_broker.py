"""The capture broker behind the real tracker store and a real Redis: a saved turn becomes one
stream record; while Redis is down publishing never waits, and the records are
written once Redis is back."""
from __future__ import annotations

import asyncio
import time

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from redis.asyncio import Redis

from bot.capture.broker import CaptureEventBroker
from bot.capture.record import decode
from bot.redis_keys import RedisKeys
from bot.redis_server import free_port, start_redis
from bot.settings import Settings
from bot.trackers.store import EventLogTrackerStore

PREFIX = "capture:"
STREAM = RedisKeys(PREFIX).capture_stream()


@pytest.fixture
def own_redis(tmp_path):
    server = {"port": free_port(), "dir": tmp_path / "redis"}
    server["process"] = start_redis(server["port"], server["dir"])
    yield server
    server["process"].terminate()
    server["process"].wait(10)


def settings_for(port: int, maxlen: int = 50_000) -> Settings:
    return Settings.from_env({"REDIS_URL": f"redis://127.0.0.1:{port}/0", "KEY_PREFIX": PREFIX,
                              "CAPTURE_STREAM_MAXLEN": str(maxlen)})


def turn(text: str, mid: str) -> list:
    parse = {"intent": {"name": "faq", "confidence": 0.9}, "entities": [],
             "intent_ranking": [{"name": "faq", "confidence": 0.9}],
             "response_selector": {"faq": {"response": {"intent_response_key": "faq/overtime_pay"}}}}
    return [UserUttered(text, parse["intent"], [], parse, input_channel="wechat", message_id=mid),
            ActionExecuted("utter_faq"), BotUttered("平时加班150%"), ActionExecuted("action_listen")]


async def stream(port: int):
    client = Redis(port=port, decode_responses=True)
    try:
        return [decode(fields) for _, fields in await client.xrange(STREAM)]
    finally:
        await client.close()


async def save_turn(store: EventLogTrackerStore, sender: str, text: str, mid: str) -> float:
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, [])
    for event in turn(text, mid):
        tracker.update(event)
    started = time.perf_counter()
    await store.save(tracker)
    return time.perf_counter() - started


async def test_a_saved_turn_is_one_record(own_redis):
    settings = settings_for(own_redis["port"])
    broker = CaptureEventBroker.from_settings(settings)
    store = EventLogTrackerStore(domain=Domain.empty(), redis_url=settings.redis.url, event_broker=broker)
    await save_turn(store, "oWORKER1", "加班费怎么算 我手机13900001111", "m-1")
    await save_turn(store, "oWORKER1", "周末加班呢", "m-2")
    assert await broker.writer.drain(5)
    records = await stream(own_redis["port"])
    assert [r["mid"] for r in records] == ["m-1", "m-2"]
    assert records[0]["text"] == "加班费怎么算 我手机139****1111"
    assert records[0]["reply"] == "平时加班150%" and records[0]["intent"] == "faq/overtime_pay"
    assert records[0]["sender"].startswith("s:") and records[0]["sender"] == records[1]["sender"]
    await broker.close()


async def test_the_stream_is_bounded(own_redis):
    broker = CaptureEventBroker.from_settings(settings_for(own_redis["port"], maxlen=100))
    for n in range(1000):
        broker.publish({"event": "user", "sender_id": f"o{n}", "text": f"消息{n}", "message_id": f"m{n}",
                        "parse_data": {}, "timestamp": 1.0})
        broker.publish({"event": "action", "sender_id": f"o{n}", "name": "action_listen"})
    assert await broker.writer.drain(10)
    client = Redis(port=own_redis["port"], decode_responses=True)
    length = await client.xlen(STREAM)
    await client.close()
    assert 100 <= length < 400  # MAXLEN ~ trims whole nodes: about N, never unbounded
    await broker.close()


async def test_redis_down_never_blocks_and_nothing_is_lost_when_it_returns(own_redis):
    broker = CaptureEventBroker.from_settings(settings_for(own_redis["port"]))
    own_redis["process"].terminate()
    own_redis["process"].wait(30)
    started = time.perf_counter()
    for n in range(50):
        broker.publish({"event": "user", "sender_id": "o1", "text": f"停机时的消息{n}", "message_id": f"d{n}",
                        "parse_data": {}, "timestamp": 1.0})
        broker.publish({"event": "action", "sender_id": "o1", "name": "action_listen"})
    assert time.perf_counter() - started < 0.5  # publish() only queues
    await asyncio.sleep(1.5)  # the writer has failed at least once meanwhile
    assert broker.writer.waiting == 50
    own_redis["process"] = start_redis(own_redis["port"], own_redis["dir"])
    assert await broker.writer.drain(40)
    assert [r["mid"] for r in await stream(own_redis["port"])] == [f"d{n}" for n in range(50)]
    await broker.close()


async def test_records_past_the_retention_period_are_trimmed(own_redis):
    client = Redis(port=own_redis["port"], decode_responses=True)
    old_ms = int((time.time() - 200 * 24 * 3600) * 1000)
    for n in range(300):  # a year-old stream of 300 records (more than one node, so ~ can trim)
        await client.xadd(STREAM, {"v": "1", "mid": f"old{n}"}, id=f"{old_ms + n}-0")
    broker = CaptureEventBroker.from_settings(settings_for(own_redis["port"]))  # RETENTION_DAYS 180
    broker.publish({"event": "user", "sender_id": "o", "text": "新消息", "message_id": "new", "parse_data": {},
                    "timestamp": time.time()})
    broker.publish({"event": "action", "sender_id": "o", "name": "action_listen"})
    assert await broker.writer.drain(10)
    await asyncio.sleep(0.2)
    remaining = [fields["mid"] for _, fields in await client.xrange(STREAM)]
    await client.close()
    assert remaining[-1] == "new" and len(remaining) < 300
    await broker.close()
