"""Settings: safe defaults, a kept development secret, loud production checks."""

import stat

import pytest

from app.settings import Settings, UnsafeSettings


def test_development_secret_is_kept_in_a_private_file_and_survives_a_restart(tmp_path):
    env = {"ONDECK_SECRET_FILE": str(tmp_path / ".ondeck-secret")}
    first = Settings.from_env(env).secret_key
    assert len(first) >= 32
    assert Settings.from_env(env).secret_key == first  # calendar links and sign-ins survive
    mode = stat.S_IMODE((tmp_path / ".ondeck-secret").stat().st_mode)
    assert mode == 0o600


def test_a_set_secret_key_wins_over_the_kept_one(tmp_path):
    env = {"ONDECK_SECRET_FILE": str(tmp_path / "s"), "ONDECK_SECRET_KEY": "k" * 40}
    assert Settings.from_env(env).secret_key == "k" * 40
    assert not (tmp_path / "s").exists()


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    env = {"ONDECK_ENV": "production", "ONDECK_SECRET_FILE": str(tmp_path / "s")}
    with pytest.raises(UnsafeSettings):
        Settings.from_env(env)


def test_an_unusable_kept_secret_is_refused_loudly(tmp_path):
    (tmp_path / "s").write_text("short")
    with pytest.raises(UnsafeSettings, match="delete it"):
        Settings.from_env({"ONDECK_SECRET_FILE": str(tmp_path / "s")})


def test_trusted_proxies_are_addresses_or_networks_and_none_by_default(tmp_path):
    env = {"ONDECK_SECRET_FILE": str(tmp_path / "s")}
    assert Settings.from_env(env).trusted_proxies == ()
    env["ONDECK_TRUSTED_PROXIES"] = " 10.0.0.5, 10.1.0.0/16 ,fd00::/8,"
    assert Settings.from_env(env).trusted_proxies == ("10.0.0.5/32", "10.1.0.0/16", "fd00::/8")


@pytest.mark.parametrize("value", ["*", "proxy.internal", "10.0.0.300", "10.0.0.0/33"])
def test_a_trusted_proxy_that_is_not_an_address_refuses_to_start(tmp_path, value):
    env = {"ONDECK_SECRET_FILE": str(tmp_path / "s"), "ONDECK_TRUSTED_PROXIES": value}
    with pytest.raises(UnsafeSettings, match="ONDECK_TRUSTED_PROXIES"):
        Settings.from_env(env)
