"""Signatures, encryption and safe XML for the WeChat server URL.

wechatpy compares signatures with `!=`; every comparison here is constant-time. XML with a
DOCTYPE or ENTITY declaration is refused before any parser sees it (XXE, billion laughs).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from typing import Mapping, Optional, Tuple

import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException

MAX_BODY_BYTES = 64 * 1024  # WeChat's own messages are a few KB; anything bigger is not WeChat
# A signed query string is only good this long either side of now: a leaked or captured one
# (logs, proxies) soon stops working. Retries of one message come within 15 s.
TIMESTAMP_WINDOW_S = 300
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class ForbiddenRequest(Exception):
    """The request is not from WeChat (signature, AppId) or is hostile: answer 403."""


class MalformedMessage(Exception):
    """Signed correctly but unreadable (not XML, no MsgType): answer `success`, never 500."""


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_matches(expected_parts: tuple, given: Optional[str]) -> bool:
    return bool(given) and hmac.compare_digest(sign(*expected_parts), given.lower())


def timestamp_fresh(raw: Optional[str], now: Optional[float] = None) -> bool:
    """True for a Unix timestamp (ASCII digits) within TIMESTAMP_WINDOW_S of now."""
    if not raw or not _TIMESTAMP.fullmatch(raw):
        return False
    return abs((time.time() if now is None else now) - int(raw)) <= TIMESTAMP_WINDOW_S


# The query fields open_message reads (the signed URL WeChat calls carries them).
QUERY_FIELDS = ("timestamp", "nonce", "msg_signature", "encrypt_type")


def query_refusal(token: str, args: Mapping[str, str], now: Optional[float] = None) -> Optional[str]:
    """Why a webhook URL is not WeChat's (None: it is): a valid `signature` over a timestamp
    within the window, so a leaked URL soon expires. Shared by the channel and the gateway."""
    timestamp = args.get("timestamp") or ""
    if not signature_matches((token, timestamp, args.get("nonce") or ""), args.get("signature")):
        return "bad signature"
    if not timestamp_fresh(timestamp, now):
        # Signed by the token, so WeChat's once: a replayed URL, or this server's clock is off.
        return "timestamp outside the window"
    return None


def open_request(body: bytes, args: Mapping[str, str], cipher: Optional["MessageCipher"]) -> Tuple[dict, bool]:
    """open_message with the fields it needs taken from the request's query."""
    return open_message(body, {name: args.get(name) or "" for name in QUERY_FIELDS}, cipher)


def parse_xml(body: bytes) -> dict:
    """The `<xml>` element as a dict; DTDs refused, anything unreadable is MalformedMessage."""
    if _DTD.search(body):
        raise ForbiddenRequest("XML with DOCTYPE/ENTITY")
    try:
        document = xmltodict.parse(body, disable_entities=True)
    except Exception as error:  # expat raises several types; all mean "not our XML"
        raise MalformedMessage(f"not XML: {error.__class__.__name__}") from None
    root = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise MalformedMessage("no <xml> root")
    return root


def open_message(body: bytes, query: Mapping[str, str], cipher: Optional["MessageCipher"]) -> Tuple[dict, bool]:
    """The message's fields, and whether the request was encrypted (its reply must be too).

    With an EncodingAESKey configured only the encrypted envelope is accepted: WeChat always
    sends <Encrypt> and `msg_signature` in the compatible and safe modes, and the plain
    `signature` does not cover the body, so a plaintext body could be written by anyone who
    saw one query string. Without a key (plaintext mode) an encrypted body cannot be read.
    """
    envelope = parse_xml(body)
    if cipher is None:
        if query.get("encrypt_type") == "aes" or ("Encrypt" in envelope and "MsgType" not in envelope):
            raise ForbiddenRequest("encrypted message but no EncodingAESKey configured")
        return envelope, False
    encrypted = envelope.get("Encrypt")
    if not isinstance(encrypted, str) or not query.get("msg_signature"):
        raise ForbiddenRequest("not an encrypted envelope, and an EncodingAESKey is configured")
    plain = cipher.decrypt(encrypted, query.get("timestamp", ""), query.get("nonce", ""), query.get("msg_signature"))
    return parse_xml(plain), True


class MessageCipher:
    """AES for the compatible and safe modes, bound to one account's token, key and AppId."""

    def __init__(self, token: str, aes_key: str, appid: str):
        self._token = token
        self._appid = appid
        self._key = base64.b64decode(aes_key + "=")
        self._wechat = WeChatCrypto(token, aes_key, appid)

    def decrypt(self, encrypted: str, timestamp: str, nonce: str, msg_signature: Optional[str]) -> bytes:
        if not signature_matches((self._token, timestamp, nonce, encrypted), msg_signature):
            raise ForbiddenRequest("bad msg_signature")
        try:
            plain = PrpCrypto(self._key).decrypt(encrypted, self._appid)
        except InvalidAppIdException:
            raise ForbiddenRequest("message for another AppId") from None
        except Exception:
            raise ForbiddenRequest("undecryptable Encrypt") from None
        return plain if isinstance(plain, bytes) else plain.encode("utf-8")

    def encrypt(self, xml: str, nonce: str) -> str:
        return self._wechat.encrypt_message(xml, nonce, str(int(time.time())))
