"""Plays WeChat's servers towards our webhook: signed (and, with an AES key, encrypted) XML.

The XML, query parameters and retry behaviour follow what WeChat sends to an official account's
server URL, so the webhook can be exercised end to end without a real account. Replies are
checked the way WeChat would (signature, AppId, addressing) and decoded into a dict.
"""
from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import hmac
import secrets
import time
import xml.etree.ElementTree as ElementTree
from typing import Dict, List, Mapping, Optional, Tuple, Union

import aiohttp
from wechatpy.crypto import PrpCrypto
from wechatpy.utils import to_text

DEFAULT_ACCOUNT_ID = "gh_12351dev"
# WeChat gives up on an attempt after 5 s and makes 3 attempts in all.
WECHAT_TIMEOUT = 5.0
WECHAT_ATTEMPTS = 3
PASSIVE_TEXT_LIMIT = 2048
PLAINTEXT, COMPATIBLE, SAFE = "plaintext", "compatible", "safe"

Field = Tuple[str, Union[str, int, float]]


@dataclasses.dataclass
class WebhookResult:
    """What WeChat got back: HTTP status (None if no answer at all), raw body, decoded reply."""

    status: Optional[int]
    body: bytes
    reply: Optional[dict]
    attempts: int = 1
    error: Optional[str] = None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


# --- signing and XML -----------------------------------------------------------------------
def sha1_signature(*parts: str) -> str:
    """WeChat's signature: SHA1 of the sorted, concatenated parts."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def cdata(value: str) -> str:
    # "]]>" cannot appear inside CDATA: close the section and open a new one around the ">".
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def build_xml(fields: List[Field]) -> str:
    """WeChat's layout: strings in CDATA, numbers bare, one element a line."""
    lines = [f"<{name}>{cdata(value) if isinstance(value, str) else value}</{name}>"
             for name, value in fields]
    return "<xml>\n" + "\n".join(lines) + "\n</xml>"


def new_msg_id() -> int:
    # WeChat's MsgId is a 64-bit integer, in practice 17-19 digits.
    return 10 ** 18 + secrets.randbelow(9 * 10 ** 18 - 10 ** 18)


def new_nonce() -> str:
    # WeChat's nonces are decimal strings.
    return str(10 ** 8 + secrets.randbelow(9 * 10 ** 9))


def element_to_value(element: ElementTree.Element) -> Union[str, dict]:
    """Leaf → its text; otherwise a dict of children (repeated tags become lists)."""
    children = list(element)
    if not children:
        return element.text or ""
    result: Dict[str, object] = {}
    for child in children:
        value = element_to_value(child)
        if child.tag in result:
            previous = result[child.tag]
            result[child.tag] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            result[child.tag] = value
    return result


def parse_xml(raw: Union[bytes, str]) -> Optional[dict]:
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError:
        return None
    value = element_to_value(root)
    return value if isinstance(value, dict) else None


