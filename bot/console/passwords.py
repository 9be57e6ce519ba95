"""Password hashing with scrypt (hashlib), compared in constant time.

Stored form: `scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>`, so the cost can be raised later
and old hashes still verify. Hashing takes ~16 MB and tens of milliseconds on purpose:
callers in the event loop run it in an executor (see accounts.AccountStore).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

N, R, P = 2 ** 14, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 10
MAX_LENGTH = 200  # scrypt takes any length; this only stops absurd form posts


class PasswordPolicyError(ValueError):
    """The password is unacceptable; the message is shown to the user (Chinese)."""


def check_policy(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise PasswordPolicyError(f"密码至少需要 {MIN_LENGTH} 个字符")
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(f"密码不能超过 {MAX_LENGTH} 个字符")
    if password.strip() != password or not password.strip():
        raise PasswordPolicyError("密码首尾不能是空格")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, N, R, P)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches `stored`; a malformed `stored` never matches."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(digest_hex)
        actual = _scrypt(password, bytes.fromhex(salt_hex), int(n), int(r), int(p))
    except (ValueError, AttributeError):
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=128 * r * n * 2, dklen=KEY_BYTES)


# Verified against when the username is unknown, so a wrong username costs as much time
# as a wrong password and usernames cannot be found by timing the login form.
DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
