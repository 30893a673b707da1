"""Updates per second through the real aiogram dispatcher, with and without our adapter + core.

    .venv/bin/python bench/telegram.py [--database-url postgresql+asyncpg://…]

Updates are fed with `Dispatcher.feed_update` and the bot's session answers every Bot API call
in memory, so no network is involved: the figures are aiogram's floor (a bare handler that does
nothing) and our cost on top (adapter translation, the replay claim, the member's row when it
changed, the core's routing and answering, reply splitting and escaping). SQLite in a temporary
folder by default; `--database-url` measures a PostgreSQL database instead (its tables are
created if missing; use an empty database).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.base import BaseSession
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import Chat, Message, Update, User
from pydantic import SecretStr

from adapters.telegram import TelegramAdapter
from bot.config import BUNDLED_CONTENT_DIR, load_settings
from bot.runtime import start_core

UPDATES = 2000
ROUNDS = 5
MEMBERS = 500  # distinct senders, each writing several times
QUESTIONS = ["有哪些赛道？", "How many prizes does each track have?"]
TOKEN = "123456:BENCH"
BOT_USER = User(id=123456, is_bot=True, first_name="Bench", username="bench_bot")


class InMemorySession(BaseSession):
    """Answers every Bot API call at once, as Telegram would, without a network."""

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> Any:
        if isinstance(method, SendMessage):
            chat = Chat(id=int(method.chat_id), type="private")
            return Message(
                message_id=1,
                date=datetime.now(UTC),
                chat=chat,
                from_user=BOT_USER,
                text=method.text,
            )
        return True

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""

    async def close(self) -> None:
        return None


def make_update(number: int, text: str) -> Update:
    user = User(id=10_000 + number % MEMBERS, is_bot=False, first_name="Member", language_code="zh")
    chat = Chat(id=user.id, type="private")
    message = Message(
        message_id=number, date=datetime.now(UTC), chat=chat, from_user=user, text=text
    )
    return Update(update_id=number, message=message)


async def feed(
    dispatcher: Dispatcher, bot: Bot, texts: list[str], first_id: int, count: int = UPDATES
) -> float:
    """Updates per second, fed one after another (each fully handled before the next)."""
    started = time.perf_counter()
    for offset in range(count):
        update = make_update(first_id + offset, texts[offset % len(texts)])
        await dispatcher.feed_update(bot, update)
    return count / (time.perf_counter() - started)


async def main(database_url: str | None) -> None:
    bare = Dispatcher()
    router = Router()

    @router.message(F.text)
    async def do_nothing(message: Message) -> None:
        return None

    bare.include_router(router)
    bare_bot = Bot(TOKEN, session=InMemorySession())
    floor_id = 1

    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            database_url=database_url or f"sqlite+aiosqlite:///{folder}/bench.db",
            content_dir=BUNDLED_CONTENT_DIR,
            telegram_token=SecretStr(TOKEN),
        )
        core = await start_core(settings)
        print(f"database: {core.services.database.engine.dialect.name}")
        adapter = TelegramAdapter(settings)
        await adapter.bot.session.close()
        adapter.bot.session = InMemorySession()
        adapter._core, adapter.username, adapter.bot_id = core, "bench_bot", BOT_USER.id
        # Update ids are new on every run (a reused database); sender ids follow them, so the
        # first pass is each member's first message and the later ones their messages again.
        first_id = int(time.time() * 1000) * MEMBERS
        for label, texts, count in (
            ("/tracks, each member's first message", ["/tracks"], MEMBERS),
            ("/tracks, members writing again", ["/tracks"], UPDATES),
            ("questions (hybrid)", QUESTIONS, UPDATES),
        ):
            # The floor and ours alternate in rounds, so that a shared machine's changing load
            # weighs on both alike; the ratio is the median of the rounds'.
            ratios, floors, rates = [], [], []
            for _ in range(ROUNDS):
                floor = await feed(bare, bare_bot, ["hello"], floor_id, count // ROUNDS)
                floor_id += count // ROUNDS
                rate = await feed(adapter.dispatcher, adapter.bot, texts, first_id, count // ROUNDS)
                first_id += count // ROUNDS
                ratios.append(floor / rate)
                floors.append(floor)
                rates.append(rate)
            floor, rate = statistics.median(floors), statistics.median(rates)
            cost_ms = (1 / rate - 1 / floor) * 1000
            print(
                f"{label}: {rate:,.0f} updates/s, aiogram's floor {floor:,.0f}/s "
                f"({cost_ms:.2f} ms per update over it); "
                f"{statistics.median(ratios):.1f}x the floor "
                f"(rounds {min(ratios):.1f}x-{max(ratios):.1f}x)"
            )
        await core.services.database.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL instead of a temporary SQLite file")
    asyncio.run(main(parser.parse_args().database_url))
