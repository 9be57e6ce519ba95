"""The appeal store against a real Redis: indexes, numbering, atomic changes, crash safety.

Each test writes under its own key prefix on the session's Redis (never FLUSHALL); the
crash test kills a private Redis of its own so the shared one stays up.
"""
from __future__ import annotations

import asyncio
import json
import re
import signal
from datetime import datetime, timedelta, timezone
from uuid import uuid4

import pytest
import redis.asyncio as aioredis
from redis.exceptions import BusyLoadingError

from bot.appeals import AppealError, AppealNotFound, AppealStore, Status
from bot.appeals.status import DAY
from bot.redis_keys import RedisKeys
from bot.redis_server import free_port, start_redis


BEIJING = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 26, 9, 30, tzinfo=BEIJING).timestamp()
HOUR = 3600
ALICE = "oAlice000000000000000000001"
BOB = "oBob00000000000000000000002"


class Clock:
    """An injectable clock the test moves by hand."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
async def client(redis_server):
    connection = aioredis.Redis.from_url(redis_server["url"], decode_responses=True)
    yield connection
    await connection.close(close_connection_pool=True)


@pytest.fixture
def keys() -> RedisKeys:
    return RedisKeys(f"t{uuid4().hex[:8]}:")


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def store(client, keys, clock) -> AppealStore:
    return AppealStore(client, keys, clock=clock)


def filing(**fields) -> dict:
    fields.setdefault("description", "包工头拖欠工资三个月")
    fields.setdefault("openid", ALICE)
    fields.setdefault("category", "wage_arrears")
    fields.setdefault("consent", True)
    return fields


# Whatever the filing wrote, by type (insight's counters are hashes and lists, bot/insight/).
READERS = {
    "string": lambda client, key: client.get(key),
    "zset": lambda client, key: client.zrange(key, 0, -1, withscores=True),
    "hash": lambda client, key: client.hgetall(key),
    "list": lambda client, key: client.lrange(key, 0, -1),
    "set": lambda client, key: client.smembers(key),
}


async def snapshot(client, keys: RedisKeys) -> dict:
    """Every key under the test's prefix with its full value: proof that nothing changed."""
    found = {}
    async for key in client.scan_iter(match=f"{keys.prefix}*"):
        kind = await client.type(key)
        found[key] = await READERS.get(kind, READERS["zset"])(client, key)
    return found


# --- filing and reading -------------------------------------------------------------------
async def test_create_then_get(store, client, keys):
    made = await store.create(**filing(district="朝阳", phone="138-0013-8000", headcount="3", employer="某建筑公司"))
    assert made.ticket_id == "GH202611260001"
    assert (made.status, made.queue, made.phone, made.headcount) == (Status.SUBMITTED, "district:朝阳区", "13800138000", 3)
    assert await store.get("GH202611260001") == made
    assert await store.get(" gh 2026 1126 0001 ") == made
    assert await store.get("GH202611260002") is None and await store.get("看看我的诉求") is None
    raw = json.loads(await client.get(keys.appeal(made.ticket_id)))
    assert raw["ticket_id"] == made.ticket_id and raw["description"] == "包工头拖欠工资三个月"
    for index in (keys.appeals_by_created(), keys.appeals_by_status("submitted"), keys.appeals_by_queue("district:朝阳区"),
                  keys.appeals_by_district("朝阳区"), keys.appeals_by_openid(ALICE), keys.appeals_by_phone("13800138000")):
        assert await client.zscore(index, made.ticket_id) == T0
    assert await client.zscore(keys.appeals_due(), made.ticket_id) == T0 + DAY


async def test_all_keys_carry_the_prefix(store, client, keys):
    await store.create(**filing())
    assert all(key.startswith(keys.prefix) for key in await snapshot(client, keys))
    assert RedisKeys().appeal("GH202611260001") == "gh:appeal:GH202611260001"


async def test_store_refuses_a_bytes_client(redis_server, keys):
    raw = aioredis.Redis.from_url(redis_server["url"])
    try:
        with pytest.raises(ValueError, match="decode_responses"):
            AppealStore(raw, keys)
    finally:
        await raw.close(close_connection_pool=True)


async def test_invalid_filing_writes_nothing(store, client, keys):
    with pytest.raises(AppealError, match="phone"):
        await store.create(**filing(phone="12345"))
    assert await snapshot(client, keys) == {}


