"""The Telegram adapter end to end: the real aiogram client, polling a local Bot API stand-in."""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest
from pydantic import SecretStr

from adapters.base import SendStatus
from adapters.telegram import TelegramAdapter
from bot.config import Settings
from bot.core.app import Core, build_router
from bot.core.router import Router
from bot.messages import Button, Reply, Target
from bot.runtime import delivery_workers, start_core
from tests.conftest import ORGANIZER_ID, ManualClock, child_environment
from tests.fakes.telegram_api import FakeTelegramServer

GROUP = -100200300


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramServer]:
    server = FakeTelegramServer()
    await server.start()
    yield server
    await server.stop()


def telegram_settings(settings: Settings, server: FakeTelegramServer, **extra: object) -> Settings:
    return settings.model_copy(
        update={
            "telegram_token": SecretStr(server.token),
            "telegram_api_base": server.base_url,
            **extra,
        }
    )


@pytest.fixture
async def live(
    telegram: FakeTelegramServer, settings: Settings, clock: ManualClock
) -> AsyncIterator[FakeTelegramServer]:
    """The adapter polling the stand-in, with a core whose router also has a broken command."""
    config = telegram_settings(settings, telegram)
    core = await start_core(config, clock)
    router = build_router()
    broken = Router()

    @broken.command("explode", "Fails on purpose")
    async def explode(ctx: object) -> list[Reply]:
        raise RuntimeError("boom")

    router.include(broken)
    core = Core(core.services, router)
    adapter = TelegramAdapter(config, polling_timeout=1)
    task = asyncio.create_task(adapter.start(core))
    await telegram.wait_for("getUpdates")
    yield telegram
    await adapter.stop()
    await asyncio.wait_for(task, timeout=10)
    await core.services.database.close()


async def test_start_in_chinese_and_english(live: FakeTelegramServer) -> None:
    (live.message_update("/start", user_id=1, language_code="zh-hans"))
    (live.message_update("/start", user_id=2, language_code="en"))
    sent = await live.wait_for("sendMessage", count=2)
    by_chat = {str(call["chat_id"]): call["text"] for call in sent}
    assert "你好" in by_chat["1"] and "Hello Ada" in by_chat["2"]


async def test_command_menu_is_set_in_both_languages(live: FakeTelegramServer) -> None:
    menus = {call.get("language_code"): call["commands"] for call in live.calls_of("setMyCommands")}
    assert {"zh", "en"} <= set(menus)
    zh_commands = {c["command"]: c["description"] for c in menus["zh"]}
    assert "ask" in zh_commands and "提问" in zh_commands["ask"]


async def test_private_question_is_answered_with_typing_shown(live: FakeTelegramServer) -> None:
    (live.message_update("有哪些赛道？", user_id=5))
    [answer] = await live.wait_for("sendMessage")
    assert "AIGC创意作品" in answer["text"] and "来源" in answer["text"]
    actions = live.calls_of("sendChatAction")
    assert actions and actions[0]["action"] == "typing"


async def test_group_ignores_chatter_but_answers_a_mention(live: FakeTelegramServer) -> None:
    (live.message_update("lunch anyone?", chat_id=GROUP, chat_type="supergroup"))
    mention = f"@{live.bot_username} which tracks are there?"
    (live.message_update(mention, chat_id=GROUP, chat_type="supergroup"))
    live.message_update("and the prizes?", chat_id=GROUP, chat_type="supergroup", reply_to_bot=True)
    sent = await live.wait_for("sendMessage", count=2)
    await asyncio.sleep(0.3)  # let a wrong third answer (to the chatter) show up if it would
    sent = live.calls_of("sendMessage")
    assert len(sent) == 2, [c["text"][:60] for c in sent]
    texts = sorted(call["text"] for call in sent)  # aiogram handles updates concurrently
    assert any("AIGC Technical Innovation" in text for text in texts)
    assert any("first prize" in text.lower() for text in texts)


async def test_button_press_round_trip(live: FakeTelegramServer) -> None:
    (live.message_update("/lang", user_id=7))
    [menu] = await live.wait_for("sendMessage")
    keyboard = menu["reply_markup"]["inline_keyboard"]
    payloads = [button["callback_data"] for row in keyboard for button in row]
    assert payloads == ["lang:zh", "lang:en", "lang:auto"]

    (live.callback_update("lang:zh", user_id=7))
    await live.wait_for("answerCallbackQuery")
    sent = await live.wait_for("sendMessage", count=2)
    assert "中文" in sent[1]["text"]


