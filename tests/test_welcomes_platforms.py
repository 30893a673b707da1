"""Welcomes through the real aiogram and discord.py clients and their stand-ins: a Telegram
group greets a newcomer with deep-link buttons that open a private welcome, a Discord server
greets one in the channel of its "joined" system message and answers its buttons there, to the
one who pressed alone, never by DM."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.conftest import bot_on_both_platforms, both_platforms_environment
from tests.fakes.discord_api import FakeDiscordServer
from tests.fakes.telegram_api import FakeTelegramServer
from tests.platform_stand_ins import (
    CALLBACK,
    CHANNEL,
    GUILD,
    discord_message_containing,
)

GROUP, ORGANIZER, DISCORD_ORGANIZER = -1001234, 77, 5301


async def test_newcomers_are_greeted_on_telegram_and_discord(
    platforms: tuple[FakeTelegramServer, FakeDiscordServer],
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
        links = {b["text"]: b.get("url") for row in markup["inline_keyboard"] for b in row}
        bot_link = f"https://t.me/{telegram.bot_username.lower()}"
        assert links["Register"] == f"{bot_link}?start=register"
        assert links["Ask"] == f"{bot_link}?start=welcome"
        # The link opens the private chat, whose client sends /start welcome.
        telegram.message_update("/start welcome", user_id=301, first_name="Ann")
        [welcome] = await telegram.wait_for(
            "sendMessage", timeout=30, predicate=lambda p: "Welcome, Ann!" in p["text"]
        )
        assert str(welcome["chat_id"]) == "301"
        markup = welcome["reply_markup"]
        markup = json.loads(markup) if isinstance(markup, str) else markup
        choices = {
            b["text"]: b.get("callback_data") for row in markup["inline_keyboard"] for b in row
        }
        assert choices == {
            "Ask": "run:ask",
            "Register": "run:register",
            "Deadlines": "run:deadlines",
            "Calendar": "run:calendar",
        }

        await discord.slash_command(
            "welcome", {"action": "on"}, channel_id=CHANNEL, user_id=DISCORD_ORGANIZER
        )
        [switched] = await discord.wait_for("POST", CALLBACK, timeout=30)
        assert "Welcomes are on" in switched.json["data"]["content"]
        await discord.member_joined(5302, channel_id=CHANNEL, name="kai")
        posted = await discord_message_containing(discord, "Welcome Kai!")
        assert posted.path.endswith(f"/channels/{CHANNEL}/messages")
        greeting_id = next(
            i for i, m in discord.messages.items() if "Welcome Kai!" in m.get("content", "")
        )
        buttons = {
            c["label"]: c["custom_id"]
            for row in discord.messages[greeting_id]["components"]
            for c in row["components"]
        }
        assert list(buttons) == ["Ask", "Register", "Deadlines", "Calendar"]
        for custom_id in buttons.values():
            await discord.press_button(custom_id, message_id=greeting_id, user_id=5302)
        answers = await interaction_answers_to(discord, 5302, count=len(buttons))
    assert all(answer["flags"] & 64 for answer in answers)  # ephemeral: Kai's alone
    assert any("Which track" in answer["content"] for answer in answers)
    assert all(answer["channel_id"] == str(CHANNEL) for answer in answers)
    assert discord.calls_to("POST", r"/users/@me/channels") == []  # no DM was ever opened


async def interaction_answers_to(
    discord: FakeDiscordServer, user_id: int, count: int
) -> list[dict[str, Any]]:
    """The bot's answers to `count` interactions of that user, once none says "thinking…"."""
    for _ in range(300):
        answers = [
            m
            for m in discord.messages.values()
            if (m.get("interaction_metadata") or {}).get("user", {}).get("id") == str(user_id)
        ]
        if len(answers) >= count and not any(m["flags"] & 128 for m in answers):
            return answers
        await asyncio.sleep(0.1)
    raise AssertionError(f"{count} answers to {user_id} did not come")
