from pathlib import Path

import pytest

from app.settings import Settings, SettingsError


def test_defaults_need_no_configuration(tmp_path: Path) -> None:
    settings = Settings.from_env({"DATA_DIR": str(tmp_path)})
    assert settings.embedded_mongo and settings.embedded_broker
    assert settings.port == 8080
    assert settings.public_base_url == "http://127.0.0.1:8080"
    # Generated secrets are kept, so a restart can still decrypt stored credentials.
    again = Settings.from_env({"DATA_DIR": str(tmp_path)})
    assert again.secret_key == settings.secret_key and len(settings.secret_key) >= 32
    assert again.admin_password == settings.admin_password
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    assert settings.secret_key not in repr(settings)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"MONGODB_URI": "postgres://x"}, "MONGODB_URI"),
        ({"AMQP_URL": "http://rabbit"}, "AMQP_URL"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"RETRY_MAX_ATTEMPTS": "3"}, "RETRY_MAX_ATTEMPTS"),
        ({"SANDBOX": "maybe"}, "SANDBOX"),
        ({"PUBLIC_BASE_URL": "linio.example.com"}, "PUBLIC_BASE_URL"),
    ],
)
def test_bad_variable_is_named(tmp_path: Path, env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env({"DATA_DIR": str(tmp_path), **env})
    assert str(info.value).startswith(named)


def test_production_values(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "DATA_DIR": str(tmp_path),
            "MONGODB_URI": "mongodb://db:27017",
            "AMQP_URL": "amqp://u:p@rabbit:5672/",
            "PUBLIC_BASE_URL": "https://linio.example.com/",
            "LOG_FORMAT": "json",
            "RETRY_MAX_ATTEMPTS": "12",
        }
    )
    assert not settings.embedded_mongo and not settings.embedded_broker
    assert settings.public_base_url == "https://linio.example.com"
    assert settings.retry_max_attempts == 12
