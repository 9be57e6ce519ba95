"""Issue 8 against the whole stack (real Rasa, action server, Redis, WeChat simulator client):
forged and replayed requests, typed slash commands, very long messages, and what reaches the log.

The stack runs with LOG_LEVEL_LIBRARIES=INFO, as an operator debugging it would, so Sanic's
access log writes every request's URL: the last test reads the whole log.
"""
from __future__ import annotations

import asyncio
import secrets
import time

import pytest
import redis

from bot.settings import DEV_WECHAT
from channels.wechat.typed_text import BOT_TEXT_MAX
from channels.wechat_sim.official_account import OfficialAccountClient, sha1_signature
from tests.integration import rasa_tracker
from tests.integration.stack import Stack

TOKEN, APPID, AES_KEY = DEV_WECHAT["WECHAT_TOKEN"], DEV_WECHAT["WECHAT_APPID"], DEV_WECHAT["WECHAT_AES_KEY"]

# Everything these tests put in a query string or typed as a worker; none of it may be logged.
SENT_SECRETS: list = []
TYPED_COMMANDS = [
    "/report_emergency",
    "／report_emergency",
    "  ／restart",
    "\u200b/restart",
    "\u3000／session_start",
    '／check_appeal_status{"ticket_id": "GH202611260001"}',
    "／report_emergency@1.0",
]
LONG_STORY = ("我在建筑工地干活三年了，包工头一直说年底结账，" * 600) + "现在老板跑了，我该去哪里要工资？"


@pytest.fixture(scope="module")
def stack(redis_server, model_path, tmp_path_factory):
    log = tmp_path_factory.mktemp("wechat-hardening") / "launcher.log"
    env = {"LOG_LEVEL_LIBRARIES": "INFO", "RASA_API_TOKEN": rasa_tracker.API_TOKEN}
    running = Stack(redis_server["url"], log, env=env).start()
    yield running
    running.kill()


@pytest.fixture
def store(redis_server):
    return redis.Redis(port=redis_server["port"], decode_responses=True)


def openid() -> str:
    """Shaped like a real OpenID (28 URL-safe characters starting with "o"), as the log filter expects."""
    sender = "o" + secrets.token_urlsafe(21)[:27]
    SENT_SECRETS.append(sender)
    return sender


def client(stack, aes_key=AES_KEY) -> OfficialAccountClient:
    return OfficialAccountClient(stack.webhook_url, TOKEN, APPID, aes_key)


def remember(params: dict) -> dict:
    SENT_SECRETS.extend(params[name] for name in ("signature", "nonce", "msg_signature") if name in params)
    return params


def user_events(stack, sender: str):
    return [e for e in all_events(stack, sender) if e.get("event") == "user"]


def all_events(stack, sender: str):
    """The conversation as Rasa's HTTP API returns it (whatever the tracker store's layout)."""
    return rasa_tracker.events(stack.rasa_port, sender)


# --- finding 1: forged and replayed requests ----------------------------------------------------
async def test_a_plaintext_body_with_a_leaked_query_string_is_refused(stack, store):
    victim = openid()
    async with client(stack) as wechat, client(stack, "") as plain:
        # The query string of a real, encrypted request (as Sanic used to log it)...
        _, leaked = wechat.prepare(wechat.message_xml(victim, "text", [("Content", "你好")]), victim)
        remember(leaked)
        forged = plain.message_xml(victim, "text", [("Content", "我的诉求办得怎么样了")]).encode()
        # ...with a plaintext body of the attacker's choosing, or a plaintext-mode query string.
        with_leaked_query = await plain.post_raw(forged, leaked)
        _, plain_query = plain.prepare("<xml/>", victim)
        with_plain_query = await plain.post_raw(forged, remember(plain_query))
    assert with_leaked_query.status == 403 and with_plain_query.status == 403
    assert user_events(stack, victim) == [], "a refused request must never reach the bot"


async def test_timestamps_outside_five_minutes_are_refused_on_post_and_on_verification(stack, store):
    sender = openid()
    async with client(stack) as wechat:
        xml = wechat.message_xml(sender, "text", [("Content", "年假几天")])
        for skew in (-301, 301):
            body, params = wechat.prepare(xml, sender, timestamp=int(time.time()) + skew)
            assert (await wechat.post_raw(body, remember(params))).status == 403
            assert (await wechat.verify("123456", timestamp=int(time.time()) + skew)).status == 403
        fresh = await wechat.post_xml(xml, sender)
        assert (await wechat.verify("123456")).body == b"123456"
    assert fresh.ok and fresh.reply is not None
    assert [e["text"] for e in user_events(stack, sender)] == ["年假几天"]


