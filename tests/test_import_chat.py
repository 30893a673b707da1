"""/import from chat: an organizer sends a document (a Telegram file, a Discord attachment, or a
web address), sees the sections found, confirms, and the bot answers from it at once."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
from pydantic import SecretStr

from adapters.discord import DiscordAdapter
from adapters.telegram import TelegramAdapter
from bot.config import BUNDLED_CONTENT_DIR, Settings
from bot.core.app import Core
from bot.knowledge.build import content_fingerprint
from bot.messages import ReceivedFile, Reply
from bot.runtime import start_core
from tests.conftest import ORGANIZER_ID, ManualClock, Member, served
from tests.documents import FAQ_PAGE, guide_docx, rules_pdf
from tests.fakes.discord_api import FakeDiscordServer
from tests.fakes.telegram_api import FakeTelegramServer

TIMEOUT = 30.0


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return Path(shutil.copytree(BUNDLED_CONTENT_DIR, tmp_path / "content"))


@pytest.fixture
def import_settings(settings: Settings, content: Path, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"content_dir": content})


@pytest.fixture
async def bot(import_settings: Settings, clock: ManualClock) -> AsyncIterator[Core]:
    core = await start_core(import_settings, clock)
    yield core
    await core.services.database.close()


def sent_file(name: str, data: bytes) -> ReceivedFile:
    async def read() -> bytes:
        return data

    return ReceivedFile(name, len(data), None, read)


def button_payloads(reply: Reply) -> dict[str, str]:
    return {button.label: button.payload for button in reply.buttons}


async def test_an_organizer_imports_a_web_page_from_chat_and_members_get_answers(
    bot: Core, content: Path
) -> None:
    organizer = Member(bot, user_id=ORGANIZER_ID)
    member = Member(bot, user_id="702")
    page = FAQ_PAGE.encode()

    async def guide(request: object) -> object:
        from aiohttp import web

        return web.Response(body=page, content_type="text/html")

    from aiohttp import web

    app = web.Application()
    app.router.add_get("/guide.html", guide)
    async with served(app) as base:
        [preview] = await organizer.says(f"/import {base}/guide.html")

    assert "3 section(s)" in preview.text and "决赛观赛指南 › 住宿安排" in preview.text
    assert not (content / "knowledge" / "guide.zh.md").exists()  # nothing before confirming
    payloads = button_payloads(preview)
    assert set(payloads) == {"Import", "Cancel"}

    [done] = await organizer.presses(payloads["Import"])

    assert "Imported guide.zh.md: 3 section(s)" in done.text
    [answer] = await member.says("Is accommodation provided during the final?")
    assert "两晚住宿" in answer.text and "住宿安排" in answer.text
    [stale] = await organizer.presses(payloads["Import"])
    assert "no longer waiting" in stale.text


async def test_a_cancelled_or_broken_import_changes_nothing(bot: Core, content: Path) -> None:
    organizer = Member(bot, user_id=ORGANIZER_ID, locale="zh-hans")
    before = content_fingerprint(content)

    [preview] = await organizer.says("", received_file=sent_file("rules.pdf", rules_pdf()))
    [cancelled] = await organizer.presses(button_payloads(preview)["取消"])
    [locked] = await organizer.says(
        "/import", received_file=sent_file("locked.pdf", rules_pdf(password="x"))
    )
    [other] = await organizer.says("", received_file=sent_file("photo.jpg", b"\xff\xd8\xff"))

    assert "第三条 知识产权 (p. 2)" in preview.text
    assert "没有导入任何内容" in cancelled.text
    assert "没有导入" in locked.text and "密码" in locked.text
    assert "不是我能导入的文档" in other.text
    assert content_fingerprint(content) == before


async def test_members_cannot_import_and_groups_are_refused(bot: Core) -> None:
    member = Member(bot, user_id="703")
    [refused] = await member.says("", received_file=sent_file("rules.pdf", rules_pdf()))
    assert "organizers only" in refused.text
    [answered] = await member.says(
        "Which tracks are there?", received_file=sent_file("notes.pdf", rules_pdf())
    )
    assert "AIGC Creative Works" in answered.text  # words beside a file are a question
    [how] = await Member(bot, user_id=ORGANIZER_ID).says("/import")
    assert "PDF" in how.text and "20 MB" in how.text


async def test_a_file_bigger_than_the_limit_is_refused_before_it_is_read(
    import_settings: Settings, clock: ManualClock
) -> None:
    core = await start_core(import_settings.model_copy(update={"import_max_megabytes": 1}), clock)
    read: list[bool] = []

    async def reading() -> bytes:
        read.append(True)
        return b""

    big = ReceivedFile("rules.pdf", 5_000_000, "application/pdf", reading)
    try:
        [refused] = await Member(core, user_id=ORGANIZER_ID).says("", received_file=big)
    finally:
        await core.services.database.close()
    assert "5 MB; the limit is 1 MB" in refused.text and not read


async def test_a_file_the_platform_fails_to_hand_over_is_asked_for_again(bot: Core) -> None:
    async def broken() -> bytes:
        raise ConnectionResetError("the platform hung up")

    lost = ReceivedFile("rules.pdf", 2_000, "application/pdf", broken)
    [reply] = await Member(bot, user_id=ORGANIZER_ID).says("", received_file=lost)
    assert "could not be fetched" in reply.text and "send it again" in reply.text


# --- the real clients ---


@pytest.fixture
async def telegram_bot(
    import_settings: Settings, clock: ManualClock
) -> AsyncIterator[FakeTelegramServer]:
    server = FakeTelegramServer()
    await server.start()
    config = import_settings.model_copy(
        update={"telegram_token": SecretStr(server.token), "telegram_api_base": server.base_url}
    )
    core = await start_core(config, clock)
    adapter = TelegramAdapter(config, polling_timeout=1)
    task = asyncio.create_task(adapter.start(core))
    await server.wait_for("getUpdates")
    yield server
    await adapter.stop()
    await asyncio.wait_for(task, timeout=10)
    await core.services.database.close()
    await server.stop()


def inline_payloads(call: dict[str, Any]) -> dict[str, str]:
    rows = call["reply_markup"]["inline_keyboard"]
    return {button["text"]: button["callback_data"] for row in rows for button in row}


async def test_a_pdf_sent_to_the_bot_on_telegram_is_imported(
    telegram_bot: FakeTelegramServer, content: Path
) -> None:
    organizer = int(ORGANIZER_ID)
    telegram_bot.document_update(
        "rules.pdf", rules_pdf(), mime_type="application/pdf", user_id=organizer
    )
    [preview] = await telegram_bot.wait_for("sendMessage", timeout=TIMEOUT)
    assert "4 section(s)" in preview["text"] and "第四条 违规处理 (p. 2)" in preview["text"]

    telegram_bot.callback_update(inline_payloads(preview)["Import"], user_id=organizer)
    await telegram_bot.wait_for(
        "sendMessage", predicate=lambda call: "Imported rules.zh.md" in call["text"]
    )
    assert (content / "knowledge" / "rules.zh.md").exists()

    telegram_bot.message_update("What happens if a team copies someone else's work?", user_id=7)
    [answer] = await telegram_bot.wait_for(
        "sendMessage", predicate=lambda call: str(call["chat_id"]) == "7", timeout=TIMEOUT
    )
    assert "取消参赛资格" in answer["text"] and "第四条 违规处理 (p. 2)" in answer["text"]


GUILD, ORGANIZER_ROLE, DISCORD_ORGANIZER = 1, 777, 5001


@pytest.fixture
async def discord_bot(
    import_settings: Settings, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[FakeDiscordServer]:
    server = FakeDiscordServer()
    server.add_guild(GUILD, channel_ids=(100,), roles={ORGANIZER_ROLE: "Organizers"})
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", server.gateway_url)
    config = import_settings.model_copy(
        update={
            "discord_token": SecretStr(server.token),
            "discord_guild_ids": (GUILD,),
            "organizers": frozenset({("discord", str(DISCORD_ORGANIZER))}),
        }
    )
    core = await start_core(config, clock)
    adapter = DiscordAdapter(config, guild_ready_timeout=0.1)
    task = asyncio.create_task(adapter.start(core))
    await asyncio.wait_for(adapter.client.wait_until_ready(), TIMEOUT)
    yield server
    await adapter.stop()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(task, TIMEOUT)
    await core.services.database.close()
    await server.stop()


async def test_a_word_file_attached_in_a_discord_dm_is_imported(
    discord_bot: FakeDiscordServer, content: Path
) -> None:
    await discord_bot.send_message(
        "", author_id=DISCORD_ORGANIZER, files=[("Submission Guide.docx", guide_docx())]
    )
    preview = await said(discord_bot, "Submission guide › Demo day")
    buttons = {
        component["label"]: component["custom_id"]
        for row in preview.json["components"]
        for component in row["components"]
    }
    [message_id] = [
        number
        for number, message in discord_bot.messages.items()
        if "Submission guide › Demo day" in message.get("content", "")
    ]

    await discord_bot.press_button(
        buttons["导入"], message_id=message_id, user_id=DISCORD_ORGANIZER
    )

    # A message carries no locale (the default language, Chinese); a button press does.
    await said(discord_bot, "Imported submission-guide.en.md: 3 section(s)")
    assert (content / "knowledge" / "submission-guide.en.md").exists()


async def said(server: FakeDiscordServer, text: str) -> Any:
    """The first request of the bot to Discord whose body holds `text`, once it is made."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while loop.time() < deadline:
        for call in server.calls:
            if text in str(call.json):
                return call
        await asyncio.sleep(0.05)
    said = [call.json for call in server.calls if call.method != "PUT"]
    raise AssertionError(f"the bot never said {text!r}; it said {said}")


async def test_asking_how_to_import_gets_the_way_and_the_button(bot: Core) -> None:
    [reply] = await Member(bot, user_id="704", locale="zh-hans").says("怎么把规则PDF导入机器人？")
    assert "私聊" in reply.text and "/import" in reply.text
    assert [button.payload for button in reply.buttons][:1] == ["run:import"]


async def test_a_content_folder_the_bot_cannot_write_is_explained(
    bot: Core, content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a Docker image whose content folder belongs to root (the tests run as root, whom
    no permission stops, so the operating system's refusal is simulated)."""
    organizer = Member(bot, user_id=ORGANIZER_ID)
    [preview] = await organizer.says("", received_file=sent_file("rules.pdf", rules_pdf()))

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("bot.content.imports.plan.tempfile.mkstemp", refused)
    [reply] = await organizer.presses(button_payloads(preview)["Import"])

    assert "cannot be written (Permission denied)" in reply.text and "volume" in reply.text
    assert not (content / "knowledge" / "rules.zh.md").exists()
