"""Refusals in the form the caller understands: a Chinese error page, or JSON for /api/."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

TITLES = {400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "未找到", 409: "无法执行",
          429: "请稍后再试", 502: "服务暂时不可用"}


def wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def refuse(request: web.Request, status: int, code: str, message: str) -> web.Response:
    if wants_json(request):
        return web.json_response({"error": code, "message": message}, status=status)
    return aiohttp_jinja2.render_template(
        "error.html", request, {"status": status, "title": TITLES.get(status, "出错了"), "message": message},
        status=status)


class Refusal(Exception):
    """Raised anywhere in a view; answered by `refuse` (the error_pages middleware)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(code)
        self.status, self.code, self.message = status, code, message