async def test_a_captured_encrypted_request_replayed_within_the_window_runs_the_bot_once(stack, store):
    sender = openid()
    async with client(stack) as wechat:
        body, params = wechat.prepare(wechat.message_xml(sender, "text", [("Content", "试用期工资怎么算")]), sender)
        remember(params)
        first = await wechat.post_raw(body, params)
        replays = await asyncio.gather(*(wechat.post_raw(body, params) for _ in range(3)))
        first_reply, _ = wechat.decode_reply(first.body, sender)
    assert first.status == 200 and first_reply is not None
    for replay in replays:
        assert replay.status == 200
        # The answer goes back encrypted: only WeChat (holding the AES key) can read it.
        assert b"<Encrypt>" in replay.body and "试用期".encode() not in replay.body
        assert wechat.decode_reply(replay.body, sender)[0]["Content"] == first_reply["Content"]
    assert [e["text"] for e in user_events(stack, sender)] == ["试用期工资怎么算"]


# --- finding 5: typed slash commands -------------------------------------------------------------
@pytest.mark.parametrize("typed", TYPED_COMMANDS)
async def test_a_typed_slash_command_is_understood_as_text(stack, store, typed):
    sender = openid()
    SENT_SECRETS.append(typed)
    async with client(stack) as wechat:
        result = await wechat.send_text(sender, typed)
    assert result.ok, result.error
    events = all_events(stack, sender)
    assert [e["event"] for e in events if e["event"] in ("restart", "pause")] == []
    assert [e["event"] for e in events].count("session_started") == 1  # the conversation's own start only
    assert not store.exists(f"gh:appeals:by-openid:{sender}", f"gh:handoff:{sender}"), "nothing filed, nobody paged"
    (said,) = user_events(stack, sender)
    # RegexMessageHandler's verdicts have one ranked intent at confidence 1.0; the models rank many.
    assert len(said["parse_data"]["intent_ranking"]) > 1
    assert not any(e.get("extractor") == "RegexMessageHandler" for e in said["parse_data"]["entities"])


async def test_menu_clicks_still_reach_their_intent(stack, store):
    sender = openid()
    async with client(stack) as wechat:
        click = await wechat.send_event(sender, "CLICK", "MENU_FAQ_GUIDE")
    assert "一句话" in click.reply["Content"]  # utter_help
    (said,) = user_events(stack, sender)
    assert said["parse_data"]["intent"]["name"] == "help"


# --- finding 7: very long messages -----------------------------------------------------------------
async def test_a_long_message_is_answered_and_nlu_only_sees_a_capped_text(stack, store):
    sender = openid()
    async with client(stack) as wechat:
        body, _ = wechat.prepare(wechat.message_xml(sender, "text", [("Content", LONG_STORY)]), sender)
        assert 50_000 < len(body) <= 64 * 1024, "as long as WeChat's body limit allows"
        result = await wechat.send_text(sender, LONG_STORY)
    assert result.ok and result.reply is not None, result.error
    (said,) = user_events(stack, sender)
    assert len(said["text"]) <= BOT_TEXT_MAX and said["text"].endswith("我该去哪里要工资？")
    assert said["metadata"]["wechat"]["full_text"] == LONG_STORY


async def test_a_normal_message_among_long_ones_is_still_answered_passively(stack, store):
    normal_sender = openid()
    async with client(stack) as wechat:
        long_ones = [wechat.send_text(openid(), LONG_STORY) for _ in range(4)]
        normal = wechat.send_text(normal_sender, "加班费怎么算")
        *long_results, normal_result = await asyncio.gather(*long_ones, normal)
    assert all(r.ok for r in long_results), [r.error for r in long_results]
    assert normal_result.ok and normal_result.reply is not None, "answered passively, within WeChat's 5 s"
    assert "150%" in normal_result.reply["Content"]


# --- finding 1 and 8: the log -------------------------------------------------------------------
def test_the_log_holds_no_query_string_openid_or_typed_text(stack):
    log = stack.log_path.read_text(encoding="utf-8", errors="replace")
    assert "/webhooks/wechat/webhook?<redacted>" in log, "the access log must be on, or this test proves nothing"
    assert len(SENT_SECRETS) > 20
    for secret in SENT_SECRETS:
        assert secret.strip() not in log, f"{secret!r} is in the log"
    for name in ("signature=", "msg_signature=", "nonce=", "openid=", "timestamp="):
        assert name not in log
    assert LONG_STORY[:40] not in log
