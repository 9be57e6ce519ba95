"""The WeChat-side client signs, encrypts and decodes exactly as a wechatpy-based webhook expects."""
from __future__ import annotations

import asyncio
import hmac
import xml.etree.ElementTree as ElementTree

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import create_reply
from wechatpy.utils import WeChatSigner

from channels.wechat_sim.official_account import DEFAULT_ACCOUNT_ID, OfficialAccountClient, build_xml

TOKEN, APPID = "test-token-123", "wxtest00000000001"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OPENID = "o_test_user_1"


def signature(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


class FakeWebhook:
    """A minimal webhook built on wechatpy: checks signatures, decrypts, echoes the content back."""

    def __init__(self, aes_key: str = "", delays=(), answer: str = "reply", reply_appid: str = APPID):
        self.crypto = WeChatCrypto(TOKEN, aes_key, APPID) if aes_key else None
        self.reply_crypto = WeChatCrypto(TOKEN, aes_key, reply_appid) if aes_key else None
        self.delays = list(delays)
        self.answer = answer
        self.requests = []  # (query dict, raw body, decrypted xml)
        self.app = web.Application()
        self.app.router.add_route("*", "/webhooks/wechat/webhook", self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        expected = signature(TOKEN, query.get("timestamp", ""), query.get("nonce", ""))
        if not hmac.compare_digest(expected, query.get("signature", "")):
            return web.Response(status=403, text="bad signature")
        if request.method == "GET":
            return web.Response(text=query["echostr"])
        raw = await request.read()
        xml = self.decrypt(raw, query) if query.get("encrypt_type") == "aes" else raw.decode("utf-8")
        self.requests.append((query, raw, xml))
        if self.delays:
            await asyncio.sleep(self.delays.pop(0))
        return web.Response(text=self.reply(xml, query), content_type="application/xml")

    def decrypt(self, raw: bytes, query: dict) -> str:
        return self.crypto.decrypt_message(raw, query["msg_signature"], query["timestamp"], query["nonce"])

    def reply(self, xml: str, query: dict) -> str:
        if self.answer == "success":
            return "success"
        message = parse_message(xml)
        text = f"收到：{getattr(message, 'content', None) or message.type}"
        rendered = create_reply(text, message).render()
        if self.answer == "plain" or not self.crypto:
            return rendered
        encrypted = self.reply_crypto.encrypt_message(rendered, query["nonce"], query["timestamp"])
        if self.answer == "bad-signature":
            return encrypted.replace("<MsgSignature><![CDATA[", "<MsgSignature><![CDATA[0")
        return encrypted


async def start(webhook: FakeWebhook, aes_key: str = "", **options):
    server = TestServer(webhook.app)
    await server.start_server()
    url = str(server.make_url("/webhooks/wechat/webhook"))
    return server, OfficialAccountClient(url, TOKEN, APPID, aes_key, **options)


@pytest.fixture
async def running():
    """start(...) helper that closes every server and client it made."""
    made = []

    async def _start(webhook, aes_key="", **options):
        server, client = await start(webhook, aes_key, **options)
        made.append((server, client))
        return client

    yield _start
    for server, client in made:
        await client.close()
        await server.close()


def fields(xml: str) -> dict:
    return {child.tag: child.text for child in ElementTree.fromstring(xml)}


async def test_plaintext_text_message_is_signed_and_reply_parsed(running):
    webhook = FakeWebhook()
    client = await running(webhook)
    result = await client.send_text(OPENID, "你好 😀", msg_id=1234567890123456789)
    assert result.ok and result.status == 200 and result.attempts == 1
    assert result.reply["MsgType"] == "text" and result.reply["Content"] == "收到：你好 😀"
    assert result.reply["ToUserName"] == OPENID and result.reply["FromUserName"] == DEFAULT_ACCOUNT_ID
    query, raw, xml = webhook.requests[0]
    assert "encrypt_type" not in query and query["openid"] == OPENID
    sent = fields(xml)
    assert sent["ToUserName"] == DEFAULT_ACCOUNT_ID and sent["FromUserName"] == OPENID
    assert sent["MsgType"] == "text" and sent["MsgId"] == "1234567890123456789"
    assert abs(int(sent["CreateTime"]) - int(query["timestamp"])) <= 1


async def test_cdata_terminator_is_sent_intact_and_a_broken_reply_is_flagged(running):
    webhook = FakeWebhook()
    client = await running(webhook)
    result = await client.send_text(OPENID, "a]]>b")
    assert fields(webhook.requests[0][2])["Content"] == "a]]>b"
    # wechatpy's reply does not escape "]]>": WeChat could not parse it, and neither do we.
    assert result.reply is None and "XML" in result.error


async def test_safe_mode_encrypts_and_decrypts(running):
    webhook = FakeWebhook(AES_KEY)
    client = await running(webhook, AES_KEY)
    assert client.mode == "safe"
    result = await client.send_text(OPENID, "工资被拖欠三个月了")
    assert result.ok, result.error
    assert result.reply["Content"] == "收到：工资被拖欠三个月了"
    assert b"<Encrypt>" in result.body and "工资".encode() not in result.body
    query, raw, xml = webhook.requests[0]
    assert query["encrypt_type"] == "aes"
    outer = fields(raw.decode())
    assert set(outer) == {"ToUserName", "Encrypt"} and outer["ToUserName"] == DEFAULT_ACCOUNT_ID
    assert query["msg_signature"] == signature(TOKEN, query["timestamp"], query["nonce"], outer["Encrypt"])
    assert fields(xml)["Content"] == "工资被拖欠三个月了"


async def test_compatible_mode_sends_plaintext_and_encrypt(running):
    webhook = FakeWebhook(AES_KEY)
    client = await running(webhook, AES_KEY, compatible=True)
    result = await client.send_text(OPENID, "你好")
    assert result.ok and result.reply["Content"] == "收到：你好"
    outer = fields(webhook.requests[0][1].decode())
    assert outer["Content"] == "你好" and outer["Encrypt"]


async def test_compatible_mode_accepts_a_plaintext_reply_but_safe_mode_does_not(running):
    compatible = await running(FakeWebhook(AES_KEY, answer="plain"), AES_KEY, compatible=True)
    assert (await compatible.send_text(OPENID, "你好")).ok
    safe = await running(FakeWebhook(AES_KEY, answer="plain"), AES_KEY)
    result = await safe.send_text(OPENID, "你好")
    assert not result.ok and "safe mode" in result.error


async def test_reply_with_wrong_msg_signature_is_rejected(running):
    client = await running(FakeWebhook(AES_KEY, answer="bad-signature"), AES_KEY)
    result = await client.send_text(OPENID, "你好")
    assert result.reply is None and "MsgSignature" in result.error


async def test_reply_encrypted_for_another_appid_is_rejected(running):
    client = await running(FakeWebhook(AES_KEY, reply_appid="wxsomeoneelse000001"), AES_KEY)
    result = await client.send_text(OPENID, "你好")
    assert result.reply is None and "AppId" in result.error


async def test_success_means_no_reply(running):
    client = await running(FakeWebhook(answer="success"))
    result = await client.send_event(OPENID, "subscribe")
    assert result.ok and result.reply is None and result.text == "success"


async def test_events_carry_no_msg_id_and_subscribe_has_an_empty_event_key(running):
    webhook = FakeWebhook()
    client = await running(webhook)
    await client.send_event(OPENID, "subscribe")
    await client.send_event(OPENID, "CLICK", "MENU_ASK")
    subscribe, click = (fields(xml) for _, _, xml in webhook.requests)
    assert subscribe["MsgType"] == "event" and subscribe["Event"] == "subscribe"
    assert "MsgId" not in subscribe and subscribe["EventKey"] is None  # present but empty
    assert click["Event"] == "CLICK" and click["EventKey"] == "MENU_ASK"


async def test_voice_recognition_absent_or_present(running):
    webhook = FakeWebhook()
    client = await running(webhook)
    await client.send_voice(OPENID, None, media_id="sim-voice-9")
    await client.send_voice(OPENID, "我要投诉")
    without, with_text = (fields(xml) for _, _, xml in webhook.requests)
    assert "Recognition" not in without and without["MediaId"] == "sim-voice-9" and without["Format"] == "amr"
    assert with_text["Recognition"] == "我要投诉"


async def test_other_message_types_are_shaped_like_wechat(running):
    webhook = FakeWebhook()
    client = await running(webhook)
    await client.send_image(OPENID, "sim-image-1", "http://mmbiz.qpic.cn/x.jpg")
    await client.send_location(OPENID, "北京市朝阳区建国路88号", 39.9087, 116.3975)
    await client.send_link(OPENID, "劳动法", "https://example.org/law")
    await client.send_video(OPENID, "sim-video-1")
    await client.send_file(OPENID, "sim-file-1", "工资条.pdf")
    image, location, link, video, file = (parse_message(xml) for _, _, xml in webhook.requests)
    assert (image.type, image.media_id, image.image) == ("image", "sim-image-1", "http://mmbiz.qpic.cn/x.jpg")
    assert (location.type, location.label) == ("location", "北京市朝阳区建国路88号")
    assert float(location.location_x) == 39.9087 and float(location.location_y) == 116.3975
    assert (link.type, link.url) == ("link", "https://example.org/law")
    assert (video.type, video.media_id) == ("video", "sim-video-1")
    assert file.type == "unknown" and fields(webhook.requests[-1][2])["Title"] == "工资条.pdf"


async def test_retries_repeat_the_same_message_with_fresh_signatures(running):
    webhook = FakeWebhook(AES_KEY, delays=[0.5, 0.5, 0])
    client = await running(webhook, AES_KEY, retries=True, timeout=0.2)
    result = await client.send_text(OPENID, "你好")
    assert result.ok and result.attempts == 3 and result.reply["Content"] == "收到：你好"
    sent = [fields(xml) for _, _, xml in webhook.requests]
    assert len({(f["MsgId"], f["CreateTime"]) for f in sent}) == 1
    assert len({query["nonce"] for query, _, _ in webhook.requests}) == 3


async def test_no_answer_after_three_attempts(running):
    webhook = FakeWebhook(delays=[0.5, 0.5, 0.5])
    client = await running(webhook, retries=True, timeout=0.2)
    result = await client.send_text(OPENID, "你好")
    assert result.status is None and result.attempts == 3 and result.reply is None
    assert "0.2 s" in result.error and len(webhook.requests) == 3


async def test_without_retries_a_timeout_is_a_single_attempt(running):
    webhook = FakeWebhook(delays=[0.5])
    client = await running(webhook, timeout=0.2)
    result = await client.send_text(OPENID, "你好")
    assert result.status is None and result.attempts == 1


async def test_verify_echoes_and_post_raw_sends_bytes_untouched(running):
    webhook = FakeWebhook()
    client = await running(webhook)
    verified = await client.verify("1234567890")
    assert verified.ok and verified.body == b"1234567890"
    refused = await client.post_raw(b"<xml></xml>", {"signature": "wrong", "timestamp": "1", "nonce": "2"})
    assert refused.status == 403 and refused.error == "HTTP 403" and webhook.requests == []
    body, params = client.prepare(build_xml([("ToUserName", DEFAULT_ACCOUNT_ID), ("FromUserName", OPENID),
                                             ("CreateTime", 1), ("MsgType", "text"), ("Content", "原样"),
                                             ("MsgId", 7)]))
    accepted = await client.post_raw(body, params)
    assert accepted.status == 200 and webhook.requests[-1][1] == body


async def test_unreachable_webhook_is_reported_not_raised():
    client = OfficialAccountClient("http://127.0.0.1:9/webhooks/wechat/webhook", TOKEN, APPID)
    try:
        result = await client.send_text(OPENID, "你好")
        assert result.status is None and result.error.startswith("connection failed")
        assert (await client.verify()).status is None
    finally:
        await client.close()
