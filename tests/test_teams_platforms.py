"""Teams and teammates across platforms through the real aiogram and discord.py clients and
their stand-ins: a team created on Telegram and joined from Discord; an introduction accepted
(handles exchanged) or declined (nothing revealed); solo pairing proposed by an organizer,
confirmed, and accepted or declined by the members."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from tests.conftest import bot_on_both_platforms, both_platforms_environment
from tests.fakes.discord_api import FakeDiscordServer
from tests.fakes.telegram_api import FakeTelegramServer
from tests.platform_stand_ins import (
    CALLBACK,
    CHANNEL,
    GUILD,
    buttons_of,
    discord_message_containing,
    sent_to,
    text_of,
)

CAPTAIN, DISCORD_MATE = 21, 5101


async def test_a_team_created_on_telegram_is_joined_from_discord(
    platforms: tuple[FakeTelegramServer, FakeDiscordServer],
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
    platforms: tuple[FakeTelegramServer, FakeDiscordServer],
    deployment_database_url: str,
) -> None:
    telegram, discord = platforms
    environment = both_platforms_environment(
        telegram, discord, GUILD, BOT_DATABASE_URL=deployment_database_url
    )
    async with bot_on_both_platforms(telegram, discord, environment):
        await telegram_profile(telegram, LIN)
        await discord_member_asks_for_an_introduction(discord)

        # The Telegram member sees no handle until accepting; then both get the other's.
        introduction = await sent_to(telegram, CAPTAIN, "would like to team up")
        assert "@ada" not in introduction["text"]
        telegram.callback_update(buttons_of(introduction)["Accept"], **LIN)
        accepted = await sent_to(telegram, CAPTAIN, "Accepted")
        assert "@ada" in accepted["text"]
        told = await discord_message_containing(discord, "@lin_dev")
        assert "accepted your introduction" in told.json["content"]


LIN = {"user_id": CAPTAIN, "username": "lin_dev"}


async def telegram_profile(telegram: FakeTelegramServer, member: dict[str, Any]) -> None:
    """A Telegram member makes a teammate profile, step by step."""
    telegram.message_update("/lookingfor", first_name="Lin", **member)
    asked = await sent_to(telegram, CAPTAIN, "Which track")
    telegram.callback_update(buttons_of(asked)["AIGC Application Innovation"], **member)
    await sent_to(telegram, CAPTAIN, "Your skills")
    telegram.message_update("前端, 配乐", first_name="Lin", **member)
    languages = await sent_to(telegram, CAPTAIN, "Which languages")
    telegram.callback_update(buttons_of(languages)["Both"], **member)
    await sent_to(telegram, CAPTAIN, "What are you looking for")
    telegram.message_update("a designer", first_name="Lin", **member)
    await sent_to(telegram, CAPTAIN, "visible in /findteam")


async def discord_member_asks_for_an_introduction(discord: FakeDiscordServer) -> None:
    """A Discord member finds Lin in a private chat with the bot and asks to be introduced."""
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


async def test_a_declined_introduction_across_platforms_reveals_nothing_to_either_side(
    platforms: tuple[FakeTelegramServer, FakeDiscordServer],
    deployment_database_url: str,
) -> None:
    telegram, discord = platforms
    environment = both_platforms_environment(
        telegram, discord, GUILD, BOT_DATABASE_URL=deployment_database_url
    )
    async with bot_on_both_platforms(telegram, discord, environment):
        await telegram_profile(telegram, LIN)
        await discord_member_asks_for_an_introduction(discord)
        introduction = await sent_to(telegram, CAPTAIN, "would like to team up")
        telegram.callback_update(buttons_of(introduction)["Decline"], **LIN)
        await sent_to(telegram, CAPTAIN, "Declined")
        told = await discord_message_containing(discord, "did not accept your introduction")
        # The whole message: no handle, no way to reach them (the name is the one Telegram gave).
        assert told.json["content"] == "Ada did not accept your introduction."
        await asyncio.sleep(1)  # anything else the bot would send has had time to go out
    to_lin = " ".join(
        p["text"] for p in telegram.calls_of("sendMessage") if p["chat_id"] == CAPTAIN
    )
    assert "@ada" not in to_lin and str(DISCORD_MATE) not in to_lin
    to_discord = [str(c.json) for c in discord.calls if c.method in ("POST", "PATCH")]
    assert not any("lin_dev" in sent for sent in to_discord)


async def test_solo_pairing_across_platforms_shares_handles_only_among_those_who_accept(
    platforms: tuple[FakeTelegramServer, FakeDiscordServer],
    deployment_database_url: str,
) -> None:
    telegram, discord = platforms
    environment = both_platforms_environment(
        telegram,
        discord,
        GUILD,
        BOT_DATABASE_URL=deployment_database_url,
        BOT_ORGANIZERS=f"telegram:{PAIRING_ORGANIZER}",
    )
    ann, cy, dee = (
        {"user_id": 31, "username": "ann_tg"},
        {"user_id": 33, "username": "cy_tg"},
        {"user_id": 34, "username": "dee_tg"},
    )
    async with bot_on_both_platforms(telegram, discord, environment):
        # Four solo registrants, in this order: without skills, they pair up as they came.
        telegram.message_update("/register aigc-app", first_name="Ann", **ann)
        await sent_to(telegram, 31, "You are registered")
        await discord.slash_command(
            "register", {"track": "aigc-app"}, guild_id=None, user_id=DISCORD_SOLO
        )
        await discord.wait_for("POST", CALLBACK, timeout=30)
        for name, member in (("Cy", cy), ("Dee", dee)):
            telegram.message_update("/register aigc-app", first_name=name, **member)
            await sent_to(telegram, member["user_id"], "You are registered")

        # The organizer sees the proposal and confirms it.
        telegram.message_update("/pairsolos application", user_id=PAIRING_ORGANIZER)
        proposal = await sent_to(telegram, PAIRING_ORGANIZER, "Proposed groups")
        assert "2. " in proposal["text"] and "Left over" not in proposal["text"]
        telegram.callback_update(
            buttons_of(proposal)["Send the introductions"], user_id=PAIRING_ORGANIZER
        )
        await sent_to(telegram, PAIRING_ORGANIZER, "Introductions sent to 4 members in 2 groups")

        # Each member is invited privately, on their platform, without anyone's handle.
        invitations = {
            member["user_id"]: await sent_to(telegram, member["user_id"], "organizers suggest")
            for member in (ann, cy, dee)
        }
        on_discord = await discord_message_containing(discord, "organizers suggest")
        for invitation in (*(i["text"] for i in invitations.values()), on_discord.json["content"]):
            assert "@" not in invitation, invitation

        # Ann and the Discord member accept: each gets the other's handle.
        telegram.callback_update(buttons_of(invitations[31])["Accept"], **ann)
        await sent_to(telegram, 31, "As the others accept")
        invitation_id = next(
            i for i, m in discord.messages.items() if "organizers suggest" in m.get("content", "")
        )
        accept = next(
            c["custom_id"]
            for row in discord.messages[invitation_id]["components"]
            for c in row["components"]
            if c["label"] == "Accept"
        )
        await discord.press_button(accept, message_id=invitation_id, user_id=DISCORD_SOLO)
        accepted = (await discord.wait_for("POST", CALLBACK, count=2, timeout=30))[-1]
        assert "@ann_tg" in text_of(accepted)
        told = await sent_to(telegram, 31, "accepted the organizers' introduction too")
        assert "@ada" in told["text"]  # the Discord member's handle

        # Cy accepts, Dee declines: neither learns anything about the other.
        telegram.callback_update(buttons_of(invitations[33])["Accept"], **cy)
        await sent_to(telegram, 33, "As the others accept")
        telegram.callback_update(buttons_of(invitations[34])["Decline"], **dee)
        await sent_to(telegram, 34, "They learn nothing about you")
        await asyncio.sleep(1)  # anything else the bot would send has had time to go out
    sent = telegram.calls_of("sendMessage")
    assert not any("dee_tg" in p["text"] for p in sent if str(p["chat_id"]) == "33")
    assert not any("cy_tg" in p["text"] for p in sent if str(p["chat_id"]) == "34")


PAIRING_ORGANIZER, DISCORD_SOLO = 77, 5201
