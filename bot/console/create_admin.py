"""`python -m bot.console.create_admin <username>`: create an admin account.

The password comes from CONSOLE_ADMIN_PASSWORD, or is asked for twice (not echoed). Further
accounts are created by an admin in the console (系统管理 → 账号管理).
"""
from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from typing import List, Optional

from redis.asyncio import Redis

from bot.console.accounts import ADMIN, AccountError, AccountStore
from bot.console.audit import AuditLog
from bot.console.passwords import PasswordPolicyError
from bot.redis_keys import RedisKeys
from bot.settings import Settings, settings_or_exit

PASSWORD_ENV = "CONSOLE_ADMIN_PASSWORD"


def read_password() -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise SystemExit(f"No terminal to ask for the password: set {PASSWORD_ENV}.")
    first = getpass.getpass("新管理员密码 (password): ")
    if getpass.getpass("再输入一次 (again): ") != first:
        raise SystemExit("两次输入的密码不一致 (the passwords differ).")
    return first


async def create(settings: Settings, username: str, password: str, display_name: str) -> str:
    redis = Redis.from_url(settings.redis.url, decode_responses=True)
    try:
        keys = RedisKeys(settings.key_prefix)
        account = await AccountStore(redis, keys).create(username, password, ADMIN, display_name, created_by="cli")
        await AuditLog(redis, keys).record("cli", "create_account", f"account:{account.username}", role=ADMIN)
        return account.username
    finally:
        await redis.close(close_connection_pool=True)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.console.create_admin", description=__doc__)
    parser.add_argument("username", help="3-32 lowercase letters, digits, _ . -")
    parser.add_argument("--name", default="", help="display name (default: the username)")
    args = parser.parse_args(argv)
    settings = settings_or_exit()
    try:
        username = asyncio.run(create(settings, args.username, read_password(), args.name))
    except (AccountError, PasswordPolicyError) as error:
        print(f"未创建 (not created): {error}", file=sys.stderr)
        return 1
    print(f"已创建管理员 {username} (admin created). Sign in at http://127.0.0.1:{settings.console_port}/login")
    return 0


if __name__ == "__main__":
    sys.exit(main())