# --- the client ----------------------------------------------------------------------------
class OfficialAccountClient:
    """WeChat's side of one official account's server URL.

    `aes_key` "" means plaintext mode; otherwise safe mode, or compatible mode with
    `compatible=True`. With `retries=True` an attempt that gets no answer within `timeout`
    seconds is repeated, 3 attempts in all, as WeChat does.
    """

    def __init__(self, webhook_url: str, token: str, appid: str, aes_key: str = "", *,
                 compatible: bool = False, account_id: str = DEFAULT_ACCOUNT_ID,
                 retries: bool = False, timeout: float = WECHAT_TIMEOUT,
                 session: Optional[aiohttp.ClientSession] = None):
        self.webhook_url = webhook_url
        self.token = token
        self.appid = appid
        self.account_id = account_id
        self.retries = retries
        self.timeout = timeout
        self.mode = (COMPATIBLE if compatible else SAFE) if aes_key else PLAINTEXT
        self._crypto = PrpCrypto(base64.b64decode(aes_key + "=")) if aes_key else None
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> "OfficialAccountClient":
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        # Created lazily so the session belongs to the running event loop.
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    # --- building requests ---------------------------------------------------------------
    def encrypt(self, xml: str) -> str:
        return to_text(self._crypto.encrypt(xml, self.appid))

    def prepare(self, xml: str, openid: Optional[str] = None,
                timestamp: Optional[int] = None) -> Tuple[bytes, Dict[str, str]]:
        """Body and query parameters for one delivery of `xml`, with a fresh (or the given)
        timestamp and a fresh nonce."""
        timestamp, nonce = str(int(time.time()) if timestamp is None else timestamp), new_nonce()
        params = {"signature": sha1_signature(self.token, timestamp, nonce),
                  "timestamp": timestamp, "nonce": nonce}
        if openid:
            params["openid"] = openid
        if self.mode == PLAINTEXT:
            return xml.encode("utf-8"), params
        encrypted = self.encrypt(xml)
        params["encrypt_type"] = "aes"
        params["msg_signature"] = sha1_signature(self.token, timestamp, nonce, encrypted)
        return self._encrypted_body(xml, encrypted).encode("utf-8"), params

    def _encrypted_body(self, xml: str, encrypted: str) -> str:
        if self.mode == COMPATIBLE:
            # Compatible mode: the plaintext fields plus <Encrypt>.
            return xml[: xml.rindex("</xml>")] + f"<Encrypt>{cdata(encrypted)}</Encrypt>\n</xml>"
        return build_xml([("ToUserName", self.account_id), ("Encrypt", encrypted)])

    def message_xml(self, openid: str, msg_type: str, fields: List[Field],
                    msg_id: Optional[int] = None) -> str:
        head: List[Field] = [("ToUserName", self.account_id), ("FromUserName", openid),
                             ("CreateTime", int(time.time())), ("MsgType", msg_type)]
        return build_xml(head + fields + [("MsgId", msg_id or new_msg_id())])

    def event_xml(self, openid: str, event: str, event_key: Optional[str] = None,
                  extra: Optional[Mapping[str, Union[str, int, float]]] = None) -> str:
        fields: List[Field] = [("ToUserName", self.account_id), ("FromUserName", openid),
                               ("CreateTime", int(time.time())), ("MsgType", "event"),
                               ("Event", event)]
        # WeChat sends an empty EventKey with a plain (un)subscribe.
        if event_key is not None or event in ("subscribe", "unsubscribe"):
            fields.append(("EventKey", event_key or ""))
        fields.extend((extra or {}).items())
        return build_xml(fields)

    # --- sending -------------------------------------------------------------------------
    async def send_text(self, openid: str, content: str, msg_id: Optional[int] = None) -> WebhookResult:
        return await self._send(openid, "text", [("Content", content)], msg_id)

    async def send_voice(self, openid: str, recognition: Optional[str], media_id: str = "sim-voice-1",
                         msg_id: Optional[int] = None) -> WebhookResult:
        fields: List[Field] = [("MediaId", media_id), ("Format", "amr")]
        if recognition is not None:  # None: speech recognition gave nothing, the element is absent
            fields.append(("Recognition", recognition))
        return await self._send(openid, "voice", fields, msg_id)

    async def send_image(self, openid: str, media_id: str = "sim-image-1",
                         pic_url: str = "http://mmbiz.qpic.cn/sim/image.jpg",
                         msg_id: Optional[int] = None) -> WebhookResult:
        return await self._send(openid, "image", [("PicUrl", pic_url), ("MediaId", media_id)], msg_id)

    async def send_file(self, openid: str, media_id: str, title: str, size: int = 2048,
                        msg_id: Optional[int] = None) -> WebhookResult:
        fields: List[Field] = [("Title", title), ("Description", f"{max(1, size // 1024)} KB"),
                               ("FileKey", media_id), ("FileMd5", hashlib.md5(media_id.encode()).hexdigest()),
                               ("FileTotalLen", size), ("MediaId", media_id)]
        return await self._send(openid, "file", fields, msg_id)

    async def send_location(self, openid: str, label: str, x: float, y: float, scale: int = 15,
                            msg_id: Optional[int] = None) -> WebhookResult:
        # Location_X is the latitude, Location_Y the longitude.
        fields: List[Field] = [("Location_X", round(x, 6)), ("Location_Y", round(y, 6)),
                               ("Scale", scale), ("Label", label)]
        return await self._send(openid, "location", fields, msg_id)

    async def send_link(self, openid: str, title: str, url: str, description: str = "",
                        msg_id: Optional[int] = None) -> WebhookResult:
        fields: List[Field] = [("Title", title), ("Description", description), ("Url", url)]
        return await self._send(openid, "link", fields, msg_id)

    async def send_video(self, openid: str, media_id: str = "sim-video-1",
                         thumb_media_id: str = "sim-thumb-1", msg_id: Optional[int] = None) -> WebhookResult:
        fields: List[Field] = [("MediaId", media_id), ("ThumbMediaId", thumb_media_id)]
        return await self._send(openid, "video", fields, msg_id)

    async def send_event(self, openid: str, event: str, event_key: Optional[str] = None,
                         extra: Optional[Mapping[str, Union[str, int, float]]] = None) -> WebhookResult:
        return await self.post_xml(self.event_xml(openid, event, event_key, extra), openid)

    async def _send(self, openid: str, msg_type: str, fields: List[Field],
                    msg_id: Optional[int]) -> WebhookResult:
        return await self.post_xml(self.message_xml(openid, msg_type, fields, msg_id), openid)

    async def post_xml(self, xml: str, openid: Optional[str] = None) -> WebhookResult:
        """Deliver `xml` as WeChat would: signed, encrypted if needed, retried if asked to.

        Every attempt carries the same XML (same MsgId and CreateTime) with a fresh timestamp
        and nonce. Only a missing answer (timeout, connection error) causes another attempt.
        """
        attempts = WECHAT_ATTEMPTS if self.retries else 1
        failure = ""
        for attempt in range(1, attempts + 1):
            body, params = self.prepare(xml, openid)
            try:
                status, raw = await self._post(body, params)
            except asyncio.TimeoutError:
                failure = f"no answer within {self.timeout:g} s"
                continue
            except aiohttp.ClientError as error:
                failure = f"connection failed: {error}"
                continue
            return self._result(status, raw, attempt, openid)
        return WebhookResult(None, b"", None, attempts, failure)

    async def post_raw(self, body: bytes, params: Mapping[str, str],
                       headers: Optional[Mapping[str, str]] = None) -> WebhookResult:
        """POST exactly `body` with exactly `params` (no signing): for hostile-input tests."""
        try:
            status, raw = await self._post(body, params, headers)
        except (asyncio.TimeoutError, aiohttp.ClientError) as error:
            return WebhookResult(None, b"", None, 1, f"no answer: {error!r}")
        return self._result(status, raw, 1, None)

    async def verify(self, echostr: Optional[str] = None, timestamp: Optional[int] = None) -> WebhookResult:
        """The server-URL check: GET with signature/timestamp/nonce/echostr; echostr must come back."""
        echostr = echostr or str(secrets.randbelow(10 ** 19))
        timestamp, nonce = str(int(time.time()) if timestamp is None else timestamp), new_nonce()
        params = {"signature": sha1_signature(self.token, timestamp, nonce),
                  "timestamp": timestamp, "nonce": nonce, "echostr": echostr}
        try:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            async with self._http().get(self.webhook_url, params=params, timeout=timeout) as response:
                status, raw = response.status, await response.read()
        except (asyncio.TimeoutError, aiohttp.ClientError) as error:
            return WebhookResult(None, b"", None, 1, f"no answer: {error!r}")
        problem = None if status == 200 and raw == echostr.encode() else "echostr was not returned as is"
        return WebhookResult(status, raw, None, 1, problem)

    async def _post(self, body: bytes, params: Mapping[str, str],
                    headers: Optional[Mapping[str, str]] = None) -> Tuple[int, bytes]:
        sent_headers = {"Content-Type": "text/xml", "User-Agent": "Mozilla/4.0"}
        sent_headers.update(headers or {})
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with self._http().post(self.webhook_url, data=body, params=dict(params),
                                     headers=sent_headers, timeout=timeout) as response:
            return response.status, await response.read()

    # --- reading replies -----------------------------------------------------------------
    def _result(self, status: int, raw: bytes, attempts: int, openid: Optional[str]) -> WebhookResult:
        if status != 200:
            return WebhookResult(status, raw, None, attempts, f"HTTP {status}")
        reply, error = self.decode_reply(raw, openid)
        return WebhookResult(status, raw, reply, attempts, error)

    def decode_reply(self, raw: bytes, openid: Optional[str] = None) -> Tuple[Optional[dict], Optional[str]]:
        """(reply dict or None, problem or None). "success" and an empty body mean no reply."""
        if raw.strip() in (b"", b"success"):
            return None, None
        outer = parse_xml(raw)
        if outer is None:
            return None, "reply is neither XML nor 'success'"
        if "Encrypt" in outer:
            return self._decrypt_reply(outer, openid)
        if self.mode == SAFE:
            return outer, "plaintext reply in safe mode: WeChat cannot decrypt it"
        return outer, self._reply_problem(outer, openid)

    def _decrypt_reply(self, outer: dict, openid: Optional[str]) -> Tuple[Optional[dict], Optional[str]]:
        if self._crypto is None:
            return None, "encrypted reply in plaintext mode"
        encrypted = outer.get("Encrypt") or ""
        expected = sha1_signature(self.token, str(outer.get("TimeStamp", "")),
                                  str(outer.get("Nonce", "")), encrypted)
        if not hmac.compare_digest(expected, str(outer.get("MsgSignature", ""))):
            return None, "reply MsgSignature does not match"
        try:
            inner_xml = self._crypto.decrypt(encrypted, self.appid)
        except Exception as error:  # wechatpy raises bare exceptions for bad padding/AppId
            return None, f"reply cannot be decrypted for this AppId: {error!r}"
        reply = parse_xml(inner_xml.encode("utf-8"))
        if reply is None:
            return None, "decrypted reply is not XML"
        return reply, self._reply_problem(reply, openid)

    def _reply_problem(self, reply: dict, openid: Optional[str]) -> Optional[str]:
        """What would make WeChat drop this reply (it shows the user an error instead)."""
        problems = []
        if not reply.get("MsgType"):
            problems.append("reply has no MsgType")
        if openid and reply.get("ToUserName") != openid:
            problems.append("reply ToUserName is not the sender's openid")
        if reply.get("FromUserName") != self.account_id:
            problems.append("reply FromUserName is not the account id")
        content = reply.get("Content")
        if isinstance(content, str) and len(content.encode("utf-8")) > PASSIVE_TEXT_LIMIT:
            problems.append(f"reply text over {PASSIVE_TEXT_LIMIT} bytes")
        return "; ".join(problems) or None

