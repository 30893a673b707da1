"""What the end-to-end tests through both platforms' stand-ins share: one Discord server with a
member channel and an organizers' channel, and ways to read what the bot sent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.fakes.discord_api import FakeDiscordServer
from tests.fakes.telegram_api import FakeTelegramServer

GUILD, CHANNEL, ORGANIZERS_CHANNEL = 1, 100, 200
CALLBACK = r"/interactions/\d+/[^/]+/callback"


@pytest.fixture
async def platforms() -> AsyncIterator[tuple[FakeTelegramServer, FakeDiscordServer]]:
    telegram, discord = FakeTelegramServer(), FakeDiscordServer()
    discord.add_guild(GUILD, channel_ids=(CHANNEL, ORGANIZERS_CHANNEL))
    await telegram.start()
    await discord.start()
    yield telegram, discord
    await discord.stop()
    await telegram.stop()


def buttons_of(call: dict[str, Any]) -> dict[str, str]:
    """A Telegram message's inline buttons: label → payload."""
    markup = call.get("reply_markup")
    markup = json.loads(markup) if isinstance(markup, str) else markup or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row}


def text_of(call: Any) -> str:
    """The text of a Discord interaction response."""
    data = call.json.get("data") or {}
    return str(data.get("content", ""))


async def sent_to(telegram: FakeTelegramServer, chat: int, containing: str) -> dict[str, Any]:
    """The bot's Telegram message to `chat` containing `containing` (waits for it)."""
    [call] = await telegram.wait_for(
        "sendMessage",
        timeout=30,
        predicate=lambda p: str(p.get("chat_id")) == str(chat) and containing in p["text"],
    )
    return call


async def discord_message_containing(discord: FakeDiscordServer, text: str) -> Any:
    """The bot's first message posted to a Discord channel (a DM too) that contains `text`."""
    for _ in range(300):
        for call in discord.calls_to("POST", r"/channels/\d+/messages"):
            if text in str(call.json.get("content", "")):
                return call
        await asyncio.sleep(0.1)
    raise AssertionError(f"no Discord message with {text!r}")
