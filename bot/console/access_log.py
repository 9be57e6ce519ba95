"""Access log lines that name the route, not the URL: paths carry OpenIDs and ticket numbers,
query strings carry searched phone numbers, and none of that belongs in a log file."""
from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger


class RouteAccessLogger(AbstractAccessLogger):
    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        route = getattr(getattr(request, "match_info", None), "route", None)
        name = getattr(route, "name", None) or ("static" if request.path.startswith("/static/") else "-")
        self.logger.info("%s %s %s %.0fms", request.method, name, response.status, time * 1000)
