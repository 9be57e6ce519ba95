import pytest

from bot.settings import DEV_WECHAT, Settings, SettingsError


def test_defaults_are_development_mode_with_embedded_redis():
    settings = Settings.from_env({})
    assert settings.dev_mode
    assert (settings.rasa_port, settings.action_port, settings.console_port) == (5005, 5055, 8080)
    assert settings.redis.embedded and settings.redis.port == 6390
    assert settings.wechat_token == DEV_WECHAT["WECHAT_TOKEN"]
    assert settings.wechat_api_base == "http://127.0.0.1:5095"  # the local WeChat simulator
    assert settings.wechat_reply_deadline == 4.0
    assert settings.key_prefix == "gh:"


def test_redis_url_is_parsed_into_host_port_db_password():
    settings = Settings.from_env({"REDIS_URL": "redis://:s3cret@10.1.2.3:6400/4"})
    assert not settings.redis.embedded
    assert (settings.redis.host, settings.redis.port, settings.redis.db) == ("10.1.2.3", 6400, 4)
    assert settings.redis.password == "s3cret"


@pytest.mark.parametrize(
    "env, variable",
    [
        ({"RASA_PORT": "abc"}, "RASA_PORT"),
        ({"ACTION_PORT": "70000"}, "ACTION_PORT"),
        ({"CONSOLE_PORT": "-1"}, "CONSOLE_PORT"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL"),
        ({"REDIS_URL": "redis://localhost:6379/x"}, "REDIS_URL"),
        ({"WECHAT_API_BASE": "ftp://example"}, "WECHAT_API_BASE"),
        ({"KEY_PREFIX": "GH"}, "KEY_PREFIX"),
        ({"WECHAT_REPLY_DEADLINE": "9"}, "WECHAT_REPLY_DEADLINE"),
        ({"WECHAT_REPLY_DEADLINE": "soon"}, "WECHAT_REPLY_DEADLINE"),
        ({"WECHAT_SIM_PORT": "0"}, "WECHAT_SIM_PORT"),
        ({"RASA_WORKERS": "0"}, "RASA_WORKERS"),
        ({"RASA_API_TOKEN": "short"}, "RASA_API_TOKEN"),
    ],
)
def test_malformed_value_names_the_variable(env, variable):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert raised.value.variable == variable
    assert variable in str(raised.value)


def test_production_requires_every_wechat_variable():
    # Setting one WECHAT_* variable switches to production: the others must be real values.
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"WECHAT_TOKEN": "realtoken123"})
    assert raised.value.variable == "WECHAT_APPID"


def test_production_settings_accepted_and_aes_key_checked():
    env = {
        "WECHAT_TOKEN": "realtoken123",
        "WECHAT_APPID": "wx1234567890abcdef",
        "WECHAT_SECRET": "0123456789abcdef0123456789abcdef",
        "WECHAT_AES_KEY": "",
    }
    settings = Settings.from_env(env)
    assert not settings.dev_mode and settings.wechat_aes_key == ""
    assert settings.wechat_api_base == "https://api.weixin.qq.com"
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**env, "WECHAT_AES_KEY": "too-short"})
    assert raised.value.variable == "WECHAT_AES_KEY"


def test_follow_up_spool_is_one_file_per_redis_database(tmp_path):
    embedded = Settings.from_env({}).follow_up_spool
    other = Settings.from_env({"REDIS_URL": "redis://10.1.2.3:6400/4"}).follow_up_spool
    assert embedded.parent == other.parent and embedded != other
    assert Settings.from_env({"FOLLOW_UP_SPOOL": str(tmp_path / "s.jsonl")}).follow_up_spool == tmp_path / "s.jsonl"
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"FOLLOW_UP_SPOOL": str(tmp_path)})
    assert refused.value.variable == "FOLLOW_UP_SPOOL"


def test_internal_services_bind_to_loopback_unless_told_otherwise():
    settings = Settings.from_env({})
    assert settings.bind_host == "127.0.0.1"
    assert settings.action_server_token == ""  # the launcher makes a random one per run
    assert settings.action_server_url == "http://127.0.0.1:5055/webhook"
    assert Settings.from_env({"BIND_HOST": "0.0.0.0"}).bind_host == "0.0.0.0"
    assert Settings.from_env({"ACTION_PORT": "6001"}).action_server_url == "http://127.0.0.1:6001/webhook"


@pytest.mark.parametrize(
    "env, variable",
    [
        ({"BIND_HOST": "localhost; rm"}, "BIND_HOST"),
        ({"ACTION_SERVER_TOKEN": "short"}, "ACTION_SERVER_TOKEN"),
        ({"ACTION_SERVER_URL": "ftp://x"}, "ACTION_SERVER_URL"),
        ({"EMBEDDED_REDIS_PORT": "0"}, "EMBEDDED_REDIS_PORT"),
    ],
)
def test_malformed_supervision_settings_name_the_variable(env, variable):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert raised.value.variable == variable


def test_a_command_with_a_malformed_setting_exits_2_naming_it(monkeypatch, capsys):
    from bot.settings import settings_or_exit
    monkeypatch.setenv("CONSOLE_PORT", "eighty")
    with pytest.raises(SystemExit) as exited:
        settings_or_exit()
    assert exited.value.code == 2 and "CONSOLE_PORT" in capsys.readouterr().err
