"""The Discord adapter end to end: the real discord.py client against a local REST + gateway
stand-in, with the real core behind it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from pydantic import SecretStr

from adapters.discord import DiscordAdapter
from bot.config import Settings
from bot.core.app import Core, build_router
from bot.core.router import ArgumentKind, Command, Router
from bot.messages import PERSON_TARGET, Reply, SendStatus, Target
from bot.runtime import start_core
from bot.storage.models import Broadcast
from tests.conftest import ManualClock, both_platforms_environment
from tests.fakes.discord_api import FakeDiscordServer

GUILD = 1
CHANNEL = 100
ORGANIZER_ROLE = 777
MEMBER = 5001
TIMEOUT = 10.0
CALLBACK = r"/interactions/\d+/[^/]+/callback"
LONG_TEXT = "\n\n".join(f"Paragraph {n}. " + "word " * 110 for n in range(6))


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscordServer]:
    server = FakeDiscordServer()
    server.add_guild(GUILD, channel_ids=(CHANNEL, 200), roles={ORGANIZER_ROLE: "Organizers"})
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", server.gateway_url)
    yield server
    await server.stop()


@pytest.fixture
def discord_settings(settings: Settings, fake: FakeDiscordServer) -> Settings:
    return settings.model_copy(
        update={
            "discord_token": SecretStr(fake.token),
            "discord_guild_ids": (GUILD,),
            "discord_organizer_role": "Organizers",
        }
    )


def core_with_long_command(core: Core) -> Core:
    router = build_router()
    extra = Router()

    @extra.command("long", "A long reply")
    async def long(ctx: object) -> list[Reply]:
        return [Reply(LONG_TEXT)]

    router.include(extra)
    return Core(core.services, router)


@contextlib.asynccontextmanager
async def running(settings: Settings, core: Core) -> AsyncIterator[DiscordAdapter]:
    adapter = DiscordAdapter(settings, guild_ready_timeout=0.1)
    task = asyncio.create_task(adapter.start(core))
    ready = asyncio.create_task(adapter.client.wait_until_ready())
    try:
        await asyncio.wait({task, ready}, timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()
        assert ready.done(), "the Discord client never became ready"
        yield adapter
    finally:
        ready.cancel()
        await adapter.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, TIMEOUT)


@pytest.fixture
async def bot_core(discord_settings: Settings, clock: ManualClock) -> AsyncIterator[Core]:
    core = await start_core(discord_settings, clock)
    yield core_with_long_command(core)
    await core.services.database.close()


@pytest.fixture
async def live(
    fake: FakeDiscordServer, discord_settings: Settings, bot_core: Core
) -> AsyncIterator[FakeDiscordServer]:
    async with running(discord_settings, bot_core):
        yield fake


def response_data(call: Any) -> dict[str, Any]:
    assert call.json["type"] in (4, 7), call.json
    return call.json["data"]


async def test_commands_sync_to_the_guild_localised_and_organizer_ones_hidden(
    live: FakeDiscordServer,
) -> None:
    commands = {c["name"]: c for c in live.synced_commands[str(GUILD)]}
    assert {"ask", "tracks", "deadlines", "lang", "announce", "announcehere"} <= set(commands)
    assert commands["ask"]["description_localizations"]["zh-CN"] == "提问关于社区或大赛的问题"
    [question] = commands["ask"]["options"]
    assert question["name"] == "question" and question["required"] is True
    languages = [choice["value"] for choice in commands["lang"]["options"][0]["choices"]]
    assert languages == ["zh", "en", "auto"]
    assert commands["announce"]["default_member_permissions"] not in (None, "0")
    assert commands["ask"].get("default_member_permissions") is None


async def test_slash_command_with_an_option_is_answered(live: FakeDiscordServer) -> None:
    await live.slash_command("ask", {"question": "有哪些赛道？"}, locale="zh-CN")
    [call] = await live.wait_for("POST", CALLBACK)
    data = response_data(call)
    assert "AIGC创意作品" in data["content"] and "来源" in data["content"]
    assert data["allowed_mentions"]["parse"] == []


async def test_choice_option_and_locale(live: FakeDiscordServer) -> None:
    await live.slash_command("lang", {"language": "zh"}, locale="en-US")
    [call] = await live.wait_for("POST", CALLBACK)
    assert "中文" in response_data(call)["content"]


async def test_organizer_command_is_refused_for_a_member_privately(live: FakeDiscordServer) -> None:
    await live.slash_command("announcehere", {"action": "on"})
    [call] = await live.wait_for("POST", CALLBACK)
    data = response_data(call)
    assert "organizers only" in data["content"] and data["flags"] & 64


async def test_organizer_role_grants_organizer_commands(live: FakeDiscordServer) -> None:
    await live.slash_command("announcehere", {"action": "on"}, roles=[ORGANIZER_ROLE])
    [call] = await live.wait_for("POST", CALLBACK)
    assert "will receive announcements" in response_data(call)["content"]


ROGUE_GUILD, ROGUE_CHANNEL, ROGUE_ROLE = 2, 300, 888


@pytest.fixture
def rogue_guild(fake: FakeDiscordServer) -> int:
    """Someone's own server that invited the bot, with a role named like the organizers' one."""
    fake.add_guild(
        ROGUE_GUILD, name="Not ours", channel_ids=(ROGUE_CHANNEL,), roles={ROGUE_ROLE: "Organizers"}
    )
    return ROGUE_GUILD


def _some_value(command: Command) -> dict[str, object]:
    argument = command.argument
    if argument is None:
        return {}
    if argument.choices:
        return {argument.name: argument.choices[0][0]}
    return {argument.name: "aigc-tech" if argument.kind is ArgumentKind.TRACK else "x"}


async def test_a_role_named_like_ours_in_another_server_grants_nothing(
    rogue_guild: int, live: FakeDiscordServer, bot_core: Core
) -> None:
    organizer_commands = [c for c in bot_core.commands() if c.organizer_only]
    assert {"export", "stats", "announce", "deadline"} <= {c.name for c in organizer_commands}
    for command in organizer_commands:
        await live.slash_command(
            command.name,
            _some_value(command),
            guild_id=rogue_guild,
            channel_id=ROGUE_CHANNEL,
            roles=[ROGUE_ROLE],
        )
    calls = await live.wait_for("POST", CALLBACK, count=len(organizer_commands))
    for call in calls:
        data = response_data(call)
        assert "organizers only" in data["content"] and data["flags"] & 64, data
        assert not data.get("attachments")  # no export went out

    # The organizers' buttons too: a real preview, pressed from the other server.
    await live.slash_command("announce", {"text": "Workshop on Friday"}, roles=[ORGANIZER_ROLE])
    calls = await live.wait_for("POST", CALLBACK, count=len(organizer_commands) + 1)
    rows = response_data(calls[-1])["components"]
    message_id = next(int(m["id"]) for m in live.messages.values() if m.get("components") == rows)
    # discord.py only dispatches a press of a button the message has: the preview's own.
    shown = {
        c["custom_id"]
        for row in rows
        for c in row["components"]
        if c["type"] == 2 and bot_core.router.button_is_for_organizers(c["custom_id"][3:])
    }
    assert shown
    for custom_id in sorted(shown):
        await live.press_button(
            custom_id,
            message_id=message_id,
            guild_id=rogue_guild,
            channel_id=ROGUE_CHANNEL,
            roles=[ROGUE_ROLE],
        )
    expected = len(organizer_commands) + 1 + len(shown)
    calls = await live.wait_for("POST", CALLBACK, count=expected)
    for call in calls[len(organizer_commands) + 1 :]:
        assert "organizers only" in response_data(call)["content"]
    async with bot_core.services.database.session() as session:
        broadcast = await session.get(Broadcast, 1)
    assert broadcast is not None and broadcast.status == "draft"  # nothing was confirmed


async def test_mention_is_answered_and_chatter_ignored(live: FakeDiscordServer) -> None:
    await live.send_message("lunch anyone?", guild_id=GUILD, channel_id=CHANNEL)
    await live.send_message(
        "which tracks are there? @everyone", guild_id=GUILD, channel_id=CHANNEL, mention_bot=True
    )
    [answer] = await live.wait_for("POST", rf"/channels/{CHANNEL}/messages")
    assert "AIGC Technical Innovation" in answer.json["content"]
    assert answer.json["allowed_mentions"]["parse"] == []  # nobody gets pinged
    await asyncio.sleep(0.3)  # a wrong answer to the chatter would have arrived by now
    assert len(live.calls_to("POST", rf"/channels/{CHANNEL}/messages")) == 1


async def test_direct_message_question_and_long_answer_split(live: FakeDiscordServer) -> None:
    message = await live.send_message("/long", author_id=MEMBER)
    channel = message["channel_id"]
    sent = await live.wait_for("POST", rf"/channels/{channel}/messages", count=2)
    assert len(sent) == 2 and all(len(call.json["content"]) <= 2000 for call in sent)
    assert sent[1].json["content"].startswith("Paragraph")


async def test_button_press_works_after_a_restart(
    fake: FakeDiscordServer, discord_settings: Settings, bot_core: Core
) -> None:
    async with running(discord_settings, bot_core):
        await fake.slash_command("lang")
        [call] = await fake.wait_for("POST", CALLBACK)
        buttons = [c for row in response_data(call)["components"] for c in row["components"]]
        assert [b["custom_id"] for b in buttons] == ["cb:lang:zh", "cb:lang:en", "cb:lang:auto"]
        original = call.json
    message_id = next(
        int(m["id"])
        for m in fake.messages.values()
        if m.get("components") == original["data"]["components"]
    )
    async with running(discord_settings, bot_core):  # a new process: a new client, no memory
        await fake.press_button("cb:lang:zh", message_id=message_id)
        calls = await fake.wait_for("POST", CALLBACK, count=2)
        assert "中文" in response_data(calls[-1])["content"]


async def test_send_reports_the_four_outcomes(
    fake: FakeDiscordServer, discord_settings: Settings, bot_core: Core
) -> None:
    async with running(discord_settings, bot_core) as adapter:
        sent = await adapter.send(Target("discord", str(CHANNEL)), Reply("hello"))
        assert sent.status is SendStatus.SENT and sent.message_id

        fake.fail_next(
            "POST", r"/channels/\d+/messages", status=429, message="rate limited", retry_after=7
        )
        wait = await adapter.send(Target("discord", str(CHANNEL)), Reply("hello"))
        assert wait.status is SendStatus.RETRY_AFTER and wait.retry_after == 7

        fake.fail_next(
            "POST",
            r"/channels/\d+/messages",
            status=403,
            code=50007,
            message="Cannot send messages to this user",
        )
        closed = await adapter.send(Target("discord", f"{PERSON_TARGET}{MEMBER}"), Reply("hello"))
        assert closed.status is SendStatus.UNREACHABLE

        gone = await adapter.send(Target("discord", "424242"), Reply("hello"))
        assert gone.status is SendStatus.UNREACHABLE  # unknown channel

        fake.fail_next(
            "POST", r"/channels/\d+/messages", status=400, code=50035, message="Invalid Form Body"
        )
        failed = await adapter.send(Target("discord", str(CHANNEL)), Reply("hello"))
        assert failed.status is SendStatus.FAILED and not failed.retryable
        assert fake.token not in failed.error


async def test_timezone_autocomplete_and_track_choices_are_offered(
    fake: FakeDiscordServer, discord_settings: Settings, clock: ManualClock
) -> None:
    from bot.core.router import Argument, ArgumentKind

    core = await start_core(discord_settings, clock)
    router = build_router()
    extra = Router()

    @extra.command(
        "zone", "Pick a zone", argument=Argument("zone", "A zone", ArgumentKind.TIMEZONE)
    )
    async def zone(ctx: Any) -> list[Reply]:
        return [Reply(f"zone={ctx.incoming.args}")]

    @extra.command(
        "track", "Pick a track", argument=Argument("track", "A track", ArgumentKind.TRACK)
    )
    async def track(ctx: Any) -> list[Reply]:
        return [Reply(f"track={ctx.incoming.args}")]

    router.include(extra)
    try:
        async with running(discord_settings, Core(core.services, router)):
            commands = {c["name"]: c for c in fake.synced_commands[str(GUILD)]}
            choices = commands["track"]["options"][0]["choices"]
            assert [c["value"] for c in choices] == ["aigc-tech", "aigc-app", "aigc-creative"]
            assert choices[0]["name_localizations"]["zh-CN"] == "AIGC技术创新"
            await fake.autocomplete("zone", "zone", "shang")
            [call] = await fake.wait_for("POST", CALLBACK)
            assert call.json["type"] == 8
            assert {"name": "Asia/Shanghai", "value": "Asia/Shanghai"} in call.json["data"][
                "choices"
            ]
    finally:
        await core.services.database.close()


async def test_sharded_client_identifies_each_shard(
    fake: FakeDiscordServer, discord_settings: Settings, bot_core: Core
) -> None:
    sharded = discord_settings.model_copy(update={"discord_shards": 2})
    adapter = DiscordAdapter(sharded, guild_ready_timeout=0.1)
    assert isinstance(adapter.client, discord.AutoShardedClient)

    async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py spaces IDENTIFYs 5 s apart; the stand-in needs no spacing

    adapter.client.before_identify_hook = no_wait  # type: ignore[method-assign]
    task = asyncio.create_task(adapter.start(bot_core))
    try:
        await fake.wait_until_identified(count=2, timeout=TIMEOUT)
        shards = sorted(tuple(payload["shard"]) for payload in fake.identify_payloads)
        assert shards == [(0, 2), (1, 2)]
    finally:
        await adapter.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, TIMEOUT)


async def test_communitybot_run_serves_telegram_and_discord_together(
    fake: FakeDiscordServer, tmp_path: Any
) -> None:
    import signal
    import sys

    from tests.fakes.telegram_api import FakeTelegramServer

    telegram = FakeTelegramServer()
    await telegram.start()
    environment = both_platforms_environment(
        telegram, fake, GUILD, BOT_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await telegram.wait_for("getUpdates", timeout=30)
        await fake.wait_until_identified(timeout=30)
        await fake.wait_for("PUT", r"/applications/\d+/guilds/\d+/commands", timeout=30)
        telegram.message_update("/lang zh", user_id=1)
        await fake.slash_command("tracks", locale="zh-CN")
        [telegram_answer] = await telegram.wait_for("sendMessage", timeout=30)
        [discord_answer] = await fake.wait_for("POST", CALLBACK, timeout=30)
        assert "中文" in telegram_answer["text"]
        assert "AIGC创意作品" in response_data(discord_answer)["content"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        await telegram.stop()
    assert process.returncode == 0, stderr.decode()
    assert fake.token not in stderr.decode() and telegram.token not in stderr.decode()


async def test_announce_without_text_opens_a_text_box(live: FakeDiscordServer) -> None:
    await live.slash_command("announce", roles=[ORGANIZER_ROLE], locale="zh-CN")
    [opened] = await live.wait_for("POST", CALLBACK)
    assert opened.json["type"] == 9  # a modal
    modal = opened.json["data"]
    assert (
        modal["custom_id"] == "text:announce"
        and "公告内容" in modal["components"][0]["components"][0]["label"]
    )
    long_announcement = "第一段。\n\n" + "详情 " * 600
    await live.submit_modal(
        "text:announce", {"text": long_announcement}, roles=[ORGANIZER_ROLE], locale="zh-CN"
    )
    calls = await live.wait_for("POST", CALLBACK, count=2)
    preview = response_data(calls[-1])
    assert preview["content"].startswith("公告 #") and preview["flags"] & 64


async def test_a_process_runs_only_its_own_shards(
    fake: FakeDiscordServer, discord_settings: Settings, bot_core: Core
) -> None:
    mine = discord_settings.model_copy(update={"discord_shard_count": 2, "discord_shard_ids": (1,)})
    adapter = DiscordAdapter(mine, guild_ready_timeout=0.1)
    task = asyncio.create_task(adapter.start(bot_core))
    try:
        await fake.wait_until_identified(count=1, timeout=TIMEOUT)
        await asyncio.sleep(0.3)
        assert [tuple(p["shard"]) for p in fake.identify_payloads] == [(1, 2)]
    finally:
        await adapter.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, TIMEOUT)


async def test_many_choices_become_buttons_and_a_menu_that_works(live: FakeDiscordServer) -> None:
    await live.slash_command("announce", {"text": "Workshop on Friday"}, roles=[ORGANIZER_ROLE])
    [call] = await live.wait_for("POST", CALLBACK)
    rows = response_data(call)["components"]
    components = [c for row in rows for c in row["components"]]
    buttons = [c for c in components if c["type"] == 2]
    [menu] = [c for c in components if c["type"] == 3]
    assert [b["custom_id"].split(":", 3)[3] for b in buttons] == [
        "confirm",
        "cancel",
        "audience=platform:telegram",
    ]
    values = [option["value"] for option in menu["options"]]
    assert "broadcast:1:audience=channels" in values
    message_id = next(int(m["id"]) for m in live.messages.values() if m.get("components") == rows)
    await live.press_button(
        menu["custom_id"],
        message_id=message_id,
        component_type=3,
        values=["broadcast:1:audience=channels"],
        roles=[ORGANIZER_ROLE],
    )
    calls = await live.wait_for("POST", CALLBACK, count=2)
    assert "announcement channels only" in response_data(calls[-1])["content"]


def ephemeral(message: dict[str, Any]) -> bool:
    return bool(message["flags"] & 64)


async def bot_messages_in(fake: FakeDiscordServer, channel: int) -> list[dict[str, Any]]:
    return [m for m in fake.messages.values() if m["channel_id"] == str(channel)]


@pytest.mark.parametrize("slow", [False, True], ids=["prompt", "deferred"])
async def test_what_concerns_one_member_stays_private_even_after_a_slow_reply(
    fake: FakeDiscordServer,
    discord_settings: Settings,
    bot_core: Core,
    monkeypatch: pytest.MonkeyPatch,
    slow: bool,
) -> None:
    import adapters.discord as adapter_module

    if slow:  # every reply takes "too long": the bot says "thinking…" first
        monkeypatch.setattr(adapter_module, "ANSWER_BEFORE_DEFERRING", 0)
    async with running(discord_settings, bot_core):
        await fake.slash_command("register", {}, channel_id=CHANNEL, user_id=4242)
        await fake.wait_for("POST", CALLBACK)
        await fake.slash_command("tracks", {}, channel_id=CHANNEL, user_id=4242)
        await fake.wait_for("POST", CALLBACK, count=2)
        for _ in range(100):  # the deferred answers' follow-ups come after the callbacks
            shown = await bot_messages_in(fake, CHANNEL)
            if len(shown) >= 2 and not any(m["flags"] & 128 for m in shown):
                break
            await asyncio.sleep(0.05)
    prompt = next(m for m in shown if "Which track" in m["content"])
    tracks = next(m for m in shown if "AIGC" in m["content"] and m is not prompt)
    assert ephemeral(prompt)  # the registration prompt: the member alone sees it
    assert not ephemeral(tracks)  # the tracks: for everyone in the channel
    assert not any(m["flags"] & 128 for m in shown)  # no "thinking…" left behind


async def test_the_organizers_delivery_report_goes_to_their_dms(
    fake: FakeDiscordServer, discord_settings: Settings, bot_core: Core
) -> None:
    from bot.outbox.worker import DeliveryWorker

    async with running(discord_settings, bot_core) as adapter:
        await fake.slash_command(
            "announce", {"text": "Hello all"}, channel_id=CHANNEL, user_id=5001,
            roles=[ORGANIZER_ROLE],
        )  # fmt: skip
        [preview] = await fake.wait_for("POST", CALLBACK)
        assert response_data(preview)["flags"] & 64  # the preview is the organizer's alone
        confirm = next(
            c["custom_id"]
            for row in response_data(preview)["components"]
            for c in row["components"]
            if c["custom_id"].endswith(":confirm")
        )
        message_id = next(
            int(m["id"])
            for m in fake.messages.values()
            if m.get("components") == response_data(preview)["components"]
        )
        await fake.press_button(
            confirm, message_id=message_id, user_id=5001, roles=[ORGANIZER_ROLE]
        )
        await fake.wait_for("POST", CALLBACK, count=2)
        worker = DeliveryWorker(
            bot_core.services.database, {"discord": adapter.send}, {}, bot_core.services.clock
        )
        while await worker.run_once():
            pass
    reports = [m for m in fake.messages.values() if "finished" in m["content"]]
    assert reports and all(m["channel_id"] != str(CHANNEL) for m in reports)
