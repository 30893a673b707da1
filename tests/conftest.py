"""Shared fixtures: settings on a fresh database (SQLite, and PostgreSQL when configured),
a clock the test controls, and a running core."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import shutil
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiohttp import web
from sqlalchemy.engine import make_url

# Before any test module imports aiogram, so that the whole run has aiogram's types built on
# first use, as the bot does (see adapters/telegram_types.py).
from adapters import telegram_types  # noqa: F401
from bot.config import BUNDLED_CONTENT_DIR, Settings, load_settings
from bot.content.loader import load_contest
from bot.core.app import Core
from bot.knowledge.answer import RetrievalAnswerer
from bot.messages import (
    ChatKind,
    ChatRef,
    Incoming,
    Reply,
    SendResult,
    Target,
    UserRef,
    parse_command,
)
from bot.ops.http import serve
from bot.outbox.worker import DeliveryWorker
from bot.runtime import build_index, start_core
from bot.storage.database import Database
from tests.fakes.discord_api import FakeDiscordServer
from tests.fakes.telegram_api import FakeTelegramServer

# The `platforms` fixture (both stand-in servers) for the end-to-end tests that use it.
pytest_plugins = ["tests.platform_stand_ins"]

POSTGRES_URL = os.environ.get("BOT_TEST_DATABASE_URL")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ORGANIZER_ID = "900042"  # telegram:900042 is an organizer in the test settings


@dataclass
class ManualClock:
    """A clock that stands still until the test moves it."""

    current: datetime = field(default_factory=lambda: datetime(2024, 5, 20, 4, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


def answerer_for(settings: Settings) -> RetrievalAnswerer:
    contest = load_contest(settings.content_dir)
    return RetrievalAnswerer(build_index(settings, contest, ManualClock()), contest)


@pytest.fixture(scope="session")
def hybrid() -> RetrievalAnswerer:
    """The bundled knowledge base with the bundled model, as the bot answers by default."""
    return answerer_for(load_settings(content_dir=BUNDLED_CONTENT_DIR))


@pytest.fixture(scope="session")
def embeddings_cache(request: pytest.FixtureRequest) -> str:
    """One cache of vectors for every run: the bundled content (sections, ways of asking,
    intent examples) is embedded once, before any test, so a bot started as a subprocess
    only reads it. Keyed by text and model, it is never stale."""
    folder = request.config.cache.mkdir("embeddings")
    settings = load_settings(content_dir=BUNDLED_CONTENT_DIR, cache_dir=folder)
    contest = load_contest(BUNDLED_CONTENT_DIR)
    build_index(settings, contest, ManualClock())
    return str(folder)


def child_environment(**variables: str) -> dict[str, str]:
    """The environment for a bot started as a subprocess: none of the developer's BOT_* or
    OPENAI_* variables, the run's shared cache of passage vectors, then `variables`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "OPENAI_"))}
    environment["BOT_CACHE_DIR"] = os.environ["BOT_CACHE_DIR"]
    return environment | variables


def both_platforms_environment(
    telegram: FakeTelegramServer, discord: FakeDiscordServer, guild: int, **variables: str
) -> dict[str, str]:
    """A subprocess bot's environment for the Telegram and Discord stand-ins together."""
    return child_environment(
        BOT_TELEGRAM_TOKEN=telegram.token,
        BOT_TELEGRAM_API_BASE=telegram.base_url,
        BOT_DISCORD_TOKEN=discord.token,
        BOT_DISCORD_API_BASE=discord.api_base,
        BOT_DISCORD_GATEWAY_URL=str(discord.gateway_url),
        BOT_DISCORD_GUILD_IDS=str(guild),
        BOT_HTTP_PORT="0",
        **variables,
    )


