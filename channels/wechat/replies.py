"""Passive reply XML and the 2048-byte limit of a WeChat text message."""
from __future__ import annotations

import time
from typing import List

TEXT_LIMIT_BYTES = 2048
SUCCESS = "success"  # ends WeChat's retries without showing the worker anything


def cdata(value: str) -> str:
    # "]]>" would end the section early: split it across two CDATA sections.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply_xml(to_user: str, from_user: str, content: str) -> str:
    return (
        "<xml>"
        f"<ToUserName>{cdata(to_user)}</ToUserName>"
        f"<FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content>"
        "</xml>"
    )


def merge(texts: List[str]) -> str:
    """What the bot says in one turn, as one message (WeChat's quota counts messages)."""
    return "\n\n".join(t.strip() for t in texts if t and t.strip())


def split_utf8(text: str, limit: int = TEXT_LIMIT_BYTES) -> List[str]:
    """Chunks of at most `limit` UTF-8 bytes, cut at line ends where possible, never inside a character."""
    chunks: List[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        if len((current + line).encode("utf-8")) <= limit:
            current += line
            continue
        if current:
            chunks.append(current)
            current = ""
        while len(line.encode("utf-8")) > limit:
            head = _prefix_within(line, limit)
            chunks.append(head)
            line = line[len(head):]
        current = line
    if current:
        chunks.append(current)
    return [c.strip("\n") for c in chunks if c.strip()]


def _prefix_within(text: str, limit: int) -> str:
    size = 0
    for index, char in enumerate(text):
        size += len(char.encode("utf-8"))
        if size > limit:
            return text[:index]
    return text
