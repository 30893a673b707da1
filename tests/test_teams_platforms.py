"""A team across platforms through the real aiogram and discord.py clients and their stand-ins:
created on Telegram, its track chosen with a button, joined from Discord with the invite code,
and the captain told on Telegram."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from tests.conftest import bot_on_both_platforms, both_platforms_environment
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


async def discord_message_containing(discord: FakeDiscordServer, text: str) -> Any:
    """The bot's first message posted to a Discord channel (a DM too) that contains `text`."""
    for _ in range(300):
        for call in discord.calls_to("POST", r"/channels/\d+/messages"):
            if text in str(call.json.get("content", "")):
                return call
        await asyncio.sleep(0.1)
    raise AssertionError(f"no Discord message with {text!r}")


async def test_a_team_created_on_telegram_is_joined_from_discord(
    platforms: tuple[FakeTelegramServer, FakeDiscordServer],  # noqa: F811
    deployment_database_url: str,
) -> None:
    telegram, discord = platforms
    environment = both_platforms_environment(
        telegram, discord, GUILD, BOT_DATABASE_URL=deployment_database_url
    )
    async with bot_on_both_platforms(telegram, discord, environment):
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


async def test_a_contact_exchange_across_platforms_shows_handles_only_after_consent(
    platforms: tuple[FakeTelegramServer, FakeDiscordServer],  # noqa: F811
    deployment_database_url: str,
) -> None:
    telegram, discord = platforms
    environment = both_platforms_environment(
        telegram, discord, GUILD, BOT_DATABASE_URL=deployment_database_url
    )
    async with bot_on_both_platforms(telegram, discord, environment):
        # A Telegram member makes a profile, step by step.
        lin = {"user_id": CAPTAIN, "username": "lin_dev"}
        telegram.message_update("/lookingfor", first_name="Lin", **lin)
        asked = await sent_to(telegram, CAPTAIN, "Which track")
        telegram.callback_update(buttons_of(asked)["AIGC Application Innovation"], **lin)
        await sent_to(telegram, CAPTAIN, "Your skills")
        telegram.message_update("前端, 配乐", first_name="Lin", **lin)
        languages = await sent_to(telegram, CAPTAIN, "Which languages")
        telegram.callback_update(buttons_of(languages)["Both"], **lin)
        await sent_to(telegram, CAPTAIN, "What are you looking for")
        telegram.message_update("a designer", first_name="Lin", **lin)
        await sent_to(telegram, CAPTAIN, "visible in /findteam")

        # A Discord member finds them in a private chat with the bot and asks to be introduced.
        await discord.slash_command("findteam", {}, guild_id=None, user_id=DISCORD_MATE)
        [found] = await discord.wait_for("POST", CALLBACK, timeout=30)
        listing = text_of(found)
        assert "Lin" in listing and "lin_dev" not in listing, listing
        rows = found.json["data"]["components"]
        contact = next(
            c["custom_id"] for row in rows for c in row["components"] if c["label"] == "Contact 1"
        )
        message_id = next(
            int(m["id"]) for m in discord.messages.values() if m.get("components") == rows
        )
        await discord.press_button(contact, message_id=message_id, user_id=DISCORD_MATE)
        calls = await discord.wait_for("POST", CALLBACK, count=2, timeout=30)
        assert "passed your introduction on to Lin" in text_of(calls[-1])

        # The Telegram member sees no handle until accepting; then both get the other's.
        introduction = await sent_to(telegram, CAPTAIN, "would like to team up")
        assert "@ada" not in introduction["text"]
        telegram.callback_update(buttons_of(introduction)["Accept"], **lin)
        accepted = await sent_to(telegram, CAPTAIN, "Accepted")
        assert "@ada" in accepted["text"]
        told = await discord_message_containing(discord, "@lin_dev")
        assert "accepted your introduction" in told.json["content"]
