"""HOTLINE_SECRET and HOTLINE_TURN_DEADLINE (bot/settings.py)."""
from __future__ import annotations

import pytest

from bot.settings import DEV_HOTLINE_SECRET, DEV_WECHAT, Settings, SettingsError

PRODUCTION = dict(DEV_WECHAT)


def test_development_has_a_development_secret_and_the_default_deadline():
    settings = Settings.from_env({})
    assert settings.hotline_secret == DEV_HOTLINE_SECRET and settings.hotline_turn_deadline == 2.5


def test_production_without_a_secret_turns_the_hotline_off():
    assert Settings.from_env(PRODUCTION).hotline_secret == ""


def test_production_takes_a_real_secret():
    secret = "x7Gq-2mVb9ZtP4wLrS8kD1eH"
    assert Settings.from_env({**PRODUCTION, "HOTLINE_SECRET": secret}).hotline_secret == secret


@pytest.mark.parametrize("value", ["short", "has a space in it!!", "密钥密钥密钥密钥密钥密钥密钥密钥", "x" * 129,
                                   DEV_HOTLINE_SECRET])
def test_a_malformed_secret_names_the_variable(value):
    with pytest.raises(SettingsError, match="HOTLINE_SECRET"):
        Settings.from_env({**PRODUCTION, "HOTLINE_SECRET": value})


@pytest.mark.parametrize("value", ["fast", "0", "-1", "11", "nan"])
def test_a_malformed_deadline_names_the_variable(value):
    with pytest.raises(SettingsError, match="HOTLINE_TURN_DEADLINE"):
        Settings.from_env({"HOTLINE_TURN_DEADLINE": value})


def test_a_deadline_in_seconds():
    assert Settings.from_env({"HOTLINE_TURN_DEADLINE": "1.8"}).hotline_turn_deadline == 1.8
