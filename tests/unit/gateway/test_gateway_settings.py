"""RASA_INTERNAL_PORT: where Rasa listens behind the gateway (which owns RASA_PORT)."""
from __future__ import annotations

import pytest

from bot.rasa_server import rasa_arguments, rasa_environment
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


def test_one_port_per_rasa_server_from_the_internal_port():
    assert Settings.from_env({}).rasa_internal_ports == (5006, 5007)
    assert Settings.from_env({"RASA_WORKERS": "3", "RASA_INTERNAL_PORT": "7100"}).rasa_internal_ports == (7100, 7101, 7102)


@pytest.mark.parametrize("env", [
    {"RASA_INTERNAL_PORT": "5054", "RASA_WORKERS": "2"},  # 5054-5055 takes ACTION_PORT
    {"RASA_INTERNAL_PORT": "8079", "RASA_WORKERS": "2"},  # CONSOLE_PORT
    {"RASA_INTERNAL_PORT": "5003", "RASA_WORKERS": "4"},  # 5003-5006 takes RASA_PORT (5005)
    {"RASA_INTERNAL_PORT": "6389", "RASA_WORKERS": "2"},  # the embedded Redis
    {"RASA_INTERNAL_PORT": "5094", "RASA_WORKERS": "2"},  # the simulator (development)
    {"RASA_INTERNAL_PORT": "65535", "RASA_WORKERS": "2"},  # past the last port
])
def test_rasa_ports_never_collide_with_another_service(env):
    with pytest.raises(SettingsError) as error:
        Settings.from_env(env)
    assert error.value.variable == "RASA_INTERNAL_PORT"


def test_the_simulator_port_is_free_to_use_in_production():
    production = {"WECHAT_TOKEN": "tok123", "WECHAT_APPID": "wx1234567890", "WECHAT_SECRET": "s" * 32,
                  "WECHAT_AES_KEY": "", "REDIS_URL": "redis://10.0.0.9:6379/0"}
    assert Settings.from_env({**production, "RASA_INTERNAL_PORT": "5094"}).rasa_internal_ports == (5094, 5095)


def test_each_instance_binds_its_own_port_and_a_missing_instance_is_named(tmp_path):
    settings = Settings.from_env({"RASA_PORT": "7000", "RASA_API_TOKEN": "t" * 32, "RASA_WORKERS": "2"})
    arguments = rasa_arguments(settings, tmp_path / "model.tar.gz", instance=1)
    assert arguments[arguments.index("--port") + 1] == "7002"
    assert rasa_environment(settings)["SANIC_WORKERS"] == "1"
    with pytest.raises(SettingsError) as error:
        rasa_arguments(settings, tmp_path / "model.tar.gz", instance=2)
    assert error.value.variable == "RASA_WORKERS"
