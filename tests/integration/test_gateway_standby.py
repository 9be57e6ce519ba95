"""The webhook gateway's own answers while Rasa cannot answer (bot/gateway, channels/wechat/
standby.py), with a real Redis and real signed, AES-encrypted WeChat requests: Rasa is either
absent (connection refused: it died) or a stand-in that never answers in time (it is busy).

The gateway decides, per message: answer busy and queue the worker (first attempt, or a claim
left by a Rasa that died), carry an earlier answer back (a retry), stay quiet (a live Rasa holds
the claim and answers by customer-service message), or refuse (forged, stale, plaintext)."""
from __future__ import annotations

import asyncio
import uuid

import pytest
from aiohttp import web
from redis.asyncio import Redis
from yarl import URL

from bot.escalations import EscalationStore
from bot.follow_up import BUSY_TEXT, REASON_SYSTEM_BUSY
from bot.gateway.app import init_app
from bot.redis_keys import RedisKeys
from bot.redis_server import free_port
from bot.settings import Settings
from channels.wechat.inbound import MEDIA_RECEIVED
from channels.wechat.ledger import InboundLedger
from channels.wechat.records import WeChatRecords
from channels.wechat_sim.official_account import new_msg_id
from tests.integration.wechat_worker import AES_KEY, APPID, TOKEN, new_openid
from channels.wechat_sim.official_account import OfficialAccountClient