@contextlib.asynccontextmanager
async def served(app: web.Application) -> AsyncIterator[str]:
    """The app on a free port of 127.0.0.1, for as long as the block runs; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    runner = await serve(app, "127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def bot_on_both_platforms(
    telegram: FakeTelegramServer, discord: FakeDiscordServer, environment: dict[str, str]
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`communitybot run` in a subprocess, once both clients are connected; stopped with
    SIGTERM afterwards, and it must then exit cleanly."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await telegram.wait_for("getUpdates", timeout=30)
        await discord.wait_until_identified(timeout=30)
        await discord.wait_for("PUT", r"/applications/\d+/guilds/\d+/commands", timeout=30)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory, embeddings_cache: str
) -> None:
    """Tests never read the developer's .env or BOT_* variables by accident."""
    for name in list(os.environ):
        if (name.startswith("BOT_") and name != "BOT_TEST_DATABASE_URL") or name.startswith(
            "OPENAI_"
        ):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_CACHE_DIR", embeddings_cache)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def _database_params() -> list[object]:
    params: list[object] = [pytest.param("sqlite", id="sqlite")]
    params.append(
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=pytest.mark.skipif(not POSTGRES_URL, reason="BOT_TEST_DATABASE_URL not set"),
        )
    )
    return params


async def _create_postgres_database(template: str | None = None) -> tuple[str, str]:
    """A new database on the test server, empty or a copy of `template`; returns (its async
    URL, its name)."""
    assert POSTGRES_URL
    url = make_url(POSTGRES_URL)
    name = f"cb_test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        copy_of = f' TEMPLATE "{template}"' if template else ""
        await connection.execute(f'CREATE DATABASE "{name}"{copy_of}')
    finally:
        await connection.close()
    return url.set(database=name).render_as_string(hide_password=False), name


