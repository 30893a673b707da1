"""A wrong setting stops start-up with one line naming the variable, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import ConfigError, load_settings, parse_organizers
from tests.conftest import child_environment


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    environment = child_environment(**(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value", "explanation"),
    [
        ("BOT_TIMEZONE", "Asia/Shangai", "unknown IANA timezone"),
        ("BOT_DATABASE_URL", "not a url", "not a database URL"),
        ("BOT_DATABASE_URL", "sqlite:///data/bot.db", "async driver"),
        ("BOT_ORGANIZERS", "telegram:12,slack:9", "platform:user_id"),
        ("BOT_TELEGRAM_API_BASE", "localhost:8081", "http(s) URL"),
    ],
)
def test_wrong_setting_stops_start_up_with_one_line(
    variable: str, value: str, explanation: str
) -> None:
    result = run_cli("db", "upgrade", env={variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0] and explanation in lines[0]
    assert "Traceback" not in result.stderr


def test_every_wrong_setting_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(timezone="Nowhere/City", organizers="discord:abc")
    message = str(raised.value)
    assert "BOT_TIMEZONE" in message and "BOT_ORGANIZERS" in message


def test_secret_values_are_not_echoed_in_errors() -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(telegram_token="123:SECRET-TOKEN", timezone="Nowhere/City")
    assert "SECRET-TOKEN" not in str(raised.value)
    settings = load_settings(telegram_token="123:SECRET-TOKEN")
    assert "SECRET-TOKEN" not in repr(settings)


def test_organizer_list_is_parsed() -> None:
    assert parse_organizers(" telegram:12, discord:34 ,") == {("telegram", "12"), ("discord", "34")}
    settings = load_settings(organizers="telegram:12")
    assert settings.is_organizer("telegram", "12")
    assert not settings.is_organizer("discord", "12")


def test_openai_variables_use_the_sdk_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1/")
    settings = load_settings()
    assert settings.llm_enabled and settings.openai_base_url == "http://127.0.0.1:9/v1"


def test_discord_guilds_and_organizer_role() -> None:
    settings = load_settings(discord_guild_ids="11, 22", discord_organizer_role="Organizers")
    assert settings.discord_guild_ids == (11, 22)
    assert settings.is_organizer("discord", "5", frozenset({"22:Organizers"}))
    assert not settings.is_organizer("telegram", "5", frozenset({"22:Organizers"}))
    with pytest.raises(ConfigError) as raised:
        load_settings(discord_guild_ids="11,abc")
    assert "BOT_DISCORD_GUILD_IDS" in str(raised.value)
