"""Welcomes through the real aiogram and discord.py clients and their stand-ins: a Telegram
group greets a newcomer with deep-link buttons, a Discord server greets one in the channel of
its "joined" system message."""

from __future__ import annotations

import json

from tests.conftest import bot_on_both_platforms, both_platforms_environment
from tests.fakes.discord_api import FakeDiscordServer
from tests.fakes.telegram_api import FakeTelegramServer
from tests.test_answer_loop_platforms import (
    CALLBACK,
    CHANNEL,
    GUILD,
    platforms,  # noqa: F401  (the fixture)
)
from tests.test_teams_platforms import discord_message_containing

GROUP, ORGANIZER, DISCORD_ORGANIZER = -1001234, 77, 5301


async def test_newcomers_are_greeted_on_telegram_and_discord(
    platforms: tuple[FakeTelegramServer, FakeDiscordServer],  # noqa: F811
    deployment_database_url: str,
) -> None:
    telegram, discord = platforms
    environment = both_platforms_environment(
        telegram,
        discord,
        GUILD,
        BOT_DATABASE_URL=deployment_database_url,
        BOT_ORGANIZERS=f"telegram:{ORGANIZER},discord:{DISCORD_ORGANIZER}",
    )
    async with bot_on_both_platforms(telegram, discord, environment):
        telegram.message_update(
            "/welcome on", user_id=ORGANIZER, chat_id=GROUP, chat_type="supergroup"
        )
        await telegram.wait_for(
            "sendMessage", timeout=30, predicate=lambda p: "Welcomes are on" in p["text"]
        )
        telegram.members_joined_update(GROUP, [(301, "Ann")])
        [greeting] = await telegram.wait_for(
            "sendMessage", timeout=30, predicate=lambda p: "Welcome Ann!" in p["text"]
        )
        assert str(greeting["chat_id"]) == str(GROUP)
        markup = greeting["reply_markup"]
        markup = json.loads(markup) if isinstance(markup, str) else markup
        links = [b.get("url") for row in markup["inline_keyboard"] for b in row]
        assert f"https://t.me/{telegram.bot_username.lower()}?start=register" in links

        await discord.slash_command(
            "welcome", {"action": "on"}, channel_id=CHANNEL, user_id=DISCORD_ORGANIZER
        )
        [switched] = await discord.wait_for("POST", CALLBACK, timeout=30)
        assert "Welcomes are on" in switched.json["data"]["content"]
        await discord.member_joined(5302, channel_id=CHANNEL, name="kai")
        posted = await discord_message_containing(discord, "Welcome Kai!")
        assert posted.path.endswith(f"/channels/{CHANNEL}/messages")
        assert posted.json["components"]  # Ask, Register, Deadlines, Calendar
