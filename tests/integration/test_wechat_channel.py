"""The WeChat channel end to end: real Rasa and action servers, real Redis, the local WeChat
simulator, and signed (and encrypted) XML exactly as WeChat sends it."""
from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest
import redis
import xmltodict

from channels.wechat_sim.official_account import OfficialAccountClient
from tests.integration import rasa_tracker
from tests.integration.stack import Stack
from tests.integration.wechat_worker import AES_KEY, TOKEN, answer_to, sent_to, account_client as client, new_openid as openid



@pytest.fixture(scope="module")
def stack(redis_server, model_path, tmp_path_factory):
    running = Stack(redis_server["url"], tmp_path_factory.mktemp("wechat") / "launcher.log",
                    {"RASA_API_TOKEN": rasa_tracker.API_TOKEN}).start()
    yield running
    running.kill()


@pytest.fixture
def store(redis_server):
    return redis.Redis(port=redis_server["port"], decode_responses=True)




def user_texts(stack, sender: str):
    """What Rasa recorded the worker saying, read through Rasa's HTTP API."""
    return rasa_tracker.user_texts(stack.rasa_port, sender)


async def test_health_and_url_verification(stack):
    async with aiohttp.ClientSession() as http:
        async with http.get(stack.webhook_url.rsplit("/", 1)[0] + "/") as response:
            assert await response.json() == {"status": "ok"}
    async with client(stack) as wechat:
        verified = await wechat.verify("7436598123421")
        assert verified.ok and verified.body == b"7436598123421"


# Plaintext mode (no EncodingAESKey) is tested in test_wechat_request_checks.py: with a key set,
# as here, a plaintext body is refused (issue 8).
@pytest.mark.parametrize("mode", ["safe", "compatible"])
async def test_text_answered_passively_in_every_mode(stack, mode):
    async with client(stack, AES_KEY, compatible=mode == "compatible") as wechat:
        result = await wechat.send_text(openid(), "加班费怎么算")
    assert result.ok, result.error
    assert result.reply["MsgType"] == "text" and "150%" in result.reply["Content"]
    assert b"<Encrypt>" in result.body


async def test_retry_while_running_runs_the_bot_once_and_carries_the_answer(stack, store):
    sender = openid()
    async with client(stack) as wechat:
        xml = wechat.message_xml(sender, "text", [("Content", "试用期最长多久")], 880001)
        first, retry = await asyncio.gather(wechat.post_xml(xml, sender), wechat.post_xml(xml, sender))
        replay = await wechat.post_xml(xml, sender)
    assert first.ok and retry.ok and replay.ok
    assert first.reply["Content"] == retry.reply["Content"] == replay.reply["Content"]
    assert user_texts(stack, sender) == ["试用期最长多久"]


async def test_voice_with_and_without_recognition(stack, store):
    sender = openid()
    async with client(stack) as wechat:
        heard = await wechat.send_voice(sender, "单位不给交社保怎么办")
        unheard = await wechat.send_voice(sender, None)
    assert "社会保险" in heard.reply["Content"] or "社保" in heard.reply["Content"]
    assert "没能识别" in unheard.reply["Content"]
    assert user_texts(stack, sender) == ["单位不给交社保怎么办"]


async def test_image_and_file_are_acknowledged_and_kept(stack, store):
    sender = openid()
    async with client(stack) as wechat:
        image = await wechat.send_image(sender, "sim-image-42")
        document = await wechat.send_file(sender, "sim-file-7", "工资条.pdf")
    assert "图片" in image.reply["Content"] and "文件" in document.reply["Content"]
    kept = [json.loads(m) for m in store.lrange(f"gh:wechat:media:{sender}", 0, -1)]
    assert [m["media_id"] for m in kept] == ["sim-image-42", "sim-file-7"]


