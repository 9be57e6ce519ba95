"""What each channel answers by itself while the Rasa server cannot: `channels/<name>/standby.py`
defines `routes(context) -> List[Route]`, found here the way worker_channels.py finds channels,
so the gateway (like the rest of the core) imports no channel."""
from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import pkgutil
from typing import Awaitable, Callable, Dict, List, Tuple

from aiohttp import web
from redis.asyncio import Redis

from bot.follow_up import FollowUps
from bot.gateway.forward import RasaUnreachable
from bot.redis_keys import RedisKeys
from bot.settings import Settings

CHANNELS_PACKAGE = "channels"
STANDBY_MODULE = "standby"

# (request, its body already read, how Rasa failed: gone, or late with its answer still to come)
Handler = Callable[[web.Request, bytes, RasaUnreachable], Awaitable[web.StreamResponse]]


@dataclasses.dataclass(frozen=True)
class Context:
    settings: Settings
    redis: Redis
    keys: RedisKeys
    follow_ups: FollowUps


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    path: str
    timeout: float  # how long the gateway waits for Rasa before answering itself
    handle: Handler


def load_standbys(context: Context) -> Dict[Tuple[str, str], Route]:
    """Every channel's standby routes, by (method, path)."""
    package = importlib.import_module(CHANNELS_PACKAGE)
    routes: List[Route] = []
    for info in pkgutil.iter_modules(package.__path__):
        module = f"{CHANNELS_PACKAGE}.{info.name}.{STANDBY_MODULE}"
        if info.ispkg and importlib.util.find_spec(module) is not None:
            routes += importlib.import_module(module).routes(context)
    return {(route.method, route.path): route for route in routes}
