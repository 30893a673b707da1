"""A team across platforms through the real aiogram and discord.py clients and their stand-ins:
created on Telegram, its track chosen with a button, joined from Discord with the invite code,
and the captain told on Telegram."""

from __future__ import annotations

import asyncio
import re
import signal
import sys

from tests.conftest import both_platforms_environment
from tests.fakes.discord_api import FakeDiscordServer
from tests.fakes.telegram_api import FakeTelegramServer
from tests.test_answer_loop_platforms import (
    CALLBACK,
    CHANNEL,
    GUILD,
    buttons_of,
    platforms,  # noqa: F401  (the fixture)
    sent_to,
    text_of,
)

CAPTAIN, DISCORD_MATE = 21, 5101


async def test_a_team_created_on_telegram_is_joined_from_discord(
    platforms: tuple[FakeTelegramServer, FakeDiscordServer],  # noqa: F811
    database_url: str,
) -> None:
    telegram, discord = platforms
    environment = both_platforms_environment(
        telegram, discord, GUILD, BOT_DATABASE_URL=database_url
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await telegram.wait_for("getUpdates", timeout=30)
        await discord.wait_until_identified(timeout=30)
        await discord.wait_for("PUT", r"/applications/\d+/guilds/\d+/commands", timeout=30)

        telegram.message_update("/team create 声音魔方", user_id=CAPTAIN, first_name="Lin")
        created = await sent_to(telegram, CAPTAIN, "/team join")
        code = re.search(r"/team join ([A-Z0-9]{6})", created["text"])
        assert code, created["text"]
        telegram.callback_update(
            buttons_of(created)["AIGC Application Innovation"], user_id=CAPTAIN, message_id=1
        )
        await sent_to(telegram, CAPTAIN, "enters AIGC Application Innovation")

        await discord.slash_command(
            "team", {"action": f"join {code[1]}"}, channel_id=CHANNEL, user_id=DISCORD_MATE
        )
        [answer] = await discord.wait_for("POST", CALLBACK, timeout=30)
        card = text_of(answer)
        assert "声音魔方" in card and "(Telegram)" in card and "(Discord)" in card, card
        assert answer.json["data"].get("flags", 0) & 64  # ephemeral: only the member sees it

        told = await sent_to(telegram, CAPTAIN, "joined your team")
        assert "声音魔方" in told["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
