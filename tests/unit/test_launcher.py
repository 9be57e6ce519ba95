"""What the launcher decides before it starts anything: commands without secrets, loopback
probes, start order, and the development warning."""
from __future__ import annotations

from pathlib import Path

from bot.launcher import development_warning, probe_host, service_env, service_specs, start_stages
from bot.settings import Settings

MODEL = Path("/models/model.tar.gz")


def test_no_secret_is_ever_on_a_command_line():
    settings = Settings.from_env({"RASA_API_TOKEN": "r" * 32, "ACTION_SERVER_TOKEN": "a" * 32})
    env = service_env(settings)
    specs = service_specs(settings, MODEL, env["RASA_API_TOKEN"])
    assert {s.name for s in specs} == {"redis", "simulator", "actions", "rasa-0", "rasa-1", "gateway",
                                          "console"}
    for spec in specs:
        assert not any("r" * 32 in part or "a" * 32 in part for part in spec.command), spec.name
    assert (env["RASA_API_TOKEN"], env["ACTION_SERVER_TOKEN"]) == ("r" * 32, "a" * 32)


def test_tokens_are_random_per_run_when_unset():
    settings = Settings.from_env({})
    first, second = service_env(settings), service_env(settings)
    for name in ("RASA_API_TOKEN", "ACTION_SERVER_TOKEN"):
        assert len(first[name]) == 48 and first[name] != second[name]


def test_services_are_probed_where_they_listen():
    assert probe_host("127.0.0.1") == "127.0.0.1"
    assert probe_host("0.0.0.0") == "127.0.0.1"
    assert probe_host("::") == "[::1]"
    assert probe_host("10.0.0.5") == "10.0.0.5"
    specs = service_specs(Settings.from_env({"BIND_HOST": "0.0.0.0", "ACTION_PORT": "6001"}), MODEL, "t" * 32)
    actions = next(s for s in specs if s.name == "actions")
    assert actions.url == "http://127.0.0.1:6001/webhook"


def test_redis_starts_first_and_production_has_no_simulator():
    assert start_stages(service_specs(Settings.from_env({}), MODEL, "t" * 32))[0] == ["redis"]
    production = {"WECHAT_TOKEN": "tok123", "WECHAT_APPID": "wx1234567890", "WECHAT_SECRET": "s" * 32,
                  "WECHAT_AES_KEY": "", "REDIS_URL": "redis://10.0.0.9:6379/0"}
    names = [s.name for s in service_specs(Settings.from_env(production), MODEL, "t" * 32)]
    assert names == ["actions", "rasa-0", "rasa-1", "gateway", "console"]


def test_the_development_warning_is_loud_and_says_when_the_stack_is_reachable():
    local = development_warning(Settings.from_env({}))
    assert "DEVELOPMENT CREDENTIALS" in local and "internet" in local and "BIND_HOST" not in local
    exposed = development_warning(Settings.from_env({"BIND_HOST": "0.0.0.0"}))
    assert "BIND_HOST=0.0.0.0" in exposed and "other machines" in exposed


def test_the_gateway_owns_the_public_port_and_rasa_listens_inside():
    specs = {s.name: s for s in service_specs(Settings.from_env({"RASA_PORT": "7005"}), MODEL, "t" * 32)}
    assert specs["gateway"].port == 7005 and specs["gateway"].command[-1] == "bot.gateway"
    assert specs["rasa-0"].port == 7006
    assert specs["gateway"].url == "http://127.0.0.1:7005/webhooks/wechat/webhook"


def test_each_rasa_server_is_its_own_service_on_its_own_port():
    """RASA_WORKERS separate Rasa servers (not one server with forked workers), so a killed
    one restarts on its own while the others answer."""
    specs = {s.name: s for s in service_specs(Settings.from_env({"RASA_PORT": "7005", "RASA_WORKERS": "3"}),
                                              MODEL, "t" * 32)}
    rasa = [specs[f"rasa-{n}"] for n in range(3)]
    assert [spec.port for spec in rasa] == [7006, 7007, 7008]
    for n, spec in enumerate(rasa):
        assert spec.command[spec.command.index("--instance") + 1] == str(n)
    assert "rasa-3" not in specs
