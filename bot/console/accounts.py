"""Staff accounts: who may sign in to the console, with which role and remit.

Roles: `admin` (everything, plus accounts and the audit log), `city` (市总工会 staff: every
district) and `district` (a district union's staff: their canonical district only). Accounts
are JSON documents in Redis; the username set lists them.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import asdict, dataclass
from typing import List, Optional

from redis.asyncio import Redis

from bot.console import passwords
from bot.districts import CANONICAL
from bot.redis_keys import RedisKeys

ADMIN, CITY, DISTRICT = "admin", "city", "district"
ROLE_LABELS = {ADMIN: "管理员", CITY: "市总工会工作人员", DISTRICT: "区总工会工作人员"}
USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{2,31}")


class AccountError(ValueError):
    """Refused account data; the message is shown to the admin (Chinese)."""


@dataclass
class Account:
    username: str
    role: str
    display_name: str
    district: Optional[str] = None  # district staff only
    active: bool = True
    created_at: float = 0.0
    created_by: Optional[str] = None
    password_hash: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def sees_all_districts(self) -> bool:
        return self.role in (ADMIN, CITY)

    @property
    def actor(self) -> str:
        """How the appeal history and the human queue name this staff member."""
        return f"staff:{self.username}"

    @property
    def role_label(self) -> str:
        label = ROLE_LABELS.get(self.role, self.role)
        return f"{self.district}{label[1:]}" if self.role == DISTRICT and self.district else label

    def public(self) -> dict:
        """Everything but the password hash."""
        data = asdict(self)
        del data["password_hash"]
        return data


def normalize_username(raw: Optional[str]) -> Optional[str]:
    """Lowercased username when it is well formed (3-32 of a-z 0-9 _ . -), else None."""
    name = (raw or "").strip().lower()
    return name if USERNAME.fullmatch(name) else None


class AccountStore:
    def __init__(self, redis: Redis, keys: RedisKeys):
        self._redis = redis
        self._keys = keys

    async def get(self, username: Optional[str]) -> Optional[Account]:
        name = normalize_username(username)
        if name is None:
            return None
        raw = await self._redis.get(self._keys.console_account(name))
        return Account(**json.loads(raw)) if raw else None

    async def list(self) -> List[Account]:
        names = sorted(await self._redis.smembers(self._keys.console_accounts()))
        found = [await self.get(name) for name in names]
        return [account for account in found if account is not None]

    async def create(self, username: str, password: str, role: str, display_name: str = "",
                     district: Optional[str] = None, created_by: Optional[str] = None) -> Account:
        name = normalize_username(username)
        if name is None:
            raise AccountError("用户名须为 3-32 位小写字母、数字或 _ . -，且以字母或数字开头")
        if role not in ROLE_LABELS:
            raise AccountError("请选择角色")
        if role == DISTRICT:
            if district not in CANONICAL:
                raise AccountError("区总工会工作人员须选择所属区")
        else:
            district = None
        display = (display_name or "").strip()[:50] or name
        passwords.check_policy(password)  # PasswordPolicyError is an AccountError-like ValueError
        account = Account(name, role, display, district, True, time.time(), created_by,
                          await hash_in_executor(password))
        # SET NX: two admins creating the same name at once cannot overwrite each other.
        created = await self._redis.set(self._keys.console_account(name), _dump(account), nx=True)
        if not created:
            raise AccountError(f"用户名 {name} 已存在")
        await self._redis.sadd(self._keys.console_accounts(), name)
        return account

    async def authenticate(self, username: str, password: str) -> Optional[Account]:
        """The active account when the password matches; None otherwise (same cost either way)."""
        account = await self.get(username)
        stored = account.password_hash if account else passwords.DUMMY_HASH
        matches = await asyncio.get_running_loop().run_in_executor(
            None, passwords.verify_password, password or "", stored)
        if account is None or not matches or not account.active:
            return None
        return account

    async def set_active(self, username: str, active: bool) -> Optional[Account]:
        account = await self.get(username)
        if account is None:
            return None
        account.active = active
        await self._redis.set(self._keys.console_account(account.username), _dump(account))
        return account

    async def set_password(self, username: str, password: str) -> Optional[Account]:
        passwords.check_policy(password)
        account = await self.get(username)
        if account is None:
            return None
        account.password_hash = await hash_in_executor(password)
        await self._redis.set(self._keys.console_account(account.username), _dump(account))
        return account


async def hash_in_executor(password: str) -> str:
    # scrypt is deliberately slow: keep it off the event loop.
    return await asyncio.get_running_loop().run_in_executor(None, passwords.hash_password, password)


def _dump(account: Account) -> str:
    return json.dumps(asdict(account), ensure_ascii=False)
