"""Which Rasa server gets the next request: round robin over RASA_WORKERS servers, with a short
memory of the ones that refused a connection.

Why a memory and why short: a killed Rasa refuses connections for the minute or more it takes
to load its model again. Refusing is cheap (a local RST), so a request that meets a refusal is
simply sent to the next server (it never reached the first, nothing ran twice); remembering
the refusal for a couple of seconds spares the following requests that detour. After that the
server is tried again in its turn, so one that came back gets its share within seconds. A
server remembered as down is still tried last: when every server refuses, the request is
answered by the gateway's standby path, never by nothing.
"""
from __future__ import annotations

import time
from typing import Callable, Dict, List, Sequence

from yarl import URL

DOWN_MEMORY_S = 2.0


class Upstreams:
    def __init__(self, urls: Sequence[URL], down_memory: float = DOWN_MEMORY_S,
                 clock: Callable[[], float] = time.monotonic):
        if not urls:
            raise ValueError("at least one upstream")
        self.urls: List[URL] = list(urls)
        self._down_memory, self._clock = down_memory, clock
        self._next = 0
        self._down_until: Dict[URL, float] = {}

    def order(self) -> List[URL]:
        """Every upstream, in the order to try them for one request: the next in turn first,
        the ones that refused within the memory last."""
        start, self._next = self._next, (self._next + 1) % len(self.urls)
        rotated = self.urls[start:] + self.urls[:start]
        now = self._clock()
        live = [url for url in rotated if self._down_until.get(url, 0.0) <= now]
        return live + [url for url in rotated if url not in live]

    def refused(self, url: URL) -> None:
        self._down_until[url] = self._clock() + self._down_memory

    def answered(self, url: URL) -> None:
        self._down_until.pop(url, None)

    def down(self) -> List[URL]:
        now = self._clock()
        return [url for url in self.urls if self._down_until.get(url, 0.0) > now]
