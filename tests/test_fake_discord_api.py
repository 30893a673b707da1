"""The Discord stand-in, checked with the real discord.py client: if these pass, tests of the
Discord adapter run against the wire format discord.py 2.7.1 actually speaks."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.fakes.discord_api import FakeDiscordServer

GUILD_ID = 1
SHARD_1_GUILD_ID = 1 << 22  # (id >> 22) % 2 == 1: lives on shard 1 of 2
TIMEOUT = 10.0


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscordServer]:
    server = FakeDiscordServer()
    server.add_guild(GUILD_ID, channel_ids=(100, 101), roles={10: "organizer"})
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", server.gateway_url)
    yield server
    await server.stop()


@contextlib.asynccontextmanager
async def running(client: discord.Client, fake: FakeDiscordServer) -> AsyncIterator[None]:
    """Start `client` until on_ready (failing fast if it dies first); always close it."""
    ready = asyncio.Event()
    client.event(_setter("on_ready", ready))
    task = asyncio.create_task(client.start(fake.token))
    waiter = asyncio.create_task(ready.wait())
    try:
        await asyncio.wait({task, waiter}, timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()  # re-raises why the client stopped
        assert ready.is_set(), "client never reached on_ready"
        yield
    finally:
        waiter.cancel()
        await client.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, TIMEOUT)


def _setter(name: str, event: asyncio.Event) -> Any:
    async def handler(*_: object) -> None:
        event.set()

    handler.__name__ = name
    return handler


def new_client() -> discord.Client:
    return discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1)


async def next_message(queue: asyncio.Queue[discord.Message]) -> discord.Message:
    return await asyncio.wait_for(queue.get(), TIMEOUT)


async def test_login_reaches_ready_with_the_guild(fake: FakeDiscordServer) -> None:
    client = new_client()
    async with running(client, fake):
        guild = client.get_guild(GUILD_ID)
        assert guild is not None and guild.name == "Community"
        assert isinstance(guild.get_channel(100), discord.TextChannel)
        assert guild.get_role(10) is not None and guild.default_role.id == GUILD_ID
        assert guild.me is not None and client.user is not None
        assert client.user.id == fake.bot_id and client.application_id == fake.application_id
    identify = fake.identify_payloads[0]
    assert identify["token"] == fake.token
    assert identify["intents"] == discord.Intents.default().value
    assert fake.calls_to("GET", "/users/@me") and fake.calls_to("GET", r"/oauth2/applications/@me")


async def test_rest_answers_are_plain_application_json(fake: FakeDiscordServer) -> None:
    headers = {"Authorization": f"Bot {fake.token}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(f"{fake.api_base}/gateway") as response:
            assert response.headers["Content-Type"] == "application/json"  # no charset suffix
            assert (await response.json())["url"] == str(fake.gateway_url)
        async with session.get(f"{fake.api_base}/nowhere") as response:
            assert response.status == 404
            assert await response.json() == {"code": 0, "message": "404: Not Found"}
    assert fake.calls_to("GET", "/nowhere")[0].status == 404


async def test_messages_in_and_out(fake: FakeDiscordServer) -> None:
    client = new_client()
    received: asyncio.Queue[discord.Message] = asyncio.Queue()

    @client.event
    async def on_message(message: discord.Message) -> None:
        await received.put(message)

    async with running(client, fake):
        await fake.send_message("hello in private", author_id=5001)
        dm = await next_message(received)
        assert dm.guild is None and isinstance(dm.channel, discord.DMChannel)
        assert dm.content == "hello in private" and dm.author.id == 5001

        sent = await fake.send_message("when is the deadline?", guild_id=GUILD_ID, mention_bot=True)
        asked = await next_message(received)
        assert client.user in asked.mentions and asked.guild and asked.guild.id == GUILD_ID
        assert asked.content == f"<@{fake.bot_id}> when is the deadline?"
        assert asked.id == int(sent["id"]) and isinstance(asked.author, discord.Member)

        await fake.send_message("chatter", guild_id=GUILD_ID)  # no MESSAGE_CONTENT intent
        assert (await next_message(received)).content == ""

        await asked.channel.send("hi")
        [call] = await fake.wait_for("POST", "/channels/100/messages")
        assert call.json["content"] == "hi" and call.status == 200

        reply = await asked.reply(
            "see the rules", file=discord.File(io.BytesIO(b"rules"), "rules.txt")
        )
        assert reply.reference and reply.reference.message_id == asked.id
        upload = fake.calls_to("POST", "/channels/100/messages")[-1]
        assert upload.files[0]["filename"] == "rules.txt" and upload.files[0]["content"] == b"rules"
        assert reply.attachments[0].filename == "rules.txt"

        await fake.send_message("thanks!", guild_id=GUILD_ID, reply_to_bot_message_id=reply.id)
        thanks = await next_message(received)
        assert thanks.reference and thanks.reference.message_id == reply.id
        assert client.user in thanks.mentions

        dm_channel = await dm.author.create_dm()
        assert dm_channel.id == dm.channel.id  # one DM channel per user, as on Discord
        await dm_channel.send("a reminder")
        await fake.wait_for("POST", f"/channels/{dm_channel.id}/messages")


async def test_slash_command_sync_response_and_followup(fake: FakeDiscordServer) -> None:
    client = new_client()
    tree = app_commands.CommandTree(client)
    seen: list[tuple[str, discord.Locale]] = []

    async def suggest(_: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f"{current}?", value=current)]

    @tree.command(name="ask", description="Ask the bot", guild=discord.Object(GUILD_ID))
    @app_commands.autocomplete(question=suggest)
    async def ask(interaction: discord.Interaction, question: str) -> None:
        seen.append((question, interaction.locale))
        await interaction.response.send_message("pong", ephemeral=True)
        await interaction.followup.send("more")

    async with running(client, fake):
        synced = await tree.sync(guild=discord.Object(GUILD_ID))
        [command] = fake.synced_commands[str(GUILD_ID)]
        assert command["name"] == "ask" and command["options"][0]["type"] == 3
        assert synced[0].id == int(command["id"])

        sent = await fake.slash_command("ask", {"question": "when?"}, locale="zh-CN")
        assert sent["data"]["id"] == command["id"]
        [callback] = await fake.wait_for("POST", r"/interactions/\d+/[^/]+/callback")
        assert callback.json["type"] == 4
        assert callback.json["data"]["content"] == "pong" and callback.json["data"]["flags"] == 64
        [followup] = await fake.wait_for("POST", rf"/webhooks/{fake.application_id}/[^/]+")
        assert followup.json["content"] == "more" and followup.status == 200
        assert seen == [("when?", discord.Locale.chinese)]

        await fake.autocomplete("ask", "question", "dead")
        calls = await fake.wait_for("POST", r"/interactions/\d+/[^/]+/callback", count=2)
        assert calls[1].json == {
            "type": 8,
            "data": {"choices": [{"name": "dead?", "value": "dead"}]},
        }


async def test_deferred_answer_then_edit_and_component_update(fake: FakeDiscordServer) -> None:
    client = new_client()
    tree = app_commands.CommandTree(client)
    answered: asyncio.Queue[discord.InteractionMessage] = asyncio.Queue()

    class Vote(discord.ui.View):
        @discord.ui.button(label="Not helpful", custom_id="vote:no")
        async def no(self, interaction: discord.Interaction, _: discord.ui.Button[Vote]) -> None:
            await interaction.response.edit_message(content="Thanks for the feedback", view=None)

    @tree.command(name="ask", description="Ask the bot")
    async def ask(interaction: discord.Interaction, question: str) -> None:
        await interaction.response.defer(thinking=True)  # the model takes its time
        await answered.put(await interaction.edit_original_response(content="May 31", view=Vote()))

    async with running(client, fake):
        await tree.sync()
        assert fake.synced_commands[None][0]["name"] == "ask"
        await fake.slash_command("ask", {"question": "deadline?"}, guild_id=None)  # in a DM
        message = await asyncio.wait_for(answered.get(), TIMEOUT)
        assert message.content == "May 31" and fake.messages[message.id]["flags"] == 0
        [deferred] = fake.calls_to("POST", r"/interactions/\d+/[^/]+/callback")
        assert deferred.json["type"] == 5

        await fake.press_button("vote:no", message_id=message.id)
        calls = await fake.wait_for("POST", r"/interactions/\d+/[^/]+/callback", count=2)
        assert calls[1].json["type"] == 7
        assert fake.messages[message.id]["content"] == "Thanks for the feedback"
        assert fake.messages[message.id]["components"] == []


async def test_an_answer_after_the_deadline_is_refused(fake: FakeDiscordServer) -> None:
    client = new_client()
    tree = app_commands.CommandTree(client)
    fake.interaction_deadline = 0.0  # as if the bot had thought for more than 3 s first

    @tree.command(name="ping", description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    async with running(client, fake):
        await fake.slash_command("ping")
        [late] = await fake.wait_for("POST", r"/interactions/\d+/[^/]+/callback")
        assert late.status == 404


class Helpful(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"cb:(?P<payload>.+)"):
    """A persistent button: its state lives in the custom id, so it survives restarts."""

    pressed: asyncio.Queue[str]

    def __init__(self, payload: str) -> None:
        super().__init__(discord.ui.Button(label="Helpful", custom_id=f"cb:{payload}"))
        self.payload = payload

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Helpful:
        return cls(match["payload"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("thanks", ephemeral=True)
        await self.pressed.put(self.payload)


async def test_persistent_button_press(fake: FakeDiscordServer) -> None:
    client = new_client()
    Helpful.pressed = asyncio.Queue()
    client.add_dynamic_items(Helpful)
    async with running(client, fake):
        channel = client.get_channel(100)
        assert isinstance(channel, discord.TextChannel)
        view = discord.ui.View(timeout=None).add_item(Helpful("answer-7"))
        message = await channel.send("The deadline is in May.", view=view)
        [row] = fake.messages[message.id]["components"]
        assert row["components"][0]["custom_id"] == "cb:answer-7"

        pressed = await fake.press_button("cb:answer-7", message_id=message.id, user_id=5002)
        assert pressed["guild_id"] == str(GUILD_ID) and pressed["message"]["id"] == str(message.id)
        assert await asyncio.wait_for(Helpful.pressed.get(), TIMEOUT) == "answer-7"
        [callback] = await fake.wait_for("POST", r"/interactions/\d+/[^/]+/callback")
        assert callback.json["data"]["flags"] == 64


async def test_errors_map_to_discord_exceptions(fake: FakeDiscordServer) -> None:
    client = new_client()
    await client.login(fake.token)
    try:
        channel = client.get_partial_messageable(100)
        fake.fail_next(
            "POST", r"/channels/\d+/messages", status=403, code=50007, message="Cannot send"
        )
        with pytest.raises(discord.Forbidden) as forbidden:
            await channel.send("hello")
        assert forbidden.value.code == 50007

        fake.fail_next("POST", r"/channels/\d+/messages", status=429, retry_after=30)
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(discord.HTTPException) as limited:
            await channel.send("hello")
        assert limited.value.status == 429 and loop.time() - started < 5
        assert limited.value.response.headers["Retry-After"] == "30"

        fake.fail_next(
            "POST", r"/channels/\d+/messages", status=429, retry_after=0.05, via_header=True
        )
        await channel.send("hello")  # waits retry_after, then succeeds
        assert [c.status for c in fake.calls_to("POST", r"/channels/\d+/messages")] == [
            403,
            429,
            429,
            200,
        ]

        with pytest.raises(discord.NotFound) as unknown:
            await client.get_partial_messageable(999).send("nobody here")
        assert unknown.value.code == 10003
    finally:
        await client.close()


async def test_wrong_token_is_refused(fake: FakeDiscordServer) -> None:
    client = new_client()
    try:
        with pytest.raises(discord.LoginFailure):
            await client.login("not-the-token")
    finally:
        await client.close()


class QuickShards(discord.AutoShardedClient):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py sleeps 5 s between shards' IDENTIFYs; the fake needs no pause."""


