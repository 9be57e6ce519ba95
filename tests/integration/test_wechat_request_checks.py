"""The WeChat channel's request checks and logs, in-process: the real channel on a real Sanic
server, a real Redis (or none, for an outage), the official-account client as WeChat, and a
stand-in for Rasa — what the bot answers does not matter here, only whether it was asked."""
from __future__ import annotations

import logging
import secrets
import uuid
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import List

import pytest
from sanic import Sanic

from bot.redis_server import free_port
from bot.settings import DEV_WECHAT, Settings
from bot.trackers.store import EventLogTrackerStore
from channels.wechat.input_channel import WeChatInput
from bot.log_privacy import SANIC_LOGGERS, pseudonym
from channels.wechat_sim.official_account import OfficialAccountClient, sha1_signature

TOKEN, APPID, AES_KEY = DEV_WECHAT["WECHAT_TOKEN"], DEV_WECHAT["WECHAT_APPID"], DEV_WECHAT["WECHAT_AES_KEY"]


def wechat_openid() -> str:
    """Shaped like a real OpenID (28 URL-safe characters starting with "o")."""
    return "o" + secrets.token_urlsafe(21)[:27]


class StandInBot:
    """Plays Rasa's `on_new_message`: records each message and answers it (or fails)."""

    def __init__(self, failure: str = ""):
        self.seen: List[str] = []
        self.failure = failure

    async def __call__(self, message) -> None:
        self.seen.append(message.text)
        if self.failure:
            raise RuntimeError(self.failure.format(sender=message.sender_id, text=message.text))
        await message.output_channel.send_text_message(message.sender_id, "收到")


@asynccontextmanager
async def serving(bot: StandInBot, redis_url: str, aes_key: str = AES_KEY):
    settings = Settings.from_env({**DEV_WECHAT, "WECHAT_AES_KEY": aes_key, "REDIS_URL": redis_url})
    channel = WeChatInput(settings)
    Sanic.test_mode = True  # Sanic's own switch for several apps in one process (as sanic-testing sets it)
    app = Sanic(f"wechat_{uuid.uuid4().hex}")
    # Rasa's agent stands in too; the channel refuses to start without a persistent tracker store.
    app.ctx.agent = SimpleNamespace(tracker_store=EventLogTrackerStore(redis_url=redis_url))
    app.blueprint(channel.blueprint(bot), url_prefix="/webhooks/wechat")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=True)
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}/webhooks/wechat/webhook"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
        await channel.runtime.close()


@pytest.fixture
def log_lines(caplog):
    """Every record at INFO and above, as printed, from our loggers and Sanic's own."""
    caplog.set_level(logging.INFO)
    sanic_loggers = [logging.getLogger(name) for name in SANIC_LOGGERS]
    for logger in sanic_loggers:  # they may not propagate (Rasa turns that off)
        logger.addHandler(caplog.handler)
    printed = logging.Formatter("%(levelname)s %(name)s %(message)s")

    def lines():
        return [(record.levelno, printed.format(record) + " " + str(getattr(record, "request", "")))
                for record in caplog.records]
    yield lines
    for logger in sanic_loggers:
        logger.removeHandler(caplog.handler)


async def test_plaintext_mode_without_a_key_still_answers(redis_server):
    bot = StandInBot()
    async with serving(bot, redis_server["url"], aes_key="") as url:
        async with OfficialAccountClient(url, TOKEN, APPID, "") as plain:
            answered = await plain.send_text(wechat_openid(), "加班费怎么算")
        async with OfficialAccountClient(url, TOKEN, APPID, AES_KEY) as encrypted:
            unreadable = await encrypted.send_text(wechat_openid(), "年假几天")
    assert answered.ok and answered.reply["Content"] == "收到" and b"<Encrypt>" not in answered.body
    assert unreadable.status == 403
    assert bot.seen == ["加班费怎么算"]


async def test_a_failing_request_logs_neither_its_query_string_nor_the_openid(log_lines):
    nothing_listening = f"redis://127.0.0.1:{free_port()}/0"  # Redis is down
    sender = wechat_openid()
    async with serving(StandInBot(), nothing_listening) as url:
        async with OfficialAccountClient(url, TOKEN, APPID, AES_KEY) as wechat:
            body, params = wechat.prepare(wechat.message_xml(sender, "text", [("Content", "老板欠我三个月工资")]), sender)
            await wechat.post_raw(body, params)
    printed = log_lines()
    assert any(level >= logging.WARNING for level, _ in printed), "the outage must be logged"
    assert any("/webhooks/wechat/webhook?<redacted>" in line for _, line in printed), "access log line"
    for _, line in printed:
        for secret in (params["signature"], params["msg_signature"], params["nonce"], sender, "老板欠我"):
            assert secret not in line, line


async def test_workers_are_named_by_pseudonym_in_the_channels_own_lines(redis_server, log_lines):
    sender = wechat_openid()
    # Rasa's own errors name the conversation ("lock for conversation ... busy").
    bot = StandInBot(failure="could not lock conversation {sender}")
    async with serving(bot, redis_server["url"]) as url:
        async with OfficialAccountClient(url, TOKEN, APPID, AES_KEY) as wechat, \
                OfficialAccountClient(url, TOKEN, APPID, "") as forger:
            answered = await wechat.send_text(sender, "我想投诉单位拖欠工资")
            forged = await forger.send_text(sender, "我的诉求办得怎么样了")
    assert answered.ok and forged.status == 403
    printed = log_lines()
    assert any(pseudonym(sender) in line and "refused" in line for _, line in printed)
    assert any(pseudonym(sender) in line and "could not lock" in line for _, line in printed)
    for _, line in printed:
        assert sender not in line and "拖欠工资" not in line and "诉求办得" not in line, line


@pytest.mark.parametrize("timestamp", ["²", "１７９５６８４９８２", "1e9", "-1", "+1795684982", "9" * 13, ""])
async def test_odd_timestamps_are_refused_never_an_error(redis_server, timestamp):
    # A correctly signed request (the token leaked, or WeChat's own) with a timestamp that is
    # not plain ASCII digits near now: 403, never a 500 that writes the URL to the log.
    bot = StandInBot()
    async with serving(bot, redis_server["url"]) as url:
        async with OfficialAccountClient(url, TOKEN, APPID, AES_KEY) as wechat:
            body, params = wechat.prepare(wechat.message_xml(wechat_openid(), "text", [("Content", "你好")]))
            params = {**params, "timestamp": timestamp, "signature": sha1_signature(TOKEN, timestamp, params["nonce"])}
            result = await wechat.post_raw(body, params)
    assert result.status == 403 and bot.seen == []