# --- ticket numbers -----------------------------------------------------------------------
async def test_sequence_restarts_at_beijing_midnight(store, clock):
    clock.now = datetime(2026, 11, 26, 23, 59, 58, tzinfo=BEIJING).timestamp()
    first = [(await store.create(**filing())).ticket_id for _ in range(2)]
    clock.now = datetime(2026, 11, 27, 0, 0, 0, tzinfo=BEIJING).timestamp()  # 16:00 UTC on the 26th
    second = [(await store.create(**filing())).ticket_id for _ in range(2)]
    assert first == ["GH202611260001", "GH202611260002"]
    assert second == ["GH202611270001", "GH202611270002"]
    assert all(re.fullmatch(r"GH\d{8}\d{4}", ticket) for ticket in first + second)


async def test_200_concurrent_filings_get_gap_free_numbers(store, client, keys):
    made = await asyncio.gather(*(store.create(**filing(description=f"诉求{i}")) for i in range(200)))
    assert sorted(a.ticket_id for a in made) == [f"GH20261126{n:04d}" for n in range(1, 201)]
    assert await client.zcard(keys.appeals_by_created()) == 200
    assert await client.get(keys.appeal_day_sequence("20261126")) == "200"
    # Each number holds the appeal that was returned for it.
    for appeal in made[::20]:
        assert (await store.get(appeal.ticket_id)).description == appeal.description


async def test_a_lost_counter_never_overwrites_a_record(store, client, keys):
    first = await store.create(**filing())
    await client.delete(keys.appeal_day_sequence("20261126"))
    second = await store.create(**filing(description="另一件事"))
    assert second.ticket_id == "GH202611260002"
    assert (await store.get(first.ticket_id)).description == first.description


# --- listing ------------------------------------------------------------------------------
async def test_list_filters(store, clock):
    a = await store.create(**filing(district="朝阳", employer="北京某某建筑有限公司", phone="13800138000"))
    clock.advance(60)
    b = await store.create(**filing(openid=BOB, district="海淀", employer="ABC物流"))
    clock.advance(60)
    c = await store.create(**filing(openid=BOB, employer="abc餐饮", headcount=20))
    clock.advance(60)
    d = await store.create(**filing(openid=None, phone="13900139000", channel="hotline"))
    await store.transition(b.ticket_id, Status.ASSIGNED, "staff:city", queue="district:海淀区")

    def tickets(appeals):
        return [appeal.ticket_id for appeal in appeals]

    assert tickets(await store.list()) == tickets([d, c, b, a])  # newest first
    assert tickets(await store.list(limit=2)) == tickets([d, c])
    assert tickets(await store.list(status=Status.SUBMITTED)) == tickets([d, c, a])
    assert tickets(await store.list(status="assigned")) == tickets([b])
    assert tickets(await store.list(queue="city")) == tickets([d, c])
    assert tickets(await store.list(queue="district:海淀区")) == tickets([b])
    assert tickets(await store.list(district="朝阳")) == tickets([a])
    assert tickets(await store.list(openid=BOB)) == tickets([c, b])
    assert tickets(await store.list(openid=BOB, status="submitted")) == tickets([c])
    assert tickets(await store.list(phone="139 0013 9000")) == tickets([d])
    assert tickets(await store.list(employer="ＡＢＣ")) == tickets([c, b])
    assert tickets(await store.list(employer="建筑", district="朝阳区")) == tickets([a])
    assert tickets(await store.list(since=T0 + 60, until=T0 + 120)) == tickets([c, b])
    assert tickets(await store.list(since=datetime.fromtimestamp(T0 + 61, BEIJING))) == tickets([d, c])
    assert await store.list(openid="oNobody") == []
    with pytest.raises(AppealError, match="limit"):
        await store.list(limit=0)
    with pytest.raises(AppealError, match="district"):
        await store.list(district="上海")


async def test_list_pages_through_large_indexes(store, clock):
    for i in range(450):
        clock.advance(1)
        await store.create(**filing(employer="目标公司" if i % 150 == 0 else "别家"))
    found = await store.list(employer="目标", limit=1000)
    assert [a.ticket_id for a in found] == [f"GH20261126{n:04d}" for n in (301, 151, 1)]
    assert len(await store.list(limit=1000)) == 450


