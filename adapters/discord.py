"""Discord on discord.py 2: slash commands, buttons, DMs and @mentions become `Incoming`.

Translation only: the commands and their options are built from the core's command list, their
texts localised through the core's catalogs; what to answer is the core's decision.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.app_commands import locale_str

from adapters.base import SendResult
from bot.config import Settings
from bot.core.router import Argument, ArgumentKind, Command
from bot.i18n import Translator, normalize_language
from bot.message_split import split_message
from bot.messages import (
    PERSON_TARGET,
    Button,
    ChatKind,
    ChatRef,
    Incoming,
    ReceivedFile,
    Reply,
    Target,
    UserRef,
    parse_command,
)
from bot.streaming import ThrottledEditor

if TYPE_CHECKING:
    from bot.content.models import Contest
    from bot.core.app import Core

log = logging.getLogger(__name__)
MESSAGE_LIMIT = 2000
# Discord wants an answer to an interaction within 3 s; past this we say "thinking…" first.
ANSWER_BEFORE_DEFERRING = 2.0
NO_MENTIONS = discord.AllowedMentions.none()
CHINESE_LOCALES = {discord.Locale.chinese, discord.Locale.taiwan_chinese}
# Errors that mean a chat can't be written to any more: DMs closed, unknown channel, no access.
UNREACHABLE_CODES = {50007, 10003, 10013, 50001, 50013}
_MENTION = re.compile(r"<@!?(\d+)>")
_MASS_MENTION = re.compile(r"@(everyone|here)\b")


def _received_file(message: discord.Message) -> ReceivedFile | None:
    """The first file attached to a message, read from Discord's CDN when wanted (/import)."""
    if not message.attachments:
        return None
    attachment = message.attachments[0]
    return ReceivedFile(
        attachment.filename, attachment.size, attachment.content_type, attachment.read
    )


def _user_ref(user: discord.User | discord.Member, locale: str | None) -> UserRef:
    """Roles are named with their server's id: a role called "Organizers" in someone else's
    server must not look like ours (the core trusts only the configured servers)."""
    guild = getattr(user, "guild", None)
    roles = frozenset(
        f"{guild.id}:{value}"
        for role in (getattr(user, "roles", ()) if guild is not None else ())
        for value in (role.id, role.name)
    )
    return UserRef(str(user.id), user.display_name, locale, roles, handle=f"@{user.name}")


def _chat_ref(channel: Any, guild: discord.Guild | None) -> ChatRef:
    kind = ChatKind.PRIVATE if guild is None else ChatKind.GROUP
    return ChatRef(str(getattr(channel, "id", "")), kind)


class CatalogTranslator(app_commands.Translator):
    """Command and option descriptions in Chinese from the core's catalog; names stay English."""

    async def translate(
        self, string: locale_str, locale: discord.Locale, context: app_commands.TranslationContext
    ) -> str | None:
        if locale not in CHINESE_LOCALES:
            return None
        names = {
            app_commands.TranslationContextLocation.command_name,
            app_commands.TranslationContextLocation.parameter_name,
        }
        if context.location in names:
            return None
        return string.extras.get("zh") or Translator("zh").gettext(string.message)


class PayloadButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"cb:(?P<payload>.+)"):
    """A button whose press reaches the core even after a restart: its custom_id is the payload."""

    def __init__(self, payload: str, label: str = "…") -> None:
        super().__init__(discord.ui.Button(label=label[:80], custom_id=f"cb:{payload}"[:100]))
        self.payload = payload

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PayloadButton:
        return cls(match["payload"])

    async def callback(self, interaction: discord.Interaction) -> None:
        adapter: DiscordAdapter = interaction.client.community_adapter  # type: ignore[attr-defined]
        await adapter.on_press(interaction, self.payload)


