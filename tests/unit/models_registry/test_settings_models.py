"""The retraining settings: malformed values stop start-up naming the variable."""
import pytest

from bot.settings import ROOT, Settings, SettingsError


def test_defaults():
    settings = Settings.from_env({"VAR_DIR": "/tmp/gh-var"})
    assert settings.registry_dir.as_posix() == "/tmp/gh-var/model-registry"
    assert (settings.models_kept, settings.model_pull_seconds) == (10, 10)
    assert settings.model_server_url == "http://127.0.0.1:8080/api/model-server/model.tar.gz"
    assert settings.training_config == ROOT / "config.yml"


@pytest.mark.parametrize("name, value", [
    ("MODEL_PULL_SECONDS", "31"), ("MODEL_PULL_SECONDS", "-1"), ("MODEL_PULL_SECONDS", "ten"),
    ("MODELS_KEPT", "0"), ("TRAINING_CONFIG", "no/such/config.yml"), ("MODEL_SERVER_URL", "ftp://x"),
    ("MODEL_REGISTRY_DIR", "config.yml"),
])
def test_malformed_values_name_the_variable(name, value):
    with pytest.raises(SettingsError) as error:
        Settings.from_env({name: value})
    assert error.value.variable == name


def test_pulling_can_be_switched_off_and_the_console_port_moves_the_url():
    settings = Settings.from_env({"MODEL_PULL_SECONDS": "0", "CONSOLE_PORT": "9100"})
    assert settings.model_pull_seconds == 0
    assert settings.model_server_url.startswith("http://127.0.0.1:9100/")
