"""TRUSTED_PROXIES and RETENTION_DAYS: parsed once, malformed values name the variable."""
import ipaddress

import pytest

from bot.settings import Settings, SettingsError


def test_defaults_trust_no_proxy_and_keep_data_180_days():
    settings = Settings.from_env({})
    assert settings.trusted_proxies == () and settings.retention_days == 180


def test_trusted_proxies_are_addresses_or_blocks():
    settings = Settings.from_env({"TRUSTED_PROXIES": " 127.0.0.1, 10.0.0.0/8 ,::1", "RETENTION_DAYS": "30"})
    assert settings.trusted_proxies == (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"),
                                        ipaddress.ip_network("::1/128"))
    assert settings.retention_days == 30


@pytest.mark.parametrize("env, variable", [
    ({"TRUSTED_PROXIES": "proxy.example"}, "TRUSTED_PROXIES"),
    ({"TRUSTED_PROXIES": "10.0.0.0/99"}, "TRUSTED_PROXIES"),
    ({"RETENTION_DAYS": "0"}, "RETENTION_DAYS"),
    ({"RETENTION_DAYS": "half a year"}, "RETENTION_DAYS"),
])
def test_malformed_values_name_the_variable(env, variable):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert raised.value.variable == variable