async def test_auto_sharded_client_identifies_each_shard(fake: FakeDiscordServer) -> None:
    fake.add_guild(SHARD_1_GUILD_ID, name="Second", channel_ids=(200,))
    client = QuickShards(intents=discord.Intents.default(), shard_count=2, guild_ready_timeout=0.1)
    received: asyncio.Queue[discord.Message] = asyncio.Queue()

    @client.event
    async def on_message(message: discord.Message) -> None:
        await received.put(message)

    async with running(client, fake):
        await fake.wait_until_identified(2, timeout=TIMEOUT)
        assert sorted(p["shard"] for p in fake.identify_payloads) == [[0, 2], [1, 2]]
        second = client.get_guild(SHARD_1_GUILD_ID)
        assert second is not None and second.shard_id == 1 and client.get_guild(GUILD_ID)
        await fake.send_message("hi", guild_id=SHARD_1_GUILD_ID, channel_id=200, mention_bot=True)
        assert (await next_message(received)).guild == second
    assert not fake.calls_to("GET", "/gateway/bot")  # shard_count given: no need to ask


async def test_auto_sharded_client_asks_for_the_shard_count(fake: FakeDiscordServer) -> None:
    client = QuickShards(intents=discord.Intents.default(), guild_ready_timeout=0.1)
    async with running(client, fake):
        assert fake.identify_payloads[0]["shard"] == [0, 1]
    assert fake.calls_to("GET", "/gateway/bot")
