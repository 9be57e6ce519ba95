"""The WeChat channel as the core sees it (bot/worker_channels.py): customer-service
messages through the outbox, media and location from the channel's records."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from bot import worker_channels
from bot.settings import Settings
from bot.worker_channels import MediaUnavailable
from channels.wechat.api_client import WeChatApiError
from channels.wechat.records import WeChatRecords
from channels.wechat.runtime import ChannelRuntime


class WeChatWorkers:
    name = "wechat"
    delivered_note = "已通过微信通知职工。"
    kept_note = "职工暂时无法接收微信通知（超过 48 小时未互动），通知将在其下次发消息时送达。"
    asks_satisfaction = True
    by_phone = False

    def __init__(self, settings: Optional[Settings] = None, runtime: Optional[ChannelRuntime] = None,
                 connection: Optional[tuple] = None):
        self._settings = settings
        self._runtime = runtime
        # With a shared connection (the action server's), records need no runtime of their own.
        self._records = WeChatRecords(*connection) if connection else None

    @property
    def records(self) -> WeChatRecords:
        return self._records or self.runtime.records

    @property
    def runtime(self) -> ChannelRuntime:
        # Created on first use, inside the event loop that uses it.
        if self._runtime is None:
            self._runtime = ChannelRuntime(self._settings)
        return self._runtime

    def owns(self, worker_id: str) -> bool:
        # Rasa's sender id of a WeChat conversation is the bare OpenID: WeChat is the default
        # channel, asked only after every channel that marks its ids has declined.
        return bool(worker_id)

    async def send_text(self, worker_id: str, text: str) -> bool:
        return await self.runtime.outbox.send(worker_id, text)

    async def tell_about_appeal(self, appeal: Any, text: str) -> bool:
        return bool(appeal.openid) and await self.send_text(appeal.openid, text)

    async def media(self, worker_id: str) -> List[Dict[str, Any]]:
        return await self.records.media(worker_id)

    async def fetch_media(self, media_id: str) -> Tuple[bytes, str]:
        try:
            return await self.runtime.api.download_media(media_id)
        except WeChatApiError as error:
            raise MediaUnavailable("微信已不再提供该文件（临时素材只保存 3 天）。", error.errcode) from None

    async def location(self, worker_id: str) -> Optional[Dict[str, Any]]:
        return await self.records.location(worker_id)

    async def caller_phone(self, worker_id: str) -> Optional[str]:
        return None  # an OpenID carries no phone number

    async def close(self) -> None:
        if self._runtime is not None:
            await self._runtime.close()


worker_channels.register(WeChatWorkers.name, lambda settings, connection: WeChatWorkers(settings, connection=connection), default=True)