class LongTextModal(discord.ui.Modal):
    """A text box for a command's long argument (an announcement), submitted as the command."""

    def __init__(self, adapter: DiscordAdapter, command: str, title: str, label: str) -> None:
        super().__init__(title=title[:45], custom_id=f"text:{command}", timeout=1800)
        self.adapter, self.command = adapter, command
        self.text: discord.ui.TextInput[LongTextModal] = discord.ui.TextInput(
            label=label[:45], style=discord.TextStyle.paragraph, max_length=4000, custom_id="text"
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.adapter.on_command(interaction, self.command, self.text.value)


class PayloadSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"cbselect:(?P<tag>[0-9a-f]+)"
):
    """A select menu of choices; the chosen option's value is the payload (survives restarts)."""

    def __init__(self, tag: str, choices: tuple[Button, ...] = ()) -> None:
        options = [
            discord.SelectOption(label=b.label[:100], value=b.payload[:100]) for b in choices[:25]
        ] or [discord.SelectOption(label="…", value="…")]
        super().__init__(discord.ui.Select(custom_id=f"cbselect:{tag}", options=options))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PayloadSelect:
        return cls(match["tag"])

    async def callback(self, interaction: discord.Interaction) -> None:
        values = (interaction.data or {}).get("values") or []  # type: ignore[union-attr]
        if values:
            adapter: DiscordAdapter = interaction.client.community_adapter  # type: ignore[attr-defined]
            await adapter.on_press(interaction, str(values[0]))


BUTTONS_BEFORE_SELECT = 3


def _view(reply: Reply) -> discord.ui.View | None:
    """Up to five choices as buttons; more: the first ones as buttons, the rest in a menu."""
    if not reply.buttons:
        return None
    view = discord.ui.View(timeout=None)
    shown = reply.buttons if len(reply.buttons) <= 5 else reply.buttons[:BUTTONS_BEFORE_SELECT]
    for button in shown:
        view.add_item(PayloadButton(button.payload, button.label))
    if len(reply.buttons) > len(shown):
        view.add_item(PayloadSelect(secrets.token_hex(4), reply.buttons[len(shown) :]))
    return view


