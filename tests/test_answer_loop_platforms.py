"""The whole answer loop through the real aiogram and discord.py clients and their stand-ins, on
SQLite and on PostgreSQL (when configured): a question asked on Telegram, answered by an organizer
on Discord, published as FAQ (previewed, then confirmed), then answering a Discord member in the
other language, from the English entry alone, and telling the member who waited."""

from __future__ import annotations

from typing import Any

from tests.conftest import bot_on_both_platforms, both_platforms_environment
from tests.fakes.discord_api import FakeDiscordServer
from tests.fakes.telegram_api import FakeTelegramServer
from tests.platform_stand_ins import (
    CALLBACK,
    CHANNEL,
    GUILD,
    ORGANIZERS_CHANNEL,
    buttons_of,
    sent_to,
)

ORGANIZER, DISCORD_MEMBER = 5001, 5002
ASKER, WAITER = 11, 13
QUESTION = "What colour are the chairs in the zorblax hall?"


async def test_the_answer_loop_across_telegram_and_discord(
    platforms: tuple[FakeTelegramServer, FakeDiscordServer], database_url: str
) -> None:
    telegram, discord = platforms
    environment = both_platforms_environment(
        telegram,
        discord,
        GUILD,
        BOT_DISCORD_ORGANIZER_CHANNEL=str(ORGANIZERS_CHANNEL),
        BOT_ORGANIZERS=f"discord:{ORGANIZER}",
        BOT_DATABASE_URL=database_url,
    )
    async with bot_on_both_platforms(telegram, discord, environment):
        # 1. A Telegram member asks what the bot cannot answer, and asks a person. A second
        #    one asks to be told when it is answered.
        telegram.message_update(QUESTION, user_id=ASKER)
        dont_know = await sent_to(telegram, ASKER, "couldn't find")
        telegram.callback_update(buttons_of(dont_know)["Ask a person"], user_id=ASKER, message_id=1)
        await sent_to(telegram, ASKER, "Ticket #1")
        telegram.message_update("what colour are the chairs in the zorblax hall", user_id=WAITER)
        waiting = await sent_to(telegram, WAITER, "couldn't find")
        telegram.callback_update(
            buttons_of(waiting)["Tell me when answered"], user_id=WAITER, message_id=1
        )
        await sent_to(telegram, WAITER, "tell you here")

        # 2. The organizers' Discord channel gets the ticket; an organizer answers there.
        [notice] = await discord.wait_for(
            "POST", rf"/channels/{ORGANIZERS_CHANNEL}/messages", timeout=30
        )
        assert QUESTION in notice.json["content"]
        said: list[dict[str, Any]] = []

        async def answer_to(interaction: Any) -> dict[str, Any]:
            """Wait for the bot's answer (one at a time, as a person would)."""
            await interaction
            calls = await discord.wait_for("POST", CALLBACK, count=len(said) + 1, timeout=30)
            said.append(calls[-1].json.get("data") or {})
            return said[-1]

        async def command(action: str, options: dict[str, object], **where: Any) -> str:
            slash = discord.slash_command(action, options, channel_id=CHANNEL, **where)
            return str((await answer_to(slash)).get("content", ""))

        answered = await command("reply", {"answer": "1 Blue, all 300 of them."}, user_id=ORGANIZER)
        assert "Ticket #1 answered" in answered
        # 3. The member receives it on Telegram.
        await sent_to(telegram, ASKER, "Blue, all 300 of them.")

        # 4. The organizer publishes it as FAQ: a preview first, published on "Publish".
        preview = await answer_to(
            discord.slash_command(
                "faq", {"action": "publish 1"}, channel_id=CHANNEL, user_id=ORGANIZER
            )
        )
        assert QUESTION in preview["content"] and "FAQ #1 published" not in preview["content"]
        publish = next(
            c["custom_id"]
            for row in preview["components"]
            for c in row["components"]
            if c.get("label") == "Publish"
        )
        message_id = next(
            int(m["id"])
            for m in discord.messages.values()
            if m.get("components") == preview["components"]
        )
        published = await answer_to(
            discord.press_button(publish, message_id=message_id, user_id=ORGANIZER)
        )
        assert "FAQ #1 published" in published["content"]
        # 5. A Discord member asks the same in Chinese: the English-only entry answers, cited.
        answer = await command(
            "ask",
            {"question": "zorblax大厅里的椅子是啥颜色"},
            user_id=DISCORD_MEMBER,
            locale="zh-CN",
        )
        assert "Blue, all 300 of them." in answer and f"FAQ › {QUESTION}" in answer

        # 6. The member who waited is told, on Telegram.
        await sent_to(telegram, WAITER, "300")