async def test_long_answer_is_split_and_user_text_is_escaped(
    telegram: FakeTelegramServer, settings: Settings, clock: ManualClock
) -> None:
    config = telegram_settings(settings, telegram)
    core = await start_core(config, clock)
    router = build_router()
    echo = Router()
    long_text = "\n\n".join(f"<b>{n}</b> & *x* _y_ " + "字" * 480 for n in range(10))

    @echo.command("long", "A long reply")
    async def long(ctx: object) -> list[Reply]:
        return [Reply(long_text, buttons=(Button("OK", "ok"),))]

    router.include(echo)
    adapter = TelegramAdapter(config, polling_timeout=1)
    task = asyncio.create_task(adapter.start(Core(core.services, router)))
    try:
        (telegram.message_update("/long"))
        sent = await telegram.wait_for("sendMessage", count=2)
        assert len(sent) == 2 and all(len(call["text"]) <= 4096 for call in sent)
        assert sent[0]["text"].startswith("&lt;b&gt;0&lt;/b&gt; &amp; *x* _y_")
        assert "reply_markup" not in sent[0] and sent[1]["reply_markup"]
        assert sent[0]["parse_mode"] == "HTML"
    finally:
        await adapter.stop()
        await asyncio.wait_for(task, timeout=10)
        await core.services.database.close()


async def test_handler_error_is_answered_politely_and_polling_goes_on(
    live: FakeTelegramServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    (live.message_update("/explode", user_id=9, language_code="en"))
    [apology] = await live.wait_for("sendMessage")
    assert "something went wrong" in apology["text"]
    (live.message_update("/tracks", user_id=9))
    sent = await live.wait_for("sendMessage", count=2)
    assert "AIGC" in sent[1]["text"]
    assert live.token not in caplog.text


async def test_adapter_level_failure_is_logged_with_update_id_and_answered(
    live: FakeTelegramServer, caplog: pytest.LogCaptureFixture
) -> None:
    live.fail_next("sendMessage", error_code=400, description="Bad Request: can't parse entities")
    update = live.message_update("/help", user_id=11, language_code="zh")
    sent = await live.wait_for("sendMessage", count=2)
    assert "出了点问题" in sent[-1]["text"]
    assert f"update {update['update_id']} failed" in caplog.text
    assert live.token not in caplog.text


async def test_send_reports_the_four_outcomes(
    telegram: FakeTelegramServer, settings: Settings
) -> None:
    adapter = TelegramAdapter(telegram_settings(settings, telegram))
    try:
        sent = await adapter.send(Target("telegram", "501"), Reply("hello"))
        assert sent.status is SendStatus.SENT and sent.message_id

        telegram.fail_next(
            "sendMessage",
            error_code=429,
            description="Too Many Requests: retry after 7",
            retry_after=7,
        )
        wait = await adapter.send(Target("telegram", "501"), Reply("hello"))
        assert wait.status is SendStatus.RETRY_AFTER and wait.retry_after == 7

        telegram.fail_next(
            "sendMessage", error_code=403, description="Forbidden: bot was blocked by the user"
        )
        blocked = await adapter.send(Target("telegram", "502"), Reply("hello"))
        assert blocked.status is SendStatus.UNREACHABLE

        telegram.fail_next("sendMessage", error_code=400, description="Bad Request: chat not found")
        gone = await adapter.send(Target("telegram", "503"), Reply("hello"))
        assert gone.status is SendStatus.UNREACHABLE

        telegram.fail_next("sendMessage", error_code=500, description="Internal Server Error")
        broken = await adapter.send(Target("telegram", "504"), Reply("hello"))
        assert broken.status is SendStatus.FAILED and broken.retryable
        assert telegram.token not in broken.error
    finally:
        await adapter.bot.session.close()


async def test_webhook_mode_accepts_updates_with_the_secret_only(
    telegram: FakeTelegramServer, settings: Settings, clock: ManualClock
) -> None:
    config = telegram_settings(
        settings,
        telegram,
        telegram_webhook_url="https://bot.example.org/telegram/hook",
        telegram_webhook_host="127.0.0.1",
        telegram_webhook_port=0,
    )
    core = await start_core(config, clock)
    adapter = TelegramAdapter(config)
    task = asyncio.create_task(adapter.start(core))
    try:
        [registration] = await telegram.wait_for("setWebhook")
        assert registration["url"] == "https://bot.example.org/telegram/hook"
        secret = registration["secret_token"]
        url = f"http://127.0.0.1:{adapter.webhook_port}/telegram/hook"
        update = telegram.message_update("/tracks", user_id=21)
        update["update_id"] = 1
        async with aiohttp.ClientSession() as http:
            async with http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            ) as bad:
                assert bad.status == 401
            async with http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
            ) as good:
                assert good.status == 200
        [answer] = await telegram.wait_for("sendMessage")
        assert "AIGC" in answer["text"] and answer["chat_id"] in (21, "21")
        assert telegram.calls_of("getUpdates") == []
    finally:
        await adapter.stop()
        await asyncio.wait_for(task, timeout=10)
        await core.services.database.close()