class DiscordAdapter:
    platform = "discord"

    def __init__(self, settings: Settings, guild_ready_timeout: float = 2.0) -> None:
        if settings.discord_token is None:
            raise ValueError("BOT_DISCORD_TOKEN is not set")
        self.settings = settings
        # discord.py reads these module-wide; one Discord client runs per process.
        if settings.discord_api_base:
            discord.http.Route.BASE = settings.discord_api_base
        if settings.discord_gateway_url:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(
                settings.discord_gateway_url
            )
        intents = discord.Intents.default()  # DMs and @mentions need no privileged intent
        options: dict[str, Any] = {"intents": intents, "guild_ready_timeout": guild_ready_timeout}
        shard_count = settings.discord_shard_count or settings.discord_shards
        if shard_count:
            shard_ids = list(settings.discord_shard_ids) or None  # None: all of them, here
            self.client: discord.Client = discord.AutoShardedClient(
                shard_count=shard_count, shard_ids=shard_ids, **options
            )
        else:
            self.client = discord.Client(**options)
        self.client.community_adapter = self  # type: ignore[attr-defined]
        self.tree = app_commands.CommandTree(self.client)
        self.client.setup_hook = self._setup_hook  # type: ignore[method-assign]
        self.client.event(self.on_message)
        self._core: Core | None = None

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self, core: Core) -> None:
        """Connect and receive until `stop()`."""
        self._core = core
        assert self.settings.discord_token is not None
        await self.client.start(self.settings.discord_token.get_secret_value())

    async def stop(self) -> None:
        await self.client.close()

    async def open_for_sending(self) -> None:
        """Log in over HTTP only: a delivering process needs REST, not the gateway."""
        assert self.settings.discord_token is not None
        await self.client.login(self.settings.discord_token.get_secret_value())

    @property
    def connected(self) -> bool:
        return self.client.is_ready()

    async def _setup_hook(self) -> None:
        """After login, before the gateway: register commands and persistent buttons, then sync."""
        assert self._core is not None
        self.client.add_dynamic_items(PayloadButton, PayloadSelect)
        await self.tree.set_translator(CatalogTranslator())
        for command in self._core.commands():
            self.tree.add_command(self._slash_command(command, self._core.services.contest))
        if self.settings.discord_guild_ids:
            for guild_id in self.settings.discord_guild_ids:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()

    def _slash_command(
        self, command: Command, contest: Contest
    ) -> app_commands.Command[Any, ..., Any]:
        callback = self._callback(command)
        argument = command.argument
        if argument is not None:
            callback = _typed_option(callback, argument, contest)
        if command.organizer_only:
            # Hidden from members by default; the core still checks the organizer list every time.
            callback = app_commands.default_permissions(manage_guild=True)(callback)
        return app_commands.Command(
            name=command.name, description=locale_str(command.description), callback=callback
        )

    def _callback(self, command: Command) -> Callable[..., Awaitable[None]]:
        name = command.name
        argument = command.argument
        if argument is not None and argument.long_text:
            # Optional here: without it, a text box opens, which holds paragraphs comfortably.
            async def with_text_box(
                interaction: discord.Interaction, value: str | None = None
            ) -> None:
                if value:
                    await self.on_command(interaction, name, value)
                    return
                t = Translator(normalize_language(str(interaction.locale), "en"))
                modal = LongTextModal(self, name, f"/{name}", t.gettext(argument.description))
                await interaction.response.send_modal(modal)

            return with_text_box
        if argument is not None and argument.required:

            async def with_required(interaction: discord.Interaction, value: str) -> None:
                await self.on_command(interaction, name, value)

            return with_required

        async def with_optional(interaction: discord.Interaction, value: str | None = None) -> None:
            await self.on_command(interaction, name, value or "")

        return with_optional

    # --- receiving -------------------------------------------------------------------------

    async def on_command(self, interaction: discord.Interaction, name: str, value: str) -> None:
        incoming = Incoming(
            self.platform,
            _user_ref(interaction.user, str(interaction.locale)),
            _chat_ref(interaction.channel, interaction.guild),
            text=f"/{name} {value}".strip(),
            command=name,
            args=value,
            update_id=str(interaction.id),
        )
        await self._answer_interaction(interaction, incoming)

    async def on_press(self, interaction: discord.Interaction, payload: str) -> None:
        incoming = Incoming(
            self.platform,
            _user_ref(interaction.user, str(interaction.locale)),
            _chat_ref(interaction.channel, interaction.guild),
            pressed=payload,
            update_id=str(interaction.id),
        )
        await self._answer_interaction(interaction, incoming)

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self._core is None or self.client.user is None:
            return
        if message.type is discord.MessageType.new_member and message.guild is not None:
            # The server's system message "X joined": no privileged members intent needed.
            joined = _user_ref(message.author, None)
            await self._core.members_joined(self.platform, str(message.channel.id), [joined])
            return
        incoming = self.to_incoming(message)
        if not incoming.concerns_bot:
            return
        async with message.channel.typing():
            replies = await self._core.handle(incoming)
        for reply in replies:
            if reply.stream is not None:
                await self._stream_to_channel(message.channel, reply)
                continue
            if not reply.private or message.guild is None:
                await self._send_reply(message.channel, reply)
                continue
            try:  # only the asker should see it: a DM instead of the channel
                await self._send_reply(message.author, reply)
            except discord.Forbidden:
                # Messages carry no locale; the bot's default language it is.
                note = Translator(self.settings.default_language).gettext(
                    "I can only answer this privately, but your DMs are closed to me. "
                    "Use the slash command instead: only you will see the answer."
                )
                await self._send_reply(message.channel, Reply(note))

    def to_incoming(self, message: discord.Message) -> Incoming:
        """The core's view of a message: a DM, or a guild message that may address the bot."""
        me = self.client.user
        text = message.content
        locale = None  # messages carry no locale; the member's stored language applies
        user = _user_ref(message.author, locale)
        chat = _chat_ref(message.channel, message.guild)
        mentioned = me is not None and any(user.id == me.id for user in message.mentions)
        reference = message.reference.resolved if message.reference else None
        replied = (
            isinstance(reference, discord.Message)
            and me is not None
            and (reference.author.id == me.id)
        )
        if mentioned and me is not None:
            text = _MENTION.sub(lambda m: "" if int(m[1]) == me.id else m[0], text)
        text = _MASS_MENTION.sub("", text).strip()  # Discord syntax, not part of the question
        command = parse_command(text)
        received = _received_file(message)
        if command is not None:
            return Incoming(
                self.platform,
                user,
                chat,
                text,
                command[0],
                command[1],
                update_id=str(message.id),
                received_file=received,
            )
        return Incoming(
            self.platform,
            user,
            chat,
            text,
            addressed_to_bot=mentioned or replied,
            update_id=str(message.id),
            received_file=received,
        )

    async def _answer_interaction(
        self, interaction: discord.Interaction, incoming: Incoming
    ) -> None:
        assert self._core is not None
        handling = asyncio.ensure_future(self._core.handle(incoming))
        done, _ = await asyncio.wait({handling}, timeout=ANSWER_BEFORE_DEFERRING)
        in_server = interaction.guild is not None
        # "Thinking…" is shown to the asker alone: whether the answer is for everyone is not
        # known yet, and the first follow-up keeps the deferral's visibility.
        placeholder = not done
        if placeholder:
            await interaction.response.defer(thinking=True, ephemeral=in_server)
        replies = await handling
        if not replies:
            if not interaction.response.is_done():
                await interaction.response.defer()
            elif placeholder:
                await interaction.delete_original_response()
            return
        for reply in replies:
            if placeholder and in_server and not reply.private:
                # A public answer is a message of its own, not the private "thinking…".
                await interaction.delete_original_response()
                placeholder = False
            if reply.stream is not None:
                reply = await self._stream_to_interaction(interaction, reply, placeholder)
                placeholder = False
                if not reply.text:
                    continue
            for piece, view, last in _pieces(reply):
                options: dict[str, Any] = {
                    "ephemeral": reply.private,
                    "allowed_mentions": NO_MENTIONS,
                }
                if view is not None:
                    options["view"] = view
                if last and reply.attachment is not None:
                    options["file"] = _file(reply)
                if not interaction.response.is_done():
                    await interaction.response.send_message(piece, **options)
                else:
                    await interaction.followup.send(piece, **options)
                placeholder = False

    async def _stream_to_interaction(
        self, interaction: discord.Interaction, reply: Reply, placeholder: bool
    ) -> Reply:
        """Show a growing answer (in the private "thinking…" message when it is there and the
        answer is private; else in a message of its own); returns what is left to send."""
        assert reply.stream is not None
        own: list[discord.WebhookMessage] = []

        async def send(text: str) -> bool:
            if not interaction.response.is_done():
                await interaction.response.send_message(
                    text, ephemeral=reply.private, allowed_mentions=NO_MENTIONS
                )
            elif placeholder:
                await interaction.edit_original_response(content=text)
            else:
                message = await interaction.followup.send(
                    text, ephemeral=reply.private, allowed_mentions=NO_MENTIONS, wait=True
                )
                own.append(message)
            return True

        async def edit(_: bool, text: str, view: discord.ui.View | None = None) -> None:
            extra: dict[str, Any] = {"view": view} if view is not None else {}
            if own:
                await own[0].edit(content=text, **extra)
            else:
                await interaction.edit_original_response(content=text, **extra)

        editor: ThrottledEditor[bool] = ThrottledEditor(send, edit, limit=MESSAGE_LIMIT - 10)
        final = await editor.show(reply.stream)
        if editor.handle is None:
            return final
        (first, view, _), *rest = _pieces(final)
        await edit(True, first, view if not rest else None)
        return replace(final, text="\n\n".join(piece for piece, _, _ in rest) or "")

    async def _stream_to_channel(self, channel: discord.abc.Messageable, reply: Reply) -> None:
        assert reply.stream is not None

        async def send(text: str) -> discord.Message:
            return await channel.send(text, allowed_mentions=NO_MENTIONS)

        async def edit(message: discord.Message, text: str) -> None:
            await message.edit(content=text)

        editor: ThrottledEditor[discord.Message] = ThrottledEditor(
            send, edit, limit=MESSAGE_LIMIT - 10
        )
        final = await editor.show(reply.stream)
        if editor.handle is None:
            await self._send_reply(channel, final)
            return
        (first, view, _), *rest = _pieces(final)
        await editor.handle.edit(content=first, view=view if not rest else None)
        if rest:
            await self._send_reply(channel, replace(final, text="\n\n".join(p for p, _, _ in rest)))

    # --- sending ---------------------------------------------------------------------------

    async def _send_reply(self, channel: discord.abc.Messageable, reply: Reply) -> str | None:
        message_id: str | None = None
        for piece, view, last in _pieces(reply):
            options: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
            if view is not None:
                options["view"] = view
            if last and reply.attachment is not None:
                options["file"] = _file(reply)
            sent = await channel.send(piece, **options)
            message_id = str(sent.id)
        return message_id

    async def _channel(self, chat_id: str) -> discord.abc.Messageable:
        if chat_id.startswith(PERSON_TARGET):  # a member's DMs, opened now
            user = await self.client.fetch_user(int(chat_id.removeprefix(PERSON_TARGET)))
            return await user.create_dm()
        return self.client.get_partial_messageable(int(chat_id))

    async def send(self, target: Target, reply: Reply) -> SendResult:
        """Deliver a reply unasked (announcement, reminder) and say how it went; never raises."""
        try:
            return SendResult.sent(
                await self._send_reply(await self._channel(target.chat_id), reply)
            )
        except (discord.Forbidden, discord.NotFound) as error:
            if error.code in UNREACHABLE_CODES or isinstance(error, discord.NotFound):
                return SendResult.unreachable(f"{error.status} {error.code}: {error.text}")
            return SendResult.failed(f"{error.status} {error.code}: {error.text}", retryable=False)
        except discord.HTTPException as error:
            if error.status == 429:
                return SendResult.wait(_retry_after(error))
            retryable = error.status >= 500
            return SendResult.failed(f"{error.status} {error.code}: {error.text}", retryable)
        except (aiohttp.ClientError, TimeoutError) as error:
            return SendResult.failed(f"network: {type(error).__name__}", retryable=True)


