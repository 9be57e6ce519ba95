"""The one channel-neutral way the core reaches a worker, whatever channel they came by.

The console and the actions never import a channel. Each channel package under `channels/`
that has a `worker_channel` module registers a factory here (`register`); `WorkerChannels`
builds one instance per channel and routes each call by the worker id (Rasa's sender id) to
the channel that owns it. Adding a channel adds a module, never an `if channel == …` branch.
"""
from __future__ import annotations

import importlib
import logging
import pkgutil
from typing import Any, Callable, Dict, List, Optional, Protocol, Tuple, runtime_checkable

from bot.settings import Settings

logger = logging.getLogger(__name__)

CHANNELS_PACKAGE = "channels"
PLUGIN_MODULE = "worker_channel"


class MediaUnavailable(Exception):
    """The channel no longer has (or never had) the file; `message` is for staff."""


@runtime_checkable
class WorkerChannel(Protocol):
    """What the core may ask of a channel about one worker."""

    name: str
    # Words staff read about notices: how this channel reaches a worker, and what happens when it cannot now.
    delivered_note: str
    kept_note: str
    # Whether a resolved appeal's 回访 question can be asked in the worker's conversation.
    asks_satisfaction: bool
    # Whether workers come by phone: staff then file appeals for them (工单录入) and call them back.
    by_phone: bool

    def owns(self, worker_id: str) -> bool:
        """Whether this worker id (Rasa sender id) came by this channel."""

    async def send_text(self, worker_id: str, text: str) -> bool:
        """True when the worker got the text now; False when it is kept for their next contact."""

    async def tell_about_appeal(self, appeal: Any, text: str) -> bool:
        """Tell the appeal's owner `text` (a notice); True when it reached them now."""

    async def media(self, worker_id: str) -> List[Dict[str, Any]]:
        """What the worker sent besides text (newest last): dicts with `media_id`, `type`, `at`."""

    async def fetch_media(self, media_id: str) -> Tuple[bytes, str]:
        """The file and its content type; MediaUnavailable when the channel no longer has it."""

    async def location(self, worker_id: str) -> Optional[Dict[str, Any]]:
        """The worker's last shared location, if the channel has one."""

    async def caller_phone(self, worker_id: str) -> Optional[str]:
        """The number the worker called from (a mainland mobile), when the channel knows one."""

    async def close(self) -> None:
        ...


# (settings, shared (redis, keys) or None: the channel connects by itself) → the channel.
Factory = Callable[[Settings, Optional[tuple]], WorkerChannel]
_FACTORIES: Dict[str, Factory] = {}
_DEFAULT: List[str] = []  # the channel owning ids no other channel claims (WeChat's bare OpenIDs)


def register(name: str, factory: Factory, default: bool = False) -> None:
    """Called by each channel's `worker_channel` module when it is imported."""
    _FACTORIES[name] = factory
    if default and name not in _DEFAULT:
        _DEFAULT.append(name)


def load_channel_plugins() -> List[str]:
    """Import every `channels/<name>/worker_channel.py` (each registers itself); the names."""
    package = importlib.import_module(CHANNELS_PACKAGE)
    for info in pkgutil.iter_modules(package.__path__):
        if not info.ispkg:
            continue
        module = f"{CHANNELS_PACKAGE}.{info.name}.{PLUGIN_MODULE}"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
    return sorted(_FACTORIES)


class WorkerChannels:
    """Every registered channel, one instance each, routed by worker id."""

    def __init__(self, settings: Optional[Settings], channels: Optional[List[WorkerChannel]] = None,
                 connection: Optional[tuple] = None):
        if channels is None:
            load_channel_plugins()
            channels = [factory(settings, connection) for factory in _FACTORIES.values()]
        self._channels = {channel.name: channel for channel in channels}

    def named(self, name: str) -> Optional[WorkerChannel]:
        return self._channels.get(name)

    def of(self, worker_id: str) -> Optional[WorkerChannel]:
        for channel in self._channels.values():
            if channel.name not in _DEFAULT and channel.owns(worker_id):
                return channel
        return next((self._channels[name] for name in _DEFAULT if name in self._channels
                     and self._channels[name].owns(worker_id)), None)

    async def send_text(self, worker_id: str, text: str) -> bool:
        channel = self.of(worker_id)
        return await channel.send_text(worker_id, text) if channel else False

    def of_appeal(self, appeal: Any) -> Optional[WorkerChannel]:
        """The channel the appeal was filed by (its owner's channel for older records)."""
        return self.named(appeal.channel) or (self.of(appeal.openid) if appeal.openid else None)

    async def media(self, worker_id: str) -> List[Dict[str, Any]]:
        channel = self.of(worker_id)
        return await channel.media(worker_id) if channel else []

    async def location(self, worker_id: str) -> Optional[Dict[str, Any]]:
        channel = self.of(worker_id)
        return await channel.location(worker_id) if channel else None

    async def caller_phone(self, worker_id: str) -> Optional[str]:
        channel = self.of(worker_id)
        return await channel.caller_phone(worker_id) if channel else None

    def phone_channel(self) -> Optional[WorkerChannel]:
        """The channel workers call by: appeals staff file for a caller are marked with it."""
        return next((channel for channel in self._channels.values() if channel.by_phone), None)

    async def fetch_media(self, worker_id: str, media_id: str) -> Tuple[bytes, str]:
        """The file `media_id` that this worker sent, through the channel they sent it by."""
        channel = self.of(worker_id)
        if channel is None:
            raise MediaUnavailable("没有找到该文件。")
        return await channel.fetch_media(media_id)

    async def close(self) -> None:
        for channel in self._channels.values():
            try:
                await channel.close()
            except Exception:  # one channel's failure to close must not keep the others open
                logger.exception("closing channel %s failed", channel.name)
