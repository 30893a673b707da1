"""The Telegram stand-in speaks the Bot API closely enough for the real aiogram client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from tests.fakes.telegram_api import FakeTelegramServer


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    fake = FakeTelegramServer()
    await fake.start()
    yield fake
    await fake.stop()


def _bot(server: FakeTelegramServer, token: str | None = None) -> Bot:
    api = TelegramAPIServer.from_base(server.base_url)
    return Bot(token or server.token, session=AiohttpSession(api=api))


@pytest.fixture
async def bot(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    client = _bot(server)
    yield client
    await client.session.close()


KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Yes", callback_data="reg:yes")]]
)


async def test_get_me(server: FakeTelegramServer, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (server.bot_id, server.bot_username, True)
    assert server.calls[0].method == "getMe"


async def test_send_message_records_decoded_reply_markup(
    server: FakeTelegramServer, bot: Bot
) -> None:
    first = await bot.send_message(1001, "Hello", reply_markup=KEYBOARD)
    second = await bot.send_message(1001, "Again")
    (params, _) = await server.wait_for("sendMessage", count=2)
    assert params["chat_id"] == 1001
    assert params["text"] == "Hello"
    assert params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Yes", "callback_data": "reg:yes"}]]
    }
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.type == "private" and first.from_user.id == server.bot_id
    assert first.reply_markup.inline_keyboard[0][0].callback_data == "reg:yes"


async def test_retry_after_fault(server: FakeTelegramServer, bot: Bot) -> None:
    server.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 3", retry_after=3
    )
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(1001, "Hello")
    assert caught.value.retry_after == 3
    await bot.send_message(1001, "Hello")  # the fault was used up
    assert [c.error_code for c in server.calls] == [429, None]


async def test_blocked_chat_is_forbidden(server: FakeTelegramServer, bot: Bot) -> None:
    server.fail_chat(2002, error_code=403, description="Forbidden: bot was blocked by the user")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(2002, "Hello")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_chat_action(2002, "typing")
    await bot.send_message(1001, "Hello")


async def test_unknown_token_is_unauthorized(server: FakeTelegramServer) -> None:
    intruder = _bot(server, token="999:WRONG")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await intruder.get_me()
    finally:
        await intruder.session.close()


async def test_message_update_parses_with_entities(server: FakeTelegramServer, bot: Bot) -> None:
    sent = await bot.send_message(-100777, "Earlier answer")
    pushed = server.message_update(
        "/ask@community_test_bot 🎉 hi @community_test_bot",
        user_id=1001,
        chat_id=-100777,
        chat_type="supergroup",
        reply_to_bot=True,
    )
    updates = await bot.get_updates(offset=0, timeout=1)
    assert [u.update_id for u in updates] == [pushed["update_id"]]
    message = updates[0].message
    assert message is not None and message.chat.title and message.chat.type == "supergroup"
    assert message.from_user.language_code == "en"
    kinds = [(e.type, e.extract_from(message.text)) for e in message.entities]
    assert kinds == [
        ("bot_command", "/ask@community_test_bot"),
        ("mention", "@community_test_bot"),
    ]
    assert message.reply_to_message.message_id == sent.message_id
    assert message.reply_to_message.from_user.is_bot
    # Confirming the offset drops the update.
    assert await bot.get_updates(offset=pushed["update_id"] + 1, timeout=0) == []


async def test_long_poll_wakes_on_push(server: FakeTelegramServer, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.05)
    server.message_update("hello")
    updates = await asyncio.wait_for(poll, 1.5)
    assert updates[0].message.text == "hello"
    assert updates[0].message.entities is None


async def test_callback_update_parses(server: FakeTelegramServer, bot: Bot) -> None:
    sent = await bot.send_message(1001, "Register?", reply_markup=KEYBOARD)
    server.callback_update("reg:yes", message_id=sent.message_id)
    (update,) = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert query is not None and isinstance(query.id, str)
    assert query.data == "reg:yes" and query.from_user.id == 1001
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup.inline_keyboard[0][0].text == "Yes"
    assert await bot.answer_callback_query(query.id, text="Done") is True
    edited = await bot.edit_message_text("Registered", chat_id=1001, message_id=sent.message_id)
    assert edited.text == "Registered" and edited.reply_markup is None


async def test_document_upload_and_other_methods(server: FakeTelegramServer, bot: Bot) -> None:
    upload = BufferedInputFile(b"name,email\n", filename="registrations.csv")
    sent = await bot.send_document(1001, upload, caption="Export")
    (params,) = server.calls_of("sendDocument")
    assert params["document"] == {"filename": "registrations.csv", "content": b"name,email\n"}
    assert sent.document.file_name == "registrations.csv" and sent.caption == "Export"
    assert await bot.delete_webhook(drop_pending_updates=True) is True
    assert server.calls_of("deleteWebhook") == [{"drop_pending_updates": True}]
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_my_commands() == []


async def test_json_bodies_are_accepted(server: FakeTelegramServer) -> None:
    url = f"{server.base_url}/bot{server.token}/sendMessage"
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            url, json={"chat_id": 5, "text": "42", "reply_markup": {"inline_keyboard": []}}
        ) as resp,
    ):
        body = await resp.json()
    assert body["ok"] and body["result"]["text"] == "42"
    assert server.calls_of("sendMessage") == [
        {"chat_id": 5, "text": "42", "reply_markup": {"inline_keyboard": []}}
    ]


async def test_wait_for_times_out_with_the_recorded_methods(
    server: FakeTelegramServer, bot: Bot
) -> None:
    await bot.get_me()
    with pytest.raises(AssertionError, match="getMe"):
        await server.wait_for("sendMessage", timeout=0.05)


async def test_dispatcher_polling_round_trip(server: FakeTelegramServer, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(Command("start"))
    async def greet(message: Message) -> None:
        await message.answer(f"hi {message.from_user.language_code}")

    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=10))
    try:
        server.message_update("/start@community_test_bot", chat_id=-5, chat_type="group")
        (reply,) = await server.wait_for("sendMessage", timeout=5)
        assert reply == {"chat_id": -5, "text": "hi en"}
    finally:
        await dp.stop_polling()
        await polling