async def test_a_replayed_update_is_answered_once(live: FakeTelegramServer) -> None:
    update = live.message_update("/tracks", user_id=31)
    await live.wait_for("sendMessage")
    replay = dict(update)
    replay["update_id"] = update["update_id"]
    live.push_update(replay)  # as after a restart before the offset was confirmed
    live.message_update("/help", user_id=31)
    sent = await live.wait_for("sendMessage", count=2)
    assert len(sent) == 2 and "/ask" in sent[1]["text"]


async def test_communitybot_run_serves_telegram_and_stops_on_sigterm(
    telegram: FakeTelegramServer, tmp_path
) -> None:
    environment = child_environment(
        BOT_TELEGRAM_TOKEN=telegram.token,
        BOT_TELEGRAM_API_BASE=telegram.base_url,
        BOT_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        BOT_HTTP_PORT="0",
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
        telegram.message_update("How many prizes does each track have?", user_id=77)
        [answer] = await telegram.wait_for("sendMessage", timeout=30)
        assert "five third prizes" in answer["text"] or "Third prize: 5" in answer["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert telegram.token not in stderr.decode()


async def test_announcement_end_to_end_through_telegram(
    telegram: FakeTelegramServer, settings: Settings, clock: ManualClock
) -> None:
    config = telegram_settings(settings, telegram)
    core = await start_core(config, clock)
    adapter = TelegramAdapter(config, polling_timeout=1)
    stopping = asyncio.Event()
    receiving = asyncio.create_task(adapter.start(core))
    [worker] = delivery_workers(core, {"telegram": adapter.send})[:1]
    sending = asyncio.create_task(worker.run(stopping))
    try:
        await telegram.wait_for("getUpdates")
        for member in (301, 302, 303):
            telegram.message_update("/start", user_id=member)
        await telegram.wait_for("sendMessage", count=3)
        telegram.fail_chat(
            303, error_code=403, description="Forbidden: bot was blocked by the user"
        )

        organizer = int(ORGANIZER_ID)
        telegram.message_update("/announce Final on <Oct 24> & more", user_id=organizer)
        [preview] = await telegram.wait_for(
            "sendMessage", predicate=lambda call: "Preview" in call["text"]
        )
        buttons = [b for row in preview["reply_markup"]["inline_keyboard"] for b in row]
        confirm = next(
            b["callback_data"] for b in buttons if b["callback_data"].endswith("confirm")
        )
        telegram.callback_update(confirm, user_id=organizer)

        def announcement(call: dict) -> bool:
            return call["text"] == "Final on &lt;Oct 24&gt; &amp; more"

        summary = await telegram.wait_for(
            "sendMessage", predicate=lambda call: "finished" in call["text"]
        )
        ok = [
            call.params
            for call in telegram.calls
            if call.method == "sendMessage"
            and call.error_code is None
            and announcement(call.params)
        ]
        assert sorted(str(c["chat_id"]) for c in ok) == sorted(["301", "302", str(organizer)])
        assert "3 sent, 1 unreachable" in summary[0]["text"]
        stop_button = ok[0]["reply_markup"]["inline_keyboard"][0][0]
        assert stop_button["callback_data"] == "announcements:off"
    finally:
        stopping.set()
        await sending
        await adapter.stop()
        await asyncio.wait_for(receiving, timeout=10)
        await core.services.database.close()


async def test_register_with_a_button_subscribe_and_receive_a_reminder(
    telegram: FakeTelegramServer, settings: Settings, tmp_path
) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.clock import SystemClock
    from bot.runtime import start_reminders
    from tests.test_reminders import content_with, deadline_toml

    # Its "1m" reminder 10 s away: the registration before it must be done by then, also on a
    # loaded machine (3 s was not always enough there, and a reminder due before the member
    # subscribed is rightly not sent).
    at = datetime.now(UTC) + timedelta(minutes=1, seconds=10)
    content = content_with(tmp_path, deadline_toml("submission", at, '"1m"', '["aigc-tech"]'))
    config = telegram_settings(settings, telegram, content_dir=content)
    core = await start_core(config, SystemClock())
    adapter = TelegramAdapter(config, polling_timeout=1)
    receiving = asyncio.create_task(adapter.start(core))
    stopping = asyncio.Event()
    [worker, *_] = delivery_workers(core, {"telegram": adapter.send})
    sending = asyncio.create_task(worker.run(stopping))
    reminders = await start_reminders(core)
    try:
        await telegram.wait_for("getUpdates")
        telegram.message_update("/register", user_id=55)
        [menu] = await telegram.wait_for("sendMessage")
        buttons = [b for row in menu["reply_markup"]["inline_keyboard"] for b in row]
        tech = next(b for b in buttons if b["callback_data"] == "register:aigc-tech")
        telegram.callback_update(tech["callback_data"], user_id=55)
        await telegram.wait_for("sendMessage", predicate=lambda c: "team" in c["text"])
        telegram.callback_update("registration:skip", user_id=55)
        await telegram.wait_for("sendMessage", predicate=lambda c: "idea" in c["text"])
        telegram.callback_update("registration:skip", user_id=55)
        offer = await telegram.wait_for("sendMessage", predicate=lambda c: "remind" in c["text"])
        offered = [
            b["callback_data"] for row in offer[0]["reply_markup"]["inline_keyboard"] for b in row
        ]
        assert offered == ["subscribe:aigc-tech", "subscribe:none"]
        telegram.callback_update("subscribe:aigc-tech", user_id=55)

        [reminder] = await telegram.wait_for(
            "sendMessage", predicate=lambda c: c["text"].startswith("Reminder"), timeout=40
        )
        assert reminder["chat_id"] == 55 and "Submission" in reminder["text"]
    finally:
        stopping.set()
        await sending
        reminders.shutdown()
        await adapter.stop()
        await asyncio.wait_for(receiving, timeout=10)
        await core.services.database.close()


async def test_an_llm_answer_grows_by_edits_then_shows_its_sources(
    telegram: FakeTelegramServer, settings: Settings, clock: ManualClock
) -> None:
    from tests.fakes.openai_api import FakeOpenAIServer
    from tests.test_llm import PRIZES_EN, llm_settings

    model = FakeOpenAIServer()
    await model.start()
    model.chunk_delay = 0.25  # about three seconds of writing: room for edits
    model.script(PRIZES_EN, chunks=12)
    config = llm_settings(telegram_settings(settings, telegram), model)
    core = await start_core(config, clock)
    adapter = TelegramAdapter(config, polling_timeout=1)
    task = asyncio.create_task(adapter.start(core))
    try:
        await telegram.wait_for("getUpdates")
        telegram.message_update("How many prizes does each track have?", user_id=88)
        [first] = await telegram.wait_for("sendMessage")
        assert first["text"].endswith("…") and len(first["text"]) < len(PRIZES_EN)
        edits = await telegram.wait_for(
            "editMessageText", predicate=lambda call: "Sources" in call["text"], timeout=15
        )
        final = edits[-1]["text"]
        assert final.startswith(PRIZES_EN) and "Sources: [1]" in final
        growing = [
            c["text"] for c in telegram.calls_of("editMessageText") if "Sources" not in c["text"]
        ]
        assert growing and all(text.endswith("…") for text in growing)
        assert len(growing) < 12  # throttled: fewer edits than chunks
    finally:
        await adapter.stop()
        await asyncio.wait_for(task, timeout=10)
        await core.services.database.close()
        await model.stop()


# Run in a fresh interpreter: the test session may have imported aiogram already.
_BUILD_EVERY_TELEGRAM_TYPE = """
import adapters.telegram
import aiogram.methods, aiogram.types
from pydantic import BaseModel

print("Update built at import:", aiogram.types.Update.__pydantic_complete__)
# pydantic looks some frames up the stack when it builds: as in the bot, not from the top level
def unbuilt_models():
    names = [(aiogram.types, n) for n in aiogram.types.__all__]
    names += [(aiogram.methods, n) for n in aiogram.methods.__all__]
    unbuilt = []
    for module, name in names:
        model = getattr(module, name)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        if model.__pydantic_generic_metadata__["parameters"]:
            continue  # a generic base such as TelegramMethod[T]: only its subclasses are used
        try:
            model.__pydantic_validator__.validate_python  # builds the model on first use
        except Exception as error:
            unbuilt.append(f"{name}: {error}")
    return unbuilt


print("models that could not be built:", unbuilt_models())
"""


def test_every_telegram_type_builds_when_first_used_after_a_lazy_import() -> None:
    """aiogram's types are built on first use (75 MB less at idle): none may fail to build then,
    or an update carrying it would be lost."""
    shown = subprocess.run(
        [sys.executable, "-c", _BUILD_EVERY_TELEGRAM_TYPE],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_environment(),
        check=True,
    ).stdout
    assert "Update built at import: False" in shown
    assert "models that could not be built: []" in shown
