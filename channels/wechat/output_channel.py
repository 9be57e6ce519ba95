"""Collects what the bot says in one turn and renders it as plain WeChat text."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel

from channels.wechat.replies import merge


class WeChatOutput(CollectingOutputChannel):
    @classmethod
    def name(cls) -> Text:
        return "wechat"

    def rendered(self) -> str:
        """Every message of the turn merged into one text (buttons as numbered choices)."""
        return merge([render(message) for message in self.messages])


def render(message: Dict[str, Any]) -> str:
    parts: List[str] = []
    if message.get("text"):
        parts.append(message["text"])
    for number, button in enumerate(message.get("buttons") or [], start=1):
        parts.append(f"{number}. {button.get('title', '')}")
    if message.get("image"):
        parts.append(message["image"])
    if message.get("attachment"):
        parts.append(str(message["attachment"]))
    return "\n".join(parts)


class CustomerServiceOutput(OutputChannel):
    """Bot messages the worker did not ask for just now (e.g. a notice triggered through the
    Rasa API): sent as customer-service messages, or kept for the worker's next message."""

    def __init__(self, outbox):
        self._outbox = outbox

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._outbox.send(recipient_id, text)