# --- transitions --------------------------------------------------------------------------
async def test_lifecycle_moves_indexes_and_deadlines(store, client, keys, clock):
    made = await store.create(**filing(district="丰台"))
    ticket = made.ticket_id
    clock.advance(HOUR)
    await store.transition(ticket, Status.ASSIGNED, "staff:city", note="派单至区总", queue="city", assignee="wang")
    assert await client.zscore(keys.appeals_by_queue("district:丰台区"), ticket) is None
    assert await client.zscore(keys.appeals_by_queue("city"), ticket) == T0
    clock.advance(HOUR)
    await store.transition(ticket, "in_progress", "staff:wang")
    clock.advance(HOUR)
    resolved = await store.transition(ticket, Status.RESOLVED, "staff:wang", note="已追回工资")
    assert resolved.due_at == T0 + 3 * HOUR + 7 * DAY
    assert await client.zscore(keys.appeals_due(), ticket) == resolved.due_at
    assert await client.zscore(keys.appeals_by_status("in_progress"), ticket) is None
    assert await client.zscore(keys.appeals_by_status("resolved"), ticket) == T0
    done = await store.record_satisfaction(ticket, 5, "很满意", "staff:wang")
    assert await store.get(ticket) == done
    assert [c.to_status for c in done.history] == [
        Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.REVISITED
    ]
    assert [c.actor for c in done.history] == [f"worker:{ALICE}", "staff:city", "staff:wang", "staff:wang", "staff:wang"]
    assert done.history[1].note == "派单至区总" and done.history[1].assignee == "wang"
    assert await client.zscore(keys.appeals_due(), ticket) is None  # closed: nothing more due
    assert await client.zrange(keys.appeals_by_status("revisited"), 0, -1) == [ticket]


async def test_illegal_transition_is_refused_and_nothing_changes(store, client, keys):
    made = await store.create(**filing())
    before = await snapshot(client, keys)
    with pytest.raises(AppealError, match="已受理.*已办结") as error:
        await store.transition(made.ticket_id, Status.RESOLVED, "staff:li")
    assert error.value.code == "illegal_transition"
    with pytest.raises(AppealError, match="withdraw"):
        await store.transition(made.ticket_id, Status.CANCELLED, "staff:li")
    with pytest.raises(AppealError, match="status"):
        await store.transition(made.ticket_id, "finished", "staff:li")
    with pytest.raises(AppealNotFound):
        await store.transition("GH209901010001", Status.ASSIGNED, "staff:li")
    assert await snapshot(client, keys) == before


async def test_two_staff_moving_the_same_appeal(store):
    ticket = (await store.create(**filing())).ticket_id
    await store.transition(ticket, Status.ASSIGNED, "staff:city")
    outcomes = await asyncio.gather(
        *(store.transition(ticket, Status.IN_PROGRESS, f"staff:{i}") for i in range(20)), return_exceptions=True
    )
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(winners) == 1
    assert all(isinstance(o, AppealError) and o.code == "illegal_transition" for o in outcomes if o not in winners)
    stored = await store.get(ticket)
    assert [c.to_status for c in stored.history] == [Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS]
    assert stored.history[-1].actor == winners[0].history[-1].actor


async def test_concurrent_notes_are_all_kept(store):
    ticket = (await store.create(**filing())).ticket_id
    await asyncio.gather(*(store.add_note(ticket, f"staff:{i}", f"备注{i}") for i in range(50)))
    stored = await store.get(ticket)
    assert sorted(note["text"] for note in stored.notes) == sorted(f"备注{i}" for i in range(50))


# --- deadlines ----------------------------------------------------------------------------
async def test_overdue_detection(store, clock):
    normal = await store.create(**filing())
    urgent = await store.create(**filing(headcount=15))
    assert await store.overdue() == []
    clock.advance(6 * HOUR + 1)
    assert [a.ticket_id for a in await store.overdue()] == [urgent.ticket_id]
    clock.advance(DAY)
    assert [a.ticket_id for a in await store.overdue()] == [urgent.ticket_id, normal.ticket_id]  # most overdue first
    assert [a.ticket_id for a in await store.list(overdue=True)] == [urgent.ticket_id, normal.ticket_id]
    assert [a.ticket_id for a in await store.list(overdue=True, status="submitted", openid=ALICE)] == [
        urgent.ticket_id, normal.ticket_id
    ]
    moved = await store.transition(normal.ticket_id, Status.ASSIGNED, "staff:city")
    assert moved.due_at == clock.now + 2 * DAY
    assert [a.ticket_id for a in await store.overdue()] == [urgent.ticket_id]
    assert [a.ticket_id for a in await store.list(overdue=False)] == [normal.ticket_id]
    assert [a.ticket_id for a in await store.overdue(now=clock.now + 2 * DAY + 1)] == [urgent.ticket_id, normal.ticket_id]


# --- ownership ----------------------------------------------------------------------------
async def test_workers_see_only_their_own(store):
    mine = await store.create(**filing(phone="13800138000"))
    assert await store.owned_by(mine.ticket_id, openid=ALICE) == mine
    assert await store.owned_by(mine.ticket_id.lower(), phone="+86 13800138000") == mine
    assert await store.owned_by(mine.ticket_id, openid=BOB) is None
    assert await store.owned_by(mine.ticket_id, phone="13900139000") is None
    assert await store.owned_by(mine.ticket_id, phone="not a phone") is None
    assert await store.owned_by(mine.ticket_id) is None
    with pytest.raises(AppealNotFound):
        await store.withdraw(mine.ticket_id, openid=BOB)
    withdrawn = await store.withdraw(mine.ticket_id, openid=ALICE, note="已和老板谈妥")
    assert withdrawn.status is Status.CANCELLED and withdrawn.history[-1].actor == f"worker:{ALICE}"
    assert await store.overdue(now=T0 + 30 * DAY) == []