def _pieces(reply: Reply) -> list[tuple[str, discord.ui.View | None, bool]]:
    """The reply's text in messages under the limit; buttons and file go with the last one."""
    pieces = split_message(reply.text, MESSAGE_LIMIT) or ["…"]
    return [
        (piece, _view(reply) if n == len(pieces) else None, n == len(pieces))
        for n, piece in enumerate(pieces, start=1)
    ]


def _file(reply: Reply) -> discord.File:
    assert reply.attachment is not None
    return discord.File(io.BytesIO(reply.attachment.content), reply.attachment.filename)


def _retry_after(error: discord.HTTPException) -> float:
    header = error.response.headers.get("Retry-After") if error.response is not None else None
    try:
        return float(header) if header else 5.0
    except ValueError:
        return 5.0


def _typed_option(
    callback: Callable[..., Awaitable[None]], argument: Argument, contest: Contest
) -> Callable[..., Awaitable[None]]:
    """Name, describe and type the command's one option the way Discord shows options."""
    callback = app_commands.rename(value=argument.name)(callback)
    callback = app_commands.describe(value=locale_str(argument.description))(callback)
    if argument.kind is ArgumentKind.CHOICE:
        choices = [
            app_commands.Choice(name=locale_str(label), value=value)
            for value, label in argument.choices
        ]
        return app_commands.choices(value=choices)(callback)
    if argument.kind is ArgumentKind.TRACK:  # the tracks, after any fixed choices
        fixed = [
            app_commands.Choice(name=locale_str(label), value=value)
            for value, label in argument.choices
        ]
        tracks = [
            app_commands.Choice(name=locale_str(t.name.en, zh=t.name.zh), value=t.key)
            for t in contest.tracks
        ]
        return app_commands.choices(value=[*fixed, *tracks][:25])(callback)
    if argument.kind is ArgumentKind.TIMEZONE:
        return app_commands.autocomplete(value=_timezone_choices)(callback)
    return callback


_ZONES = sorted(available_timezones())


async def _timezone_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    wanted = current.strip().lower().replace(" ", "_")
    matches = [zone for zone in _ZONES if wanted in zone.lower()] if wanted else _ZONES
    return [app_commands.Choice(name=zone, value=zone) for zone in matches[:25]]
