"""RASA_INTERNAL_PORT: where Rasa listens behind the gateway (which owns RASA_PORT)."""
from __future__ import annotations

import pytest

from bot.rasa_server import rasa_arguments
from bot.settings import Settings, SettingsError


def test_rasa_listens_next_to_the_public_port_by_default():
    assert Settings.from_env({}).rasa_internal_port == 5006
    assert Settings.from_env({"RASA_PORT": "7000"}).rasa_internal_port == 7001
    assert Settings.from_env({"RASA_PORT": "7000", "RASA_INTERNAL_PORT": "7100"}).rasa_internal_port == 7100


@pytest.mark.parametrize("value", ["abc", "0", "70000", "5005"])
def test_a_bad_internal_port_is_named(value):
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"RASA_INTERNAL_PORT": value})
    assert error.value.variable == "RASA_INTERNAL_PORT"


def test_the_rasa_server_binds_the_internal_port(tmp_path):
    settings = Settings.from_env({"RASA_PORT": "7000", "RASA_API_TOKEN": "t" * 32})
    arguments = rasa_arguments(settings, tmp_path / "model.tar.gz")
    assert arguments[arguments.index("--port") + 1] == "7001"
