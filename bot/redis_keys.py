"""Every Redis key the project writes (besides Rasa's own tracker and lock keys).

All keys start with the configured prefix (`gh:` by default); build them only here so the
key space can be read, migrated and cleaned in one place.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RedisKeys:
    prefix: str = "gh:"

    # --- WeChat channel -------------------------------------------------------------
    def wechat_dedup(self, message_key: str) -> str:
        """State of one inbound message or event (running / done + reply), for retries."""
        return f"{self.prefix}wechat:dedup:{message_key}"

    def wechat_access_token(self, appid: str) -> str:
        return f"{self.prefix}wechat:token:{appid}"

    def wechat_token_lock(self, appid: str) -> str:
        return f"{self.prefix}wechat:token-lock:{appid}"

    def wechat_undelivered(self, openid: str) -> str:
        """Texts the customer-service API refused (quota, window): sent with the next reply."""
        return f"{self.prefix}wechat:undelivered:{openid}"

    def wechat_media(self, openid: str) -> str:
        """Images and files a worker sent (media ids), newest last: evidence for appeals."""
        return f"{self.prefix}wechat:media:{openid}"

    def wechat_location(self, openid: str) -> str:
        """The last location a worker shared (label, district, coordinates)."""
        return f"{self.prefix}wechat:location:{openid}"

    def wechat_follower(self, openid: str) -> str:
        """Subscription state and the QR scene that brought the worker."""
        return f"{self.prefix}wechat:follower:{openid}"

    def wechat_typing(self, openid: str) -> str:
        """Set while a typing indicator is showing (WeChat refuses a second one: 45081)."""
        return f"{self.prefix}wechat:typing:{openid}"
