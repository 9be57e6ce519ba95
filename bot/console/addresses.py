"""The client's address, for the throttle and the audit log.

Behind the recommended reverse proxy every request comes from the proxy, so without help
all staff would share one address. X-Forwarded-For is believed only when the direct peer is
one of TRUSTED_PROXIES, and then read from the right: each trusted hop vouches for the one
before it, and the first address that is not a trusted proxy is the client. Anything a
client writes further left is its own claim and is ignored.
"""
from __future__ import annotations

import ipaddress
from typing import Iterable, Optional, Union

from aiohttp import web

from bot.console.appkeys import SETTINGS

Address = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]


def _ip(value: str) -> Optional[Address]:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: Optional[Address], proxies: Iterable) -> bool:
    return address is not None and any(address in network for network in proxies)


def forwarded_client(peer: str, forwarded_for: Iterable[str], proxies: tuple) -> str:
    """The client address given the direct peer, the X-Forwarded-For headers and the trusted proxies."""
    if not _trusted(_ip(peer), proxies):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _ip(hop)
        if address is None:
            return client  # a malformed hop: nothing left of it can be believed
        client = str(address)
        if not _trusted(address, proxies):
            return client
    return client


def client_address(request: web.Request) -> str:
    return forwarded_client(request.remote or "", request.headers.getall("X-Forwarded-For", []),
                            request.app[SETTINGS].trusted_proxies)
