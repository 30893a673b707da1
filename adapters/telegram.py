"""Telegram on aiogram 3: updates become `Incoming`, replies become Bot API calls.

Translation only: what to answer is decided by the core. Long polling by default; webhook mode
when BOT_TELEGRAM_WEBHOOK_URL is set (served by aiohttp, secret token checked by aiogram).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from adapters import telegram_types  # noqa: F401  (before aiogram: its types built on first use)

# isort: split
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType, ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    ErrorEvent,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from aiogram.utils.chat_action import ChatActionSender
from aiogram.utils.text_decorations import html_decoration
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from adapters.base import SendResult
from bot.config import Settings
from bot.i18n import LANGUAGES, Language, Translator, normalize_language
from bot.message_split import split_message
from bot.messages import (
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
    from bot.core.app import Core

log = logging.getLogger(__name__)
MESSAGE_LIMIT = 4096
ALLOWED_UPDATES = ["message", "callback_query"]
BUTTONS_PER_ROW = 2
# Bad requests that mean the chat is gone for good rather than that our request was wrong.
_GONE = ("chat not found", "user is deactivated", "peer_id_invalid", "bot was kicked")
_CHAT_KINDS = {
    ChatType.PRIVATE: ChatKind.PRIVATE,
    ChatType.GROUP: ChatKind.GROUP,
    ChatType.SUPERGROUP: ChatKind.GROUP,
    ChatType.CHANNEL: ChatKind.CHANNEL,
}


def _escaped_length(text: str) -> int:
    return len(html_decoration.quote(text))


class TelegramAdapter:
    platform = "telegram"

    def __init__(self, settings: Settings, polling_timeout: int = 10) -> None:
        if settings.telegram_token is None:
            raise ValueError("BOT_TELEGRAM_TOKEN is not set")
        self.settings = settings
        api = settings.telegram_api_base
        session = AiohttpSession(api=TelegramAPIServer.from_base(api)) if api else AiohttpSession()
        self.bot = Bot(
            settings.telegram_token.get_secret_value(),
            session=session,
            default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
        )
        self.dispatcher = Dispatcher()
        router = Router(name="community-bot")
        router.message.register(self._on_message, F.text)
        router.message.register(self._on_message, F.document)  # an organizer's /import
        router.message.register(self._on_joined, F.new_chat_members)
        router.callback_query.register(self._on_button)
        self.dispatcher.include_router(router)
        self.dispatcher.errors.register(self._on_error)
        self.polling_timeout = polling_timeout
        self.username = ""
        self.bot_id = 0
        self.webhook_port: int | None = None  # the port actually bound, once serving
        self._core: Core | None = None
        self._polling = False
        self._stopped = asyncio.Event()

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self, core: Core) -> None:
        """Receive updates until `stop()`: by long polling, or by webhook when configured."""
        self._core = core
        me = await self.bot.get_me()
        self.username, self.bot_id = (me.username or "").lower(), me.id
        await self._set_commands(core)
        if self.settings.telegram_webhook_url:
            await self._serve_webhook(self.settings.telegram_webhook_url)
            return
        # A webhook left from an earlier run makes getUpdates fail; pending updates are kept.
        await self.bot.delete_webhook(drop_pending_updates=False)
        self._polling = True
        try:
            await self.dispatcher.start_polling(
                self.bot,
                handle_signals=False,
                close_bot_session=False,
                polling_timeout=self.polling_timeout,
                allowed_updates=ALLOWED_UPDATES,
            )
        finally:
            self._polling = False

    async def open_for_sending(self) -> None:
        """Nothing to do: the Bot API is plain HTTP."""

    @property
    def connected(self) -> bool:
        return self._polling or self.webhook_port is not None

    async def stop(self) -> None:
        if self._polling:
            await self.dispatcher.stop_polling()
        self._stopped.set()
        await self.bot.session.close()

    async def _serve_webhook(self, url: str) -> None:
        secret = self.settings.webhook_secret()
        app = web.Application()
        path = urlsplit(url).path or "/"
        SimpleRequestHandler(self.dispatcher, self.bot, secret_token=secret).register(app, path)
        setup_application(app, self.dispatcher, bot=self.bot)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(
            runner, self.settings.telegram_webhook_host, self.settings.telegram_webhook_port
        )
        await site.start()
        self.webhook_port = runner.addresses[0][1]
        try:
            await self.bot.set_webhook(
                url,
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
            )
            await self._stopped.wait()
        finally:
            await runner.cleanup()

    async def _set_commands(self, core: Core) -> None:
        """The command menu, in Chinese and English, shown by Telegram per user language."""
        menu = core.menu()

        def commands(language: Language) -> list[BotCommand]:
            t = Translator(language)
            return [BotCommand(command=name, description=t.gettext(text)) for name, text in menu]

        await self.bot.set_my_commands(commands(self.settings.default_language))
        for language in LANGUAGES:
            await self.bot.set_my_commands(commands(language), language_code=language)

    # --- receiving -------------------------------------------------------------------------

    def to_incoming(self, message: Message, update_id: int | None = None) -> Incoming | None:
        """The core's view of a text message; None for a command meant for another bot."""
        user = message.from_user
        text = message.text if message.text is not None else message.caption
        if user is None or (text is None and message.document is None):
            return None
        text = text or ""
        received = self._received_file(message)
        key = None if update_id is None else str(update_id)
        chat = ChatRef(str(message.chat.id), _CHAT_KINDS.get(message.chat.type, ChatKind.GROUP))
        sender = _user_ref(user)
        command = parse_command(text)
        if command is not None:
            addressee = text.split(maxsplit=1)[0].partition("@")[2].lower()
            if addressee and addressee != self.username:
                return None
            return Incoming(
                self.platform,
                sender,
                chat,
                text,
                command[0],
                command[1],
                update_id=key,
                received_file=received,
            )
        mention = f"@{self.username}"
        mentioned = bool(self.username) and mention in text.lower()
        replied = (
            message.reply_to_message is not None
            and message.reply_to_message.from_user is not None
            and message.reply_to_message.from_user.id == self.bot_id
        )
        if mentioned:
            start = text.lower().index(mention)
            text = (text[:start] + text[start + len(mention) :]).strip()
        return Incoming(
            self.platform,
            sender,
            chat,
            text,
            addressed_to_bot=mentioned or replied,
            update_id=key,
            received_file=received,
        )

    def _received_file(self, message: Message) -> ReceivedFile | None:
        document = message.document
        if document is None:
            return None

        async def read() -> bytes:
            downloaded = await self.bot.download(document.file_id)
            return downloaded.read() if downloaded is not None else b""

        name = document.file_name or "document"
        return ReceivedFile(name, document.file_size or 0, document.mime_type, read)

    async def _on_joined(self, message: Message) -> None:
        """People joined a group: the core greets them if an organizer turned welcomes on."""
        people = [_user_ref(user) for user in message.new_chat_members or () if not user.is_bot]
        if people and self._core is not None:
            await self._core.members_joined(self.platform, str(message.chat.id), people)

    async def _on_message(self, message: Message, event_update: Update) -> None:
        incoming = self.to_incoming(message, event_update.update_id)
        if incoming is None or not incoming.concerns_bot or self._core is None:
            return
        if incoming.command is None:  # a question: show "typing…" while it is answered
            async with ChatActionSender.typing(bot=self.bot, chat_id=message.chat.id):
                await self._answer(incoming, await self._core.handle(incoming))
        else:
            await self._answer(incoming, await self._core.handle(incoming))

    async def _on_button(self, callback: CallbackQuery, event_update: Update) -> None:
        await callback.answer()  # at once, so the button stops spinning
        message = callback.message
        if message is None or self._core is None or callback.data is None:
            return
        user = callback.from_user
        chat = ChatRef(str(message.chat.id), _CHAT_KINDS.get(message.chat.type, ChatKind.GROUP))
        incoming = Incoming(
            self.platform,
            _user_ref(user),
            chat,
            pressed=callback.data,
            update_id=str(event_update.update_id),
        )
        await self._answer(incoming, await self._core.handle(incoming))

    async def _answer(self, incoming: Incoming, replies: list[Reply]) -> None:
        """Replies go to the chat, except private ones asked for in a group: those go to the
        asker's private chat (on Telegram its id is the user's id)."""
        for reply in replies:
            if reply.stream is not None:
                await self._stream_reply(incoming.chat.id, reply)
                continue
            if not reply.private or incoming.is_private:
                await self._send_reply(incoming.chat.id, reply)
                continue
            try:
                await self._send_reply(incoming.user.id, reply)
            except (TelegramForbiddenError, TelegramBadRequest):
                language = normalize_language(incoming.user.locale, self.settings.default_language)
                note = Translator(language).gettext(
                    "I can only answer this privately. Open a private chat with me (@{bot}), "
                    "send /start, then ask again.",
                    bot=self.username,
                )
                await self._send_reply(incoming.chat.id, Reply(note))

    async def _on_error(self, event: ErrorEvent) -> bool:
        """Log a failed update with its id and tell the person, politely, in their language."""
        update = event.update
        log.error(
            "telegram update %s failed: %s",
            update.update_id,
            type(event.exception).__name__,
            exc_info=event.exception,
        )
        message = update.message or (update.callback_query and update.callback_query.message)
        user = update.message.from_user if update.message else None
        if user is None and update.callback_query is not None:
            user = update.callback_query.from_user
        if message is None:
            return True
        language = normalize_language(
            user.language_code if user else None, self.settings.default_language
        )
        text = Translator(language).gettext(
            "Sorry, something went wrong on my side. Please try again in a moment."
        )
        try:
            await self.bot.send_message(message.chat.id, html_decoration.quote(text))
        except TelegramAPIError:
            log.warning("could not tell chat about failed update %s", update.update_id)
        return True

    # --- sending ---------------------------------------------------------------------------

    async def _username(self, reply: Reply) -> str:
        """The bot's @username, for deep links; asked once in a process that only sends."""
        if not self.username and any(b.opens_private_chat for b in reply.buttons):
            me = await self.bot.get_me()
            self.username = (me.username or "").lower()
        return self.username

    async def _send_reply(self, chat_id: int | str, reply: Reply) -> str | None:
        """Send one reply (split if long; buttons under the last piece); the last message id."""
        pieces = split_message(reply.text, MESSAGE_LIMIT, measure=_escaped_length)
        keyboard = _keyboard(reply, await self._username(reply))
        message_id: str | None = None
        for number, piece in enumerate(pieces, start=1):
            sent = await self.bot.send_message(
                chat_id,
                html_decoration.quote(piece),
                reply_markup=keyboard if number == len(pieces) else None,
            )
            message_id = str(sent.message_id)
        if reply.attachment is not None:
            document = BufferedInputFile(reply.attachment.content, reply.attachment.filename)
            sent = await self.bot.send_document(chat_id, document)
            message_id = str(sent.message_id)
        return message_id

    async def _stream_reply(self, chat_id: int | str, reply: Reply) -> None:
        """A growing answer: one message edited about once a second, then the final text."""
        assert reply.stream is not None

        async def send(text: str) -> Message:
            return await self.bot.send_message(chat_id, html_decoration.quote(text))

        async def edit(message: Message, text: str) -> None:
            try:
                await self.bot.edit_message_text(
                    html_decoration.quote(text), chat_id=chat_id, message_id=message.message_id
                )
            except TelegramBadRequest as error:  # "message is not modified" and the like
                log.debug("edit skipped: %s", error.message)

        editor: ThrottledEditor[Message] = ThrottledEditor(send, edit, limit=MESSAGE_LIMIT - 10)
        final = await editor.show(reply.stream)
        if editor.handle is None:
            await self._send_reply(chat_id, final)
            return
        first, *rest = split_message(final.text, MESSAGE_LIMIT, measure=_escaped_length)
        await self.bot.edit_message_text(
            html_decoration.quote(first),
            chat_id=chat_id,
            message_id=editor.handle.message_id,
            reply_markup=_keyboard(final, await self._username(final)) if not rest else None,
        )
        if rest:
            await self._send_reply(chat_id, replace(final, text="\n\n".join(rest)))

    async def send(self, target: Target, reply: Reply) -> SendResult:
        """Deliver a reply unasked (broadcast, reminder) and say how it went; never raises."""
        try:
            return SendResult.sent(await self._send_reply(target.chat_id, reply))
        except TelegramRetryAfter as error:
            return SendResult.wait(float(error.retry_after))
        except TelegramForbiddenError as error:
            return SendResult.unreachable(error.message)
        except TelegramBadRequest as error:
            if any(reason in error.message.lower() for reason in _GONE):
                return SendResult.unreachable(error.message)
            return SendResult.failed(error.message, retryable=False)
        except (TelegramServerError, TelegramNetworkError) as error:
            return SendResult.failed(f"{type(error).__name__}: {error.message}", retryable=True)
        except TelegramAPIError as error:
            return SendResult.failed(f"{type(error).__name__}: {error.message}", retryable=False)


def _keyboard(reply: Reply, username: str = "") -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    buttons = [_button(b, username) for b in reply.buttons]
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _button(button: Button, username: str) -> InlineKeyboardButton:
    command = button.payload.removeprefix("run:")
    if button.opens_private_chat and username and command != button.payload:
        # A deep link: the private chat with the bot opens and sends "/start <command>".
        url = f"https://t.me/{username}?start={button.start_parameter or command}"
        return InlineKeyboardButton(text=button.label, url=url)
    return InlineKeyboardButton(text=button.label, callback_data=button.payload)


def _user_ref(user: User) -> UserRef:
    handle = f"@{user.username}" if user.username else None
    return UserRef(str(user.id), user.full_name, user.language_code, handle=handle)
