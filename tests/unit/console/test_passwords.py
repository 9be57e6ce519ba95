import pytest

from bot.console.auth import safe_next
from bot.console.passwords import PasswordPolicyError, check_policy, hash_password, verify_password


def test_scrypt_hash_round_trip_with_a_random_salt():
    stored = hash_password("correct horse battery")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1") and len(bytes.fromhex(salt)) == 16
    assert verify_password("correct horse battery", stored)
    assert not verify_password("correct horse batterY", stored)
    assert hash_password("correct horse battery") != stored


def test_malformed_hashes_never_match():
    for stored in ("", "plain", "md5$1$2$3$aa$bb", "scrypt$x$8$1$aa$bb", "scrypt$16384$8$1$zz$bb"):
        assert not verify_password("anything", stored)


def test_policy():
    check_policy("ten chars!")
    for bad in ("short", " padded password ", "x" * 201):
        with pytest.raises(PasswordPolicyError):
            check_policy(bad)


def test_only_local_paths_after_login():
    assert safe_next("/appeals?status=submitted") == "/appeals?status=submitted"
    for bad in (None, "", "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        assert safe_next(bad) == "/"
