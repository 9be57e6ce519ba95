"""Admin pages: staff accounts (create, disable, reset password) and the audit log; and every
staff member's own password change."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from bot.console.accounts import ADMIN, CITY, DISTRICT, ROLE_LABELS, AccountError
from bot.console.appkeys import ACCOUNTS, AUDIT, SESSIONS
from bot.console.audit import ACTION_LABELS
from bot.console.auth import admin_only, client_address, current_account
from bot.console.passwords import PasswordPolicyError
from bot.console.responses import Refusal
from bot.console.sessions import get_session

AUDIT_PAGE = 100


async def _accounts_page(request: web.Request, status: int = 200, error: str = "", form=None) -> web.StreamResponse:
    return aiohttp_jinja2.render_template("accounts.html", request, {
        "accounts": await request.app[ACCOUNTS].list(),
        "roles": [(role, ROLE_LABELS[role]) for role in (DISTRICT, CITY, ADMIN)],
        "error": error,
        "form": form or {},
    }, status=status)


@admin_only
async def accounts_page(request: web.Request) -> web.StreamResponse:
    return await _accounts_page(request)


@admin_only
async def create_account(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    admin = current_account(request)
    try:
        account = await request.app[ACCOUNTS].create(
            str(form.get("username", "")), str(form.get("password", "")), str(form.get("role", "")),
            display_name=str(form.get("display_name", "")), district=str(form.get("district", "")) or None,
            created_by=admin.username)
    except (AccountError, PasswordPolicyError) as error:
        fields = {name: str(form.get(name, "")) for name in ("username", "display_name", "role", "district")}
        return await _accounts_page(request, 400, str(error), fields)
    await request.app[AUDIT].record(admin.username, "create_account", f"account:{account.username}",
                                    client_address(request), role=account.role, district=account.district)
    get_session(request).flash(f"已创建账号 {account.username}（{account.role_label}）。")
    raise web.HTTPSeeOther("/admin/accounts")


@admin_only
async def set_active(request: web.Request) -> web.StreamResponse:
    admin = current_account(request)
    username = request.match_info["username"]
    active = (await request.post()).get("active") == "1"
    if username == admin.username and not active:
        raise Refusal(409, "self", "不能停用自己的账号。")
    account = await request.app[ACCOUNTS].set_active(username, active)
    if account is None:
        raise Refusal(404, "not_found", "没有这个账号。")
    ended = 0 if active else await request.app[SESSIONS].revoke_all(account.username)
    await request.app[AUDIT].record(admin.username, "enable_account" if active else "disable_account",
                                    f"account:{account.username}", client_address(request), sessions_ended=ended)
    get_session(request).flash(f"账号 {account.username} 已{'启用' if active else '停用'}。")
    raise web.HTTPSeeOther("/admin/accounts")


@admin_only
async def reset_password(request: web.Request) -> web.StreamResponse:
    admin = current_account(request)
    username = request.match_info["username"]
    try:
        account = await request.app[ACCOUNTS].set_password(username, str((await request.post()).get("password", "")))
    except PasswordPolicyError as error:
        return await _accounts_page(request, 400, str(error))
    if account is None:
        raise Refusal(404, "not_found", "没有这个账号。")
    # Whoever knew the old password is signed out everywhere.
    ended = await request.app[SESSIONS].revoke_all(account.username)
    await request.app[AUDIT].record(admin.username, "reset_password", f"account:{account.username}",
                                    client_address(request), sessions_ended=ended)
    get_session(request).flash(f"已重置 {account.username} 的密码，请当面或电话告知本人。")
    raise web.HTTPSeeOther("/admin/accounts")

LOGIN_FAILURES_SHOWN = 20


@admin_only
async def audit_page(request: web.Request) -> web.StreamResponse:
    actor = request.query.get("actor", "").strip() or None
    action = request.query.get("action", "").strip() or None
    target = request.query.get("target", "").strip() or None
    try:
        offset = max(0, int(request.query.get("offset", "0")))
    except ValueError:
        offset = 0
    log = request.app[AUDIT]
    entries = await log.recent(AUDIT_PAGE, offset, actor=actor, action=action, target=target)
    filtered = any((actor, action, target))
    return aiohttp_jinja2.render_template("audit.html", request, {
        "entries": entries, "actions": ACTION_LABELS, "total": await log.count(),
        "login_failures": await log.login_failures(LOGIN_FAILURES_SHOWN),
        "query": {"actor": actor or "", "action": action or "", "target": target or ""},
        "offset": offset, "page": AUDIT_PAGE, "next_offset": None if filtered or len(entries) < AUDIT_PAGE
        else offset + AUDIT_PAGE,
    })


async def password_form(request: web.Request) -> web.StreamResponse:
    return aiohttp_jinja2.render_template("password.html", request, {})


async def change_password(request: web.Request) -> web.StreamResponse:
    account = current_account(request)
    form = await request.post()
    accounts = request.app[ACCOUNTS]
    if await accounts.authenticate(account.username, str(form.get("current", ""))) is None:
        return aiohttp_jinja2.render_template("password.html", request, {"error": "当前密码不正确。"}, status=400)
    new = str(form.get("new", ""))
    if new != str(form.get("confirm", "")):
        return aiohttp_jinja2.render_template("password.html", request, {"error": "两次输入的新密码不一致。"}, status=400)
    try:
        await accounts.set_password(account.username, new)
    except PasswordPolicyError as error:
        return aiohttp_jinja2.render_template("password.html", request, {"error": str(error)}, status=400)
    # Every other session ends: a stolen cookie or a forgotten browser does not outlive the old password.
    ended = await request.app[SESSIONS].revoke_all(account.username, keep=get_session(request).token)
    await request.app[AUDIT].record(account.username, "change_password", f"account:{account.username}",
                                    client_address(request), sessions_ended=ended)
    get_session(request).flash("密码已修改，其他设备上的登录已退出。" if ended else "密码已修改。")
    raise web.HTTPSeeOther("/")