async def _drop_postgres_database(name: str) -> None:
    assert POSTGRES_URL
    url = make_url(POSTGRES_URL)
    connection = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless, as every browser test drives it (Playwright downloads none)."""
    return await playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
    )


@contextlib.asynccontextmanager
async def _postgres_database(template: str | None = None) -> AsyncIterator[str]:
    """The URL of a new PostgreSQL database (empty, or a copy of `template`), dropped after."""
    url, name = await _create_postgres_database(template)
    try:
        yield url
    finally:
        await _drop_postgres_database(name)


async def _migrate(url: str) -> None:
    database = Database(url)
    try:
        await database.upgrade()
    finally:
        await database.close()


# A database at the newest revision, per test worker, that each test's fresh database copies:
# migrating takes a quarter of a second, and some four hundred tests each want a new database.
# test_storage migrates empty databases (`empty_database_url`), as a deployment's first start
# does.
@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("migrated") / "bot.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def migrated_postgres() -> Iterator[str | None]:
    """The name of a migrated PostgreSQL database to copy, or None without PostgreSQL."""
    if not POSTGRES_URL:
        yield None
        return
    url, name = asyncio.run(_create_postgres_database())
    asyncio.run(_migrate(url))
    yield name
    asyncio.run(_drop_postgres_database(name))


@dataclass(frozen=True)
class MigratedDatabases:
    sqlite: Path
    postgres: str | None

    @contextlib.asynccontextmanager
    async def fresh(self, kind: str, tmp_path: Path) -> AsyncIterator[str]:
        """The URL of a new database of that kind at the newest revision, dropped afterwards."""
        if kind == "sqlite":
            path = tmp_path / "bot.db"
            shutil.copyfile(self.sqlite, path)
            yield f"sqlite+aiosqlite:///{path}"
            return
        async with _postgres_database(self.postgres) as url:
            yield url


@pytest.fixture
def migrated(migrated_sqlite: Path, migrated_postgres: str | None) -> MigratedDatabases:
    return MigratedDatabases(migrated_sqlite, migrated_postgres)


@pytest.fixture(params=_database_params())
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, migrated: MigratedDatabases
) -> AsyncIterator[str]:
    """A fresh database per test: SQLite, and PostgreSQL when BOT_TEST_DATABASE_URL is set."""
    async with migrated.fresh(request.param, tmp_path) as url:
        yield url


@pytest.fixture(params=_database_params())
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A new database with no tables at all, as a deployment's first start finds."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    async with _postgres_database() as url:
        yield url


@pytest.fixture
async def deployment_database_url(
    tmp_path: Path, migrated: MigratedDatabases
) -> AsyncIterator[str]:
    """One fresh database, the kind a deployment runs: PostgreSQL when BOT_TEST_DATABASE_URL is
    set, else SQLite. For the end-to-end platform tests, whose storage the per-database tests
    cover on both: running each of them twice would cost a minute of the ten CI allows."""
    kind = "postgresql" if POSTGRES_URL else "sqlite"
    async with migrated.fresh(kind, tmp_path) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path, migrated_sqlite: Path) -> str:
    path = tmp_path / "bot.db"
    shutil.copyfile(migrated_sqlite, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return load_settings(
        database_url=sqlite_url,
        content_dir=BUNDLED_CONTENT_DIR,
        organizers=f"telegram:{ORGANIZER_ID}",
    )


@pytest.fixture
async def core(settings: Settings, clock: ManualClock) -> AsyncIterator[Core]:
    bot_core = await start_core(settings, clock)
    yield bot_core
    await bot_core.services.database.close()


_UPDATE_IDS = itertools.count(1)


@dataclass
class Member:
    """A person talking to the core the way an adapter would pass their messages on."""

    core: Core
    user_id: str = "1001"
    locale: str | None = "en"
    platform: str = "telegram"
    chat: ChatRef | None = None  # default: the member's own private chat
    name: str = "Ada"
    handle: str | None = None  # "@ada_dev"

    def __post_init__(self) -> None:
        if self.chat is None:
            self.chat = ChatRef(self.user_id, ChatKind.PRIVATE)

    def incoming(self, text: str = "", pressed: str | None = None, **extra: object) -> Incoming:
        command = parse_command(text) if pressed is None else None
        # Each message carries its own update id, as every platform gives one (replay check).
        extra.setdefault("update_id", f"test-{next(_UPDATE_IDS)}")
        return Incoming(
            platform=self.platform,
            user=UserRef(self.user_id, self.name, self.locale, handle=self.handle),
            chat=self.chat or ChatRef(self.user_id, ChatKind.PRIVATE),
            text=text,
            command=command[0] if command else None,
            args=command[1] if command else "",
            pressed=pressed,
            **extra,  # type: ignore[arg-type]
        )

    async def says(self, text: str, **extra: object) -> list[Reply]:
        return await self.core.handle(self.incoming(text, **extra))

    async def presses(self, payload: str) -> list[Reply]:
        return await self.core.handle(self.incoming(pressed=payload))


@pytest.fixture
def member(core: Core) -> Member:
    return Member(core)


def only_text(replies: list[Reply]) -> str:
    assert len(replies) == 1, replies
    return replies[0].text


@pytest.fixture
def settings_factory(sqlite_url: str) -> Iterator[object]:
    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {"database_url": sqlite_url, "content_dir": BUNDLED_CONTENT_DIR}
        values.update(overrides)
        return load_settings(**values)

    yield make


@dataclass
class Outbox:
    """Every message the delivery worker sends, by platform and chat, with its buttons."""

    sent: list[tuple[Target, Reply]] = field(default_factory=list)

    async def send(self, target: Target, reply: Reply) -> SendResult:
        self.sent.append((target, reply))
        return SendResult.sent(str(len(self.sent)))

    async def deliver(self, core: Core) -> list[tuple[Target, Reply]]:
        """Run the outbox dry; returns what went out this time."""
        before = len(self.sent)
        senders = {"telegram": self.send, "discord": self.send}
        worker = DeliveryWorker(core.services.database, senders, {}, core.services.clock)
        while await worker.run_once():
            pass
        return self.sent[before:]
