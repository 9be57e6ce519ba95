import base64
import time

import pytest
from wechatpy.crypto import WeChatCrypto

from channels.wechat.security import (
    ForbiddenRequest, MalformedMessage, MessageCipher, open_message, parse_xml, sign, signature_matches, timestamp_fresh,
)

TOKEN, APPID = "tok123", "wx0123456789abcdef"
AES_KEY = base64.b64encode(b"k" * 32).decode().rstrip("=")


def test_signature_is_sha1_of_sorted_parts_and_compared_in_constant_time():
    good = sign(TOKEN, "1700000000", "nonce")
    assert signature_matches((TOKEN, "1700000000", "nonce"), good)
    assert signature_matches((TOKEN, "1700000000", "nonce"), good.upper())
    assert not signature_matches((TOKEN, "1700000001", "nonce"), good)
    assert not signature_matches((TOKEN, "1700000000", "nonce"), None)
    assert not signature_matches((TOKEN, "1700000000", "nonce"), "")


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>',
        b'<!doctype xml SYSTEM "file:///etc/passwd"><xml/>',
        b'<xml><!ENTITY x "y"></xml>',
    ],
)
def test_dtd_and_entities_are_refused_before_parsing(body):
    with pytest.raises(ForbiddenRequest):
        parse_xml(body)


@pytest.mark.parametrize("body", [b"", b"not xml at all", b"<html></html>", b"<xml>unclosed", "<xml>\u0000</xml>".encode()])
def test_unreadable_bodies_are_malformed_not_errors(body):
    with pytest.raises(MalformedMessage):
        parse_xml(body)


def test_cipher_round_trip_and_refusals():
    cipher = MessageCipher(TOKEN, AES_KEY, APPID)
    wechat = WeChatCrypto(TOKEN, AES_KEY, APPID)
    encrypted_xml = wechat.encrypt_message("<xml><MsgType>text</MsgType></xml>", "n1", "1700000000")
    envelope = parse_xml(encrypted_xml.encode())
    plain = cipher.decrypt(envelope["Encrypt"], envelope["TimeStamp"], envelope["Nonce"], envelope["MsgSignature"])
    assert plain == b"<xml><MsgType>text</MsgType></xml>"
    with pytest.raises(ForbiddenRequest):
        cipher.decrypt(envelope["Encrypt"], envelope["TimeStamp"], envelope["Nonce"], "0" * 40)
    other_account = WeChatCrypto(TOKEN, AES_KEY, "wxanotherappid00000")
    foreign = parse_xml(other_account.encrypt_message("<xml/>", "n2", "1700000000").encode())
    with pytest.raises(ForbiddenRequest):
        cipher.decrypt(foreign["Encrypt"], foreign["TimeStamp"], foreign["Nonce"], foreign["MsgSignature"])


def test_encrypted_reply_is_readable_by_wechat():
    cipher = MessageCipher(TOKEN, AES_KEY, APPID)
    reply = cipher.encrypt("<xml><Content><![CDATA[你好😀]]></Content></xml>", "n3")
    envelope = parse_xml(reply.encode())
    assert abs(int(envelope["TimeStamp"]) - time.time()) < 5
    decrypted = WeChatCrypto(TOKEN, AES_KEY, APPID).decrypt_message(reply, envelope["MsgSignature"],
                                                                     envelope["TimeStamp"], "n3")
    assert "你好😀" in (decrypted.decode() if isinstance(decrypted, bytes) else decrypted)


def test_timestamps_outside_the_window_are_stale():
    now = 1_800_000_000
    assert timestamp_fresh(str(now), now) and timestamp_fresh(str(now - 300), now) and timestamp_fresh(str(now + 300), now)
    for raw in (str(now - 301), str(now + 301), "", None, "abc", "１８００００００００", "²", "-5", "1" * 13):
        assert not timestamp_fresh(raw, now), raw


def _encrypted_request(xml: str, nonce: str = "n9"):
    timestamp = str(int(time.time()))
    envelope = WeChatCrypto(TOKEN, AES_KEY, APPID).encrypt_message(xml, nonce, timestamp)
    fields = parse_xml(envelope.encode())
    body = f"<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[{fields['Encrypt']}]]></Encrypt></xml>"
    query = {"timestamp": timestamp, "nonce": nonce, "msg_signature": fields["MsgSignature"], "encrypt_type": "aes"}
    return body.encode(), query


def test_with_a_key_only_the_encrypted_envelope_is_accepted():
    cipher = MessageCipher(TOKEN, AES_KEY, APPID)
    xml = "<xml><FromUserName>o_worker</FromUserName><MsgType>text</MsgType><Content>hi</Content></xml>"
    body, query = _encrypted_request(xml)
    fields, encrypted = open_message(body, query, cipher)
    assert encrypted and fields["FromUserName"] == "o_worker"
    # A plaintext body with a valid query string (leaked from a log) is someone else's words.
    for plain_query in (query, {**query, "encrypt_type": ""}, {"timestamp": query["timestamp"], "nonce": "n9"}):
        with pytest.raises(ForbiddenRequest):
            open_message(xml.encode(), plain_query, cipher)
    # Compatible mode's plaintext fields are never trusted: only the decrypted ones count.
    compatible = xml.replace("</xml>", "") + body.decode()[body.decode().index("<Encrypt>"):]
    assert open_message(compatible.encode(), query, cipher)[0]["Content"] == "hi"
    with pytest.raises(ForbiddenRequest):
        open_message(body, {**query, "msg_signature": ""}, cipher)


def test_without_a_key_plaintext_is_read_and_encrypted_bodies_are_refused():
    xml = b"<xml><FromUserName>o_worker</FromUserName><MsgType>text</MsgType></xml>"
    assert open_message(xml, {}, None) == ({"FromUserName": "o_worker", "MsgType": "text"}, False)
    body, query = _encrypted_request(xml.decode())
    with pytest.raises(ForbiddenRequest):
        open_message(body, query, None)