async def test_location_gives_a_district_and_cdata_and_emoji_stay_valid(stack, store):
    sender = openid()
    async with client(stack) as wechat:
        result = await wechat.send_location(sender, "北京市朝阳区]]>建国路😀88号", 39.9, 116.4)
    assert result.ok, result.error
    assert "朝阳区" in result.reply["Content"] and "]]>建国路😀88号" in result.reply["Content"]
    assert json.loads(store.get(f"gh:wechat:location:{sender}"))["district"] == "朝阳区"


@pytest.mark.parametrize("kind", ["link", "video"])
async def test_link_and_video_get_a_polite_answer(stack, kind):
    async with client(stack) as wechat:
        if kind == "link":
            result = await wechat.send_link(openid(), "新闻", "https://example.com/a")
        else:
            result = await wechat.send_video(openid())
    assert "暂时无法" in result.reply["Content"]


async def test_events(stack, store):
    sender = openid()
    async with client(stack) as wechat:
        # On a loaded machine an answer may come late, as a customer-service message.
        subscribed = await answer_to(stack, sender, await wechat.send_event(sender, "subscribe", "qrscene_chaoyang_station"),
                                     len(await sent_to(stack, sender)))
        sent_before_click = len(await sent_to(stack, sender))
        click = await answer_to(stack, sender, await wechat.send_event(sender, "CLICK", "MENU_FAQ_GUIDE"), sent_before_click)
        view = await wechat.send_event(sender, "VIEW", "https://www.bjzgh.org/")
        kf = await wechat.send_event(sender, "kf_create_session")
        gone = await wechat.send_event(sender, "unsubscribe")
    assert "12351" in subscribed
    assert store.hget(f"gh:wechat:follower:{sender}", "scene") == "chaoyang_station"
    assert "一句话" in click  # utter_help
    assert view.reply is None and kf.reply is None and gone.reply is None
    assert store.hget(f"gh:wechat:follower:{sender}", "subscribed") == "0"


async def test_hostile_requests(stack, store):
    sender = openid()
    async with client(stack) as wechat:
        body, params = wechat.prepare(wechat.message_xml(sender, "text", [("Content", "你好")], 990001), sender)
        no_signature = await wechat.post_raw(body, {k: v for k, v in params.items() if k != "signature"})
        bad_msg_signature = await wechat.post_raw(body, {**params, "msg_signature": "0" * 40})
        other_app = OfficialAccountClient(stack.webhook_url, TOKEN, "wxsomeoneelse000000", AES_KEY)
        wrong_appid = await other_app.send_text(sender, "你好")
        await other_app.close()
        assert {no_signature.status, bad_msg_signature.status, wrong_appid.status} == {403}

    async with client(stack) as wechat:
        def signed(body: bytes):
            _, params = wechat.prepare("<xml/>")
            return params
        bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
                b"<xml><ToUserName>gh</ToUserName><FromUserName>" + sender.encode() + b"</FromUserName>"
                b"<MsgType>text</MsgType><Content>&lol2;</Content><MsgId>1</MsgId></xml>")
        assert (await wechat.post_raw(bomb, signed(bomb))).status == 403
        # Unreadable outer bodies, and well-formed encrypted envelopes with unreadable insides.
        for body in (b"", b"hello"):
            result = await wechat.post_raw(body, signed(body))
            assert result.status == 200 and result.body == b"success", body
        for inner in ("", "hello", "<xml><FromUserName>x</FromUserName></xml>",
                      "<xml><FromUserName>x</FromUserName><MsgType>hologram</MsgType><MsgId>5</MsgId></xml>"):
            result = await wechat.post_raw(*wechat.prepare(inner))
            assert result.status == 200 and result.body == b"success", inner
        huge = b"<xml>" + b"a" * (70 * 1024) + b"</xml>"
        assert (await wechat.post_raw(huge, signed(huge))).status == 413
    assert user_texts(stack, sender) == [], "the bot must never see a refused request"


async def test_reply_xml_is_valid_for_every_reply(stack):
    # 4-byte emoji from the worker and the bot's own text survive encryption and parsing.
    async with client(stack) as wechat:
        result = await wechat.send_text(openid(), "😡😡😡老板不给加班费！！！")
    assert result.ok
    xmltodict.parse(result.body)
