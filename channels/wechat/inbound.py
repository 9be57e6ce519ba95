"""What an inbound WeChat message or event means for the assistant (pure, no I/O).

Each becomes either text for the bot (typed text, a voice transcript, a menu click mapped to
an intent) or a direct answer from the channel (media received, a voice message WeChat could
not transcribe, links and videos), plus what to record about it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional

from bot.districts import canonical_district
from channels.wechat.menu import payload_for_click
from channels.wechat.security import MalformedMessage
from channels.wechat.typed_text import cap_for_bot, defuse_commands

GREET = "/greet"

VOICE_NOT_RECOGNISED = (
    "抱歉，这段语音没能识别出文字。请再说一次（靠近话筒、说普通话），或者直接打字告诉我您遇到的问题。"
    "着急的话请拨打12351职工服务热线。"
)
MEDIA_RECEIVED = (
    "收到您发来的{what}，已为您保存。如果是证据材料（工资条、考勤、合同、聊天记录等），"
    "登记诉求时会一并交给工作人员。请再用文字说说具体情况。"
)
MEDIA_ATTACHED = "收到您发来的{what}，已作为证据附到您的诉求{ticket}，工作人员会看到。还有什么情况也可以直接告诉我。"
MEDIA_WORDS = {"image": "图片", "file": "文件"}
LOCATION_RECEIVED = "收到您的位置：{label}{district}。请用文字说说您遇到的问题，我来帮您。"
LINK_RECEIVED = "暂时无法打开链接。请用文字说说您想咨询的问题，例如“公司拖欠工资怎么办”。"
VIDEO_RECEIVED = "暂时无法查看视频。如果视频是证据，请先保存好；再用文字说说具体情况，我来帮您。"
EMPTY_TEXT = "您发来的消息是空的。请用文字说说您遇到的问题，例如“加班费怎么算”。"


@dataclass(frozen=True)
class Inbound:
    openid: str
    account: str
    kind: str  # "text", "voice", …, or "event:subscribe", "event:click", …
    dedup_key: str
    bot_text: Optional[str] = None
    direct_reply: Optional[str] = None
    record: Dict[str, Any] = field(default_factory=dict)
    full_text: Optional[str] = None  # what the worker wrote, when bot_text is a capped version

    @property
    def is_event(self) -> bool:
        return self.kind.startswith("event:")

    @property
    def metadata(self) -> Dict[str, Any]:
        """The message's `metadata["wechat"]` for Rasa (the actions read `full_text` from it)."""
        data: Dict[str, Any] = {"kind": self.kind, "account": self.account}
        if self.full_text is not None:
            data["full_text"] = self.full_text
        return data


def interpret(fields: Dict[str, Any]) -> Inbound:
    msg_type = _text(fields.get("MsgType")).lower()
    openid = _text(fields.get("FromUserName"))
    if not msg_type or not openid:
        raise MalformedMessage("MsgType or FromUserName missing")
    base = {"openid": openid, "account": _text(fields.get("ToUserName"))}
    if msg_type == "event":
        return _event(fields, base)
    base["dedup_key"] = f"msg:{openid}:{_text(fields.get('MsgId')) or _text(fields.get('CreateTime'))}"
    handler = _MESSAGES.get(msg_type)
    if handler is None:
        return Inbound(kind=msg_type, **base)  # unknown type: answered `success`
    return handler(fields, base)


def _text_message(fields, base) -> Inbound:
    content = _text(fields.get("Content")).strip()
    if not content:
        return Inbound(kind="text", direct_reply=EMPTY_TEXT, **base)
    return Inbound(kind="text", **_for_bot(content), **base)


def _voice(fields, base) -> Inbound:
    recognition = _text(fields.get("Recognition")).strip()
    if not recognition:
        return Inbound(kind="voice", direct_reply=VOICE_NOT_RECOGNISED, **base)
    return Inbound(kind="voice", **_for_bot(recognition), **base)


def _for_bot(words: str) -> Dict[str, Optional[str]]:
    """A worker's words as the bot gets them: never a command, capped in length (typed_text)."""
    safe = defuse_commands(words)
    capped = cap_for_bot(safe)
    return {"bot_text": capped, "full_text": words if capped != safe else None}


def _media(what: str):
    def handle(fields, base) -> Inbound:
        kind = _text(fields.get("MsgType")).lower()
        record = {"media": {"type": kind, "media_id": _text(fields.get("MediaId")),
                            "title": _text(fields.get("Title")), "pic_url": _text(fields.get("PicUrl"))}}
        return Inbound(kind=kind, direct_reply=MEDIA_RECEIVED.format(what=what), record=record, **base)
    return handle


def _location(fields, base) -> Inbound:
    label = _text(fields.get("Label")).strip()
    district = canonical_district(label)
    record = {"location": {"label": label, "district": district,
                           "x": _text(fields.get("Location_X")), "y": _text(fields.get("Location_Y"))}}
    shown_district = f"（{district}）" if district else ""
    reply = LOCATION_RECEIVED.format(label=label or "未知地点", district=shown_district)
    return Inbound(kind="location", direct_reply=reply, record=record, **base)


def _fixed(reply: str):
    def handle(fields, base) -> Inbound:
        return Inbound(kind=_text(fields.get("MsgType")).lower(), direct_reply=reply, **base)
    return handle


_MESSAGES = {
    "text": _text_message,
    "voice": _voice,
    "image": _media("图片"),
    "file": _media("文件"),
    "location": _location,
    "link": _fixed(LINK_RECEIVED),
    "video": _fixed(VIDEO_RECEIVED),
    "shortvideo": _fixed(VIDEO_RECEIVED),
}


def _event(fields, base) -> Inbound:
    event = _text(fields.get("Event")).lower()
    key = _text(fields.get("EventKey"))
    dedup = f"event:{base['openid']}:{_text(fields.get('CreateTime'))}:{event}:{key}"
    inbound = dict(kind=f"event:{event}", dedup_key=dedup, **base)
    if event == "subscribe":
        scene = key[len("qrscene_"):] if key.startswith("qrscene_") else None
        return Inbound(bot_text=GREET, record={"follow": {"scene": scene}}, **inbound)
    if event == "scan":
        return Inbound(bot_text=GREET, record={"follow": {"scene": key or None}}, **inbound)
    if event == "unsubscribe":
        return Inbound(record={"unfollow": True}, **inbound)
    if event == "click":
        return Inbound(bot_text=payload_for_click(key), **inbound)
    # VIEW, LOCATION reports, kf_create_session / kf_close_session and anything new: no reply.
    return Inbound(**inbound)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
