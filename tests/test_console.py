"""The console chat and `communitybot ask`, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar

from tests.test_config import run_cli


def test_run_without_tokens_opens_the_console_chat_with_a_note(tmp_path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    result = run_cli(
        "run",
        env={"BOT_DATABASE_URL": database, "LANG": "en_US.UTF-8"},
        stdin="有哪些赛道？\nHow many prizes does each track have?\n/quit\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "BOT_TELEGRAM_TOKEN" in out and "BOT_DISCORD_TOKEN" in out
    assert "AIGC技术创新" in out and "AIGC应用创新" in out and "AIGC创意作品" in out
    assert "one first prize, two second prizes" in out
    assert out.count("来源：") == 1 and out.count("Source:") == 1


def test_console_buttons_are_numbered_choices(tmp_path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    result = run_cli(
        "chat", env={"BOT_DATABASE_URL": database, "LANG": "en_US.UTF-8"}, stdin="/lang\n1\n/help\n"
    )
    assert result.returncode == 0, result.stderr
    assert "[1] 中文" in result.stdout and "[2] English" in result.stdout
    assert "好的，我会用中文回答" in result.stdout and "命令：" in result.stdout


def test_console_follows_the_terminal_language(tmp_path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    result = run_cli(
        "chat", env={"BOT_DATABASE_URL": database, "LANG": "zh_CN.UTF-8"}, stdin="/help\n"
    )
    assert "命令：" in result.stdout


def test_files_the_bot_sends_are_saved_and_their_path_printed(tmp_path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    result = run_cli(
        "chat",
        env={"BOT_DATABASE_URL": database, "BOT_WEB_CHAT": "off", "LANG": "en_US.UTF-8"},
        stdin="/team create Rockets\n1\n/calendar\n/calendar\n",  # 1: the first track
    )
    assert result.returncode == 0, result.stderr
    assert "“Rockets” enters AIGC Technical Innovation" in result.stdout
    folder = Path.cwd() / "data" / "console-files"  # the default, beside the database
    first, second = folder / "contest-dates.ics", folder / "contest-dates-2.ics"
    assert f"📎 {first} (" in result.stdout and f"📎 {second} (" in result.stdout
    calendar = icalendar.Calendar.from_ical(first.read_bytes())
    assert "Not announced yet" in str(calendar["X-WR-CALDESC"])
    assert second.read_bytes() == first.read_bytes()  # a second file never replaces the first


def test_ask_prints_json_with_sources() -> None:
    result = run_cli("ask", "How many prizes does each track have?", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["language"] == "en"
    assert "first prize" in payload["answer"].lower()
    assert payload["sources"] and set(payload["sources"][0]) == {"doc", "heading"}


def test_ask_can_force_the_answer_language() -> None:
    payload = json.loads(run_cli("ask", "Which tracks are there?", "--lang", "zh", "--json").stdout)
    assert payload["language"] == "zh" and "AIGC技术创新" in payload["answer"]


def test_ask_declines_off_topic_questions_without_sources() -> None:
    payload = json.loads(run_cli("ask", "What's the weather in Paris?", "--json").stdout)
    assert payload["sources"] == []
    assert "outside what I know" in payload["answer"]


def test_run_without_tokens_also_serves_the_web_chat_and_prints_its_address(tmp_path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    database = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    result = run_cli(
        "run",
        env={"BOT_DATABASE_URL": database, "BOT_HTTP_PORT": str(port), "LANG": "en_US.UTF-8"},
        stdin="/quit\n",
    )
    assert result.returncode == 0, result.stderr
    assert f"Web chat: http://127.0.0.1:{port}/chat/" in result.stdout
    # Quitting at once, while start-up jobs may still run, is quiet.
    assert "Traceback" not in result.stdout + result.stderr
    off = run_cli(
        "run",
        env={"BOT_DATABASE_URL": database, "BOT_WEB_CHAT": "off", "LANG": "en_US.UTF-8"},
        stdin="/quit\n",
    )
    assert "Web chat" not in off.stdout