# --- evidence, notes, satisfaction --------------------------------------------------------
async def test_evidence_and_notes(store, clock):
    ticket = (await store.create(**filing())).ticket_id
    await store.attach_evidence(ticket, {"type": "image", "media_id": "MEDIA_1", "title": "工资条"})
    clock.advance(5)
    await store.attach_evidence(ticket, {"type": "image", "media_id": "MEDIA_1"})  # WeChat retry
    await store.attach_evidence(ticket, {"type": "voice", "media_id": "MEDIA_2"})
    await store.add_note(ticket, "staff:li", "已电话联系职工")
    stored = await store.get(ticket)
    assert stored.evidence == [
        {"type": "image", "media_id": "MEDIA_1", "title": "工资条", "at": T0},
        {"type": "voice", "media_id": "MEDIA_2", "title": None, "at": T0 + 5},
    ]
    assert stored.notes == [{"at": T0 + 5, "actor": "staff:li", "text": "已电话联系职工"}]
    assert stored.status is Status.SUBMITTED and len(stored.history) == 1
    with pytest.raises(AppealError, match="evidence"):
        await store.attach_evidence(ticket, {"media_id": "x"})
    with pytest.raises(AppealNotFound):
        await store.add_note("GH209901010001", "staff:li", "无")


async def test_satisfaction(store):
    ticket = (await store.create(**filing())).ticket_id
    with pytest.raises(AppealError, match="已办结"):
        await store.record_satisfaction(ticket, 5, "", "staff:li")
    for step in (Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED):
        await store.transition(ticket, step, "staff:li")
    with pytest.raises(AppealError, match="satisfaction"):
        await store.record_satisfaction(ticket, 6, "", "staff:li")
    assert (await store.get(ticket)).status is Status.RESOLVED
    done = await store.record_satisfaction(ticket, 3, "一般", "staff:li")
    stored = await store.get(ticket)
    assert stored == done and (stored.status, stored.satisfaction, stored.satisfaction_comment) == (Status.REVISITED, 3, "一般")
    with pytest.raises(AppealError, match="已回访"):
        await store.record_satisfaction(ticket, 5, "", "staff:li")


# --- crash safety -------------------------------------------------------------------------
async def test_appeals_survive_kill_9(tmp_path, keys, clock):
    """A private Redis is SIGKILLed and restarted on the same port and data: nothing is lost."""
    port, data_dir = free_port(), tmp_path / "redis"
    # start_redis waits for the port; off the event loop like any blocking call.
    process = await asyncio.to_thread(start_redis, port, data_dir)
    try:
        before = await _file_some(port, keys, clock)
        process.send_signal(signal.SIGKILL)
        assert await asyncio.to_thread(process.wait, 10) == -signal.SIGKILL
        process = await asyncio.to_thread(start_redis, port, data_dir)
        connection = aioredis.Redis(port=port, decode_responses=True)
        try:
            await _until_loaded(connection)
            store = AppealStore(connection, keys, clock=clock)
            for appeal in before:
                assert await store.get(appeal.ticket_id) == appeal
            assert [a.ticket_id for a in await store.list()] == [a.ticket_id for a in reversed(before)]
            assert (await store.create(**filing())).ticket_id == "GH202611260006"  # numbering continues
        finally:
            await connection.close(close_connection_pool=True)
    finally:
        process.terminate()
        await asyncio.to_thread(process.wait, 10)


async def _until_loaded(connection, timeout: float = 15) -> None:
    """A restarted Redis listens before it has replayed its AOF (BusyLoadingError meanwhile)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            await connection.ping()
            return
        except BusyLoadingError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.05)


async def _file_some(port: int, keys: RedisKeys, clock: Clock) -> list:
    connection = aioredis.Redis(port=port, decode_responses=True)
    try:
        store = AppealStore(connection, keys, clock=clock)
        made = []
        for i in range(5):
            clock.advance(1)
            made.append(await store.create(**filing(description=f"第{i}件", headcount=i + 8)))
        await store.transition(made[0].ticket_id, Status.ASSIGNED, "staff:city", queue="朝阳")
        await store.attach_evidence(made[1].ticket_id, {"type": "image", "media_id": "M"})
        await store.add_note(made[2].ticket_id, "staff:li", "已联系")
        return [await store.get(appeal.ticket_id) for appeal in made]
    finally:
        await connection.close(close_connection_pool=True)
