"""The retention sweep: past RETENTION_DAYS closed appeals lose their personal fields (the
record stays), and the project's other per-worker records lose what is older; newer data
and open appeals are untouched. Run as the operator would: `python -m bot.retention`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from bot.appeals import AppealStore, Status
from bot.console.app import init_app
from bot.console.audit import AuditLog
from bot.console.retention_task import run_once
from bot.escalations import EscalationStore
from bot.redis_keys import RedisKeys
from bot.retention import DAY_S, RetentionSweep
from bot.settings import Settings
from bot.trackers.event_log import EventLog
from bot.trackers.hook import EventLogTrackerHook

ROOT = Path(__file__).resolve().parents[3]
NOW = time.time()
OLD = NOW - 200 * DAY_S
RECENT = NOW - 10 * DAY_S


@pytest.fixture
async def world(redis_server):
    redis = Redis.from_url(redis_server["url"], decode_responses=True)
    keys = RedisKeys(f"r{uuid.uuid4().hex[:8]}:")
    yield redis, keys
    await redis.close()


async def closed_appeal(redis, keys, at: float, openid: str):
    store = AppealStore(redis, keys, clock=lambda: at)
    appeal = await store.create(description=f"欠薪，电话139-0000-1111", district="朝阳区", openid=openid,
                                phone="13900001111", name="王小明")
    for status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED):
        await store.transition(appeal.ticket_id, status, "staff:city", note="已处理")
    return appeal


async def seed(redis, keys):
    old_closed = await closed_appeal(redis, keys, OLD, "o_old")
    recent_closed = await closed_appeal(redis, keys, RECENT, "o_recent")
    old_open = await AppealStore(redis, keys, clock=lambda: OLD).create(description="还在处理", openid="o_open")
    await EscalationStore(redis, keys, clock=lambda: OLD).escalate("o_old", "asked")
    await EscalationStore(redis, keys, clock=lambda: RECENT).escalate("o_recent", "asked", "emergency")
    for openid, at in (("o_old", OLD), ("o_recent", RECENT)):
        await redis.rpush(keys.console_staff_replies(openid), json.dumps({"at": at, "staff": "x", "text": "您好"}))
        await redis.rpush(keys.wechat_media(openid), json.dumps({"media_id": "m", "at": at}))
        await redis.set(keys.wechat_location(openid), json.dumps({"label": "朝阳", "at": at}))
        await redis.hset(keys.wechat_follower(openid), mapping={"subscribed": "0", "until": str(at)})
        await EscalationStore(redis, keys, clock=lambda at=at: at).alert(openid, "救命", None, ["救命"])
        await AuditLog(redis, keys, clock=lambda at=at: at).record_login_failure("someone", "login_failed", "1.2.3.4")
    return old_closed, recent_closed, old_open


async def test_the_sweep_erases_only_what_is_past_the_retention_period(world):
    redis, keys = world
    old_closed, recent_closed, old_open = await seed(redis, keys)
    log = EventLog(redis, keys, ttl_s=DAY_S * 180)
    for openid, at in (("o_old", OLD), ("o_recent", RECENT)):
        await log.append(openid, 0, [{"event": "user", "text": "你好", "timestamp": at}])
    sweep = RetentionSweep(redis, keys, retention_days=180, trackers=EventLogTrackerHook(redis, keys, DAY_S * 180))
    counted = await sweep.run(now=NOW, dry_run=True)
    assert counted["appeals_erased"] == 1 and (await AppealStore(redis, keys).get(old_closed.ticket_id)).phone
    summary = await sweep.run(now=NOW)
    assert summary["appeals_erased"] == 1 and summary["escalations_removed"] == 1
    assert summary["conversations_removed"] == 1
    assert not await log.exists("o_old") and await log.exists("o_recent")
    store = AppealStore(redis, keys)
    erased = await store.get(old_closed.ticket_id)
    assert erased.status is Status.RESOLVED and erased.history, "the record stays"
    assert (erased.phone, erased.name, erased.openid) == (None, None, None) and "1111" not in erased.description
    assert (await store.get(recent_closed.ticket_id)).phone == "13900001111"
    assert (await store.get(old_open.ticket_id)).openid == "o_open", "open appeals are still being handled"
    escalations = EscalationStore(redis, keys)
    assert await escalations.get("o_old") is None and await escalations.get("o_recent") is not None
    assert [alert["openid"] for alert in await escalations.alerts()] == ["o_recent"]
    for openid, expected in (("o_old", 0), ("o_recent", 1)):
        assert await redis.llen(keys.console_staff_replies(openid)) == expected
        assert await redis.llen(keys.wechat_media(openid)) == expected
        assert await redis.exists(keys.wechat_location(openid)) == expected
        assert await redis.exists(keys.wechat_follower(openid)) == expected
    assert await redis.llen(keys.console_login_audit()) == 1
    again = await sweep.run(now=NOW)
    assert again["appeals_erased"] == 0 and again["staff_replies_removed"] == 0, "safe to repeat"


async def test_the_command_line_sweeps_with_the_configured_period(world, redis_server):
    redis, keys = world
    old_closed, recent_closed, _ = await seed(redis, keys)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("WECHAT_")}, "REDIS_URL": redis_server["url"],
           "KEY_PREFIX": keys.prefix, "RETENTION_DAYS": "5", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "bot.retention"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["retention_days"] == 5 and summary["appeals_erased"] == 2
    assert (await AppealStore(redis, keys).get(recent_closed.ticket_id)).phone is None
    bad = subprocess.run([sys.executable, "-m", "bot.retention"], cwd=ROOT, env={**env, "RETENTION_DAYS": "never"},
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "RETENTION_DAYS" in bad.stderr


async def test_the_console_sweep_runs_and_is_audited(world, redis_server):
    """One run of the console's daily task, on the app the console serves."""
    redis, keys = world
    old_closed, _, _ = await seed(redis, keys)
    app = init_app(Settings.from_env({"REDIS_URL": redis_server["url"], "KEY_PREFIX": keys.prefix}))
    server = TestServer(app)
    await server.start_server()
    try:
        summary = await run_once(app)
    finally:
        await server.close()
    assert summary["appeals_erased"] == 1
    assert (await AppealStore(redis, keys).get(old_closed.ticket_id)).phone is None
    entry = (await AuditLog(redis, keys).recent(limit=1))[0]
    assert entry.actor == "system" and entry.action == "retention_sweep" and entry.detail["appeals_erased"] == 1
