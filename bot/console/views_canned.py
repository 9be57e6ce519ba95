"""Admin pages for 常用回复: list, create, edit, delete; every change audited. Staff use the
replies on the conversation page (views_conversation) and never reach these handlers (403)."""
from __future__ import annotations

from typing import Optional

import aiohttp_jinja2
from aiohttp import web

from bot.console.appkeys import AUDIT, CANNED
from bot.console.auth import admin_only, client_address, current_account
from bot.console.canned_replies import TEXT_MAX, TITLE_MAX, CannedReplyError
from bot.console.responses import Refusal
from bot.console.sessions import get_session

PAGE = "/admin/canned-replies"
NOT_FOUND = "没有这条常用回复（可能已被删除）。"


async def _page(request: web.Request, status: int = 200, error: str = "", form: Optional[dict] = None):
    return aiohttp_jinja2.render_template("canned_replies.html", request, {
        "replies": await request.app[CANNED].list(),
        "error": error,
        "form": form or {},
        "title_max": TITLE_MAX,
        "text_max": TEXT_MAX,
    }, status=status)


async def _fields(request: web.Request) -> dict:
    form = await request.post()
    return {"title": str(form.get("title", "")), "text": str(form.get("text", ""))}


async def _audit(request: web.Request, action: str, reply_id: str, **detail) -> None:
    await request.app[AUDIT].record(current_account(request).username, action, f"canned_reply:{reply_id}",
                                    client_address(request), **detail)


@admin_only
async def canned_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@admin_only
async def create(request: web.Request) -> web.StreamResponse:
    fields = await _fields(request)
    try:
        reply = await request.app[CANNED].create(fields["title"], fields["text"], current_account(request).username)
    except CannedReplyError as error:
        return await _page(request, 400, str(error), fields)
    await _audit(request, "create_canned_reply", reply.id, title=reply.title)
    get_session(request).flash(f"已新建常用回复“{reply.title}”。")
    raise web.HTTPSeeOther(PAGE)


@admin_only
async def edit(request: web.Request) -> web.StreamResponse:
    fields = await _fields(request)
    reply_id = request.match_info["reply_id"]
    try:
        reply = await request.app[CANNED].update(reply_id, fields["title"], fields["text"],
                                                 current_account(request).username)
    except CannedReplyError as error:
        return await _page(request, 400, str(error))
    if reply is None:
        raise Refusal(404, "not_found", NOT_FOUND)
    await _audit(request, "edit_canned_reply", reply.id, title=reply.title)
    get_session(request).flash(f"已修改常用回复“{reply.title}”。")
    raise web.HTTPSeeOther(PAGE)


@admin_only
async def delete(request: web.Request) -> web.StreamResponse:
    reply_id = request.match_info["reply_id"]
    reply = await request.app[CANNED].get(reply_id)
    if reply is None or not await request.app[CANNED].delete(reply_id):
        raise Refusal(404, "not_found", NOT_FOUND)
    await _audit(request, "delete_canned_reply", reply_id, title=reply.title)
    get_session(request).flash(f"已删除常用回复“{reply.title}”。")
    raise web.HTTPSeeOther(PAGE)