@pytest.fixture
async def world(redis_server, tmp_path):
    prefix = f"gw{uuid.uuid4().hex[:6]}:"
    settings = Settings.from_env({"REDIS_URL": redis_server["url"], "KEY_PREFIX": prefix,
                                  "FOLLOW_UP_SPOOL": str(tmp_path / "spool.jsonl"), "WECHAT_REPLY_DEADLINE": "1.0"})
    slow_port, dead_port = free_port(), free_port()
    slow = web.Application()
    rasa = {"delay": 30.0, "answer": "success", "seen": 0}

    async def never_in_time(_request):
        rasa["seen"] += 1
        await asyncio.sleep(rasa["delay"])
        return web.Response(text=rasa["answer"])

    slow.router.add_route("*", "/{tail:.*}", never_in_time)
    runners = []
    urls = {}
    for name, upstream in (("dead", dead_port), ("slow", slow_port)):
        port = free_port()
        runner = web.AppRunner(init_app(settings, URL(f"http://127.0.0.1:{upstream}")), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        runners.append(runner)
        urls[name] = f"http://127.0.0.1:{port}/webhooks/wechat/webhook"
    slow_runner = web.AppRunner(slow, access_log=None, shutdown_timeout=0.1)
    await slow_runner.setup()
    await web.TCPSite(slow_runner, "127.0.0.1", slow_port).start()
    redis = Redis.from_url(redis_server["url"], decode_responses=True)
    keys = RedisKeys(prefix)
    clients = {name: OfficialAccountClient(url, TOKEN, APPID, AES_KEY) for name, url in urls.items()}
    yield {"rasa": rasa, "clients": clients, "queue": EscalationStore(redis, keys), "ledger": InboundLedger(redis, keys),
           "records": WeChatRecords(redis, keys)}
    for client in clients.values():
        await client.close()
    await redis.close()
    for runner in (*runners, slow_runner):
        await runner.cleanup()


async def test_first_attempt_and_retry_while_rasa_is_down(world):
    wechat, queue, openid, msg_id = world["clients"]["dead"], world["queue"], new_openid(), new_msg_id()
    first = await wechat.send_text(openid, "老板不给签劳动合同", msg_id=msg_id)
    assert first.ok and first.reply["Content"] == BUSY_TEXT, "answered passively, encrypted for WeChat"
    queued = await queue.get(openid)
    assert queued.reason == REASON_SYSTEM_BUSY and queued.excerpt == "老板不给签劳动合同"
    retry = await wechat.send_text(openid, "老板不给签劳动合同", msg_id=msg_id)
    assert retry.ok and retry.reply["Content"] == BUSY_TEXT
    assert (await queue.get(openid)).since == queued.since
    done = await world["ledger"].wait_for_outcome(f"msg:{openid}:{msg_id}", 0)
    assert done is not None and done.reply == BUSY_TEXT, "Rasa's channel, once back, finds it answered"


async def test_forged_stale_and_plaintext_requests_are_refused(world):
    wechat, queue, openid = world["clients"]["dead"], world["queue"], new_openid()
    body, params = wechat.prepare(wechat.message_xml(openid, "text", [("Content", "冒充")]), openid)
    assert (await wechat.post_raw(body, {**params, "signature": "f" * 40})).status == 403
    assert (await wechat.post_raw(body, {**params, "msg_signature": "f" * 40})).status == 403
    stale_body, stale = wechat.prepare(wechat.message_xml(openid, "text", [("Content", "冒充")]), openid,
                                       timestamp=1_600_000_000)
    assert (await wechat.post_raw(stale_body, stale)).status == 403
    plain = wechat.message_xml(openid, "text", [("Content", "冒充")]).encode()
    plain_params = {k: v for k, v in params.items() if k not in ("encrypt_type", "msg_signature")}
    assert (await wechat.post_raw(plain, plain_params)).status == 403, "a key is set: only the envelope"
    assert await queue.get(openid) is None, "a forged request queues nobody"


async def test_a_claim_left_by_a_rasa_that_died_is_answered(world):
    wechat, queue, openid, msg_id = world["clients"]["dead"], world["queue"], new_openid(), new_msg_id()
    assert await world["ledger"].claim(f"msg:{openid}:{msg_id}")  # Rasa took it, then was killed
    result = await wechat.send_text(openid, "工伤怎么认定", msg_id=msg_id)
    assert result.ok and result.reply["Content"] == BUSY_TEXT
    assert (await queue.get(openid)).reason == REASON_SYSTEM_BUSY


async def test_a_live_but_slow_rasa_keeps_its_claim_and_its_late_answer_is_passed_on(world):
    """Rasa's channel claimed the message and answers past the gateway's deadline: the gateway
    neither answers busy nor cuts Rasa off (Sanic would cancel the turn), it passes Rasa's answer on."""
    wechat, queue, openid, msg_id = world["clients"]["slow"], world["queue"], new_openid(), new_msg_id()
    world["rasa"].update(delay=2.5, answer="rasa-late-answer")  # the gateway waits 1.5 s (deadline 1.0)
    assert await world["ledger"].claim(f"msg:{openid}:{msg_id}")  # Rasa is working on it
    result = await wechat.send_text(openid, "工伤怎么认定", msg_id=msg_id)
    assert result.status == 200 and result.body == b"rasa-late-answer"
    assert await queue.get(openid) is None, "Rasa answers, nobody is queued"


async def test_a_message_a_busy_rasa_has_not_taken_gets_the_busy_text_in_time(world):
    wechat, queue, openid = world["clients"]["slow"], world["queue"], new_openid()
    result = await wechat.send_text(openid, "还有一个问题", msg_id=new_msg_id())
    assert result.ok and result.reply["Content"] == BUSY_TEXT, "Rasa is loading: the gateway answers"
    assert (await queue.get(openid)).reason == REASON_SYSTEM_BUSY
    await asyncio.sleep(0.2)
    assert world["rasa"]["seen"] == 1, "the request still reached Rasa (it finds the message answered)"


async def test_media_is_kept_and_acknowledged_without_the_bot(world):
    wechat, queue, openid = world["clients"]["dead"], world["queue"], new_openid()
    result = await wechat.send_image(openid, media_id="m-outage-1")
    assert result.ok and result.reply["Content"] == MEDIA_RECEIVED.format(what="图片")
    assert [m["media_id"] for m in await world["records"].media(openid)] == ["m-outage-1"]
    assert await queue.get(openid) is None, "nothing for the bot, nothing to follow up"
