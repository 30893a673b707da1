"""Several `communitybot run` processes on one database, as deployed: roles, the scheduler's
election and take-over, exactly-once delivery across processes, database restarts, health and
metrics. PostgreSQL tests need BOT_TEST_DATABASE_URL (set by .ci/run)."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bot.config import load_settings
from bot.ops.roles import Role, RoleError, SqliteProcessLock
from bot.service import serve_platforms
from bot.storage.database import Database
from bot.storage.models import Broadcast, Member, Subscription
from tests.conftest import (
    POSTGRES_URL,
    MigratedDatabases,
    child_environment,
)
from tests.fakes.telegram_api import FakeTelegramServer
from tests.test_reminders import content_with, deadline_toml

needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="BOT_TEST_DATABASE_URL not set")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Bot:
    """One `communitybot run` process."""

    def __init__(self, environment: dict[str, str], *roles: str) -> None:
        self.environment, self.roles = environment, roles
        self.process: asyncio.subprocess.Process | None = None
        self.stderr = b""

    async def start(self) -> Bot:
        args = ["-m", "bot", "-v", "run"] + (
            ["--roles", ",".join(self.roles)] if self.roles else []
        )
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            env=self.environment,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        return self

    async def exited(self) -> int:
        """Wait for the process to end by itself."""
        assert self.process is not None
        _, self.stderr = await asyncio.wait_for(self.process.communicate(), timeout=60)
        return self.process.returncode or 0

    async def stop(self, how: signal.Signals = signal.SIGTERM) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(how)
        _, self.stderr = await asyncio.wait_for(self.process.communicate(), timeout=30)
        return self.process.returncode or 0


def environment(telegram: FakeTelegramServer, database_url: str, **extra: str) -> dict[str, str]:
    variables = child_environment(
        BOT_TELEGRAM_TOKEN=telegram.token,
        BOT_TELEGRAM_API_BASE=telegram.base_url,
        BOT_DATABASE_URL=database_url,
        BOT_HTTP_PORT="0",
        BOT_TELEGRAM_MESSAGES_PER_SECOND="2000",
    )
    variables.update(extra)
    return variables


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramServer]:
    server = FakeTelegramServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def postgres_url(tmp_path: Path, migrated: MigratedDatabases) -> AsyncIterator[str]:
    if not POSTGRES_URL:
        pytest.skip("BOT_TEST_DATABASE_URL not set")
    async with migrated.fresh("postgresql", tmp_path) as url:
        yield url


async def add_members(url: str, count: int, subscribe: bool = False) -> None:
    database = Database(url)
    now = datetime.now(UTC)
    async with database.session() as session:
        await session.execute(
            insert(Member),
            [
                {
                    "platform": "telegram",
                    "platform_user_id": str(n),
                    "display_name": "",
                    "private_chat_id": str(n),
                    "reachable": True,
                    "first_seen": now,
                    "last_seen": now,
                }
                for n in range(1, count + 1)
            ],
        )
        if subscribe:
            await session.execute(
                insert(Subscription),
                [{"member_id": n, "topic": "all", "created_at": now} for n in range(1, count + 1)],
            )
    await database.close()


async def test_sqlite_refuses_a_second_delivering_process(
    telegram: FakeTelegramServer, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    first = await Bot(environment(telegram, url)).start()
    try:
        await telegram.wait_for("getUpdates", timeout=30)
        second = await Bot(environment(telegram, url)).start()
        assert await second.exited() == 2
        assert b"PostgreSQL" in second.stderr and b"Traceback" not in second.stderr
        receiver = await Bot(environment(telegram, url), "receive").start()  # allowed
        await asyncio.sleep(0.5)
        assert receiver.process is not None and receiver.process.returncode is None
        await receiver.stop()
    finally:
        assert await first.stop() == 0


async def test_a_second_process_on_sqlite_is_refused_before_it_loads_anything(
    tmp_path: Path,
) -> None:
    """Refused at once: with another process holding the file, the content is not even read
    (broken here, loading it would fail with a content error instead)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    content = tmp_path / "content"
    content.mkdir()
    (content / "contest.toml").write_text("not toml [", encoding="utf-8")
    settings = load_settings(database_url=url, content_dir=content)
    first = SqliteProcessLock(url)
    first.acquire()
    try:
        with pytest.raises(RoleError, match="PostgreSQL"):
            await serve_platforms(settings, frozenset({Role.DELIVER}))
    finally:
        first.release()


async def test_health_and_metrics_are_served(telegram: FakeTelegramServer, tmp_path: Path) -> None:
    port = free_port()
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    bot = await Bot(
        environment(telegram, url, BOT_HTTP_PORT=str(port), BOT_LOG_FORMAT="json")
    ).start()
    try:
        await telegram.wait_for("getUpdates", timeout=30)
        telegram.message_update("/tracks", user_id=5)
        await telegram.wait_for("sendMessage", timeout=30)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                assert health.status == 200
                body = await health.json()
                assert body["checks"] == {"database": True, "telegram": True}
            async with http.get(f"http://127.0.0.1:{port}/metrics") as metrics:
                text = await metrics.text()
        assert 'bot_updates_total{platform="telegram"} 1.0' in text
        assert "bot_outbox_depth 0.0" in text
    finally:
        await bot.stop()
    lines = bot.stderr.decode().splitlines()
    assert lines and all(line.startswith("{") for line in lines), lines[:3]
    assert telegram.token not in bot.stderr.decode()


@needs_postgres
async def test_two_processes_deliver_one_broadcast_exactly_once(
    telegram: FakeTelegramServer, postgres_url: str
) -> None:
    await add_members(postgres_url, 600)
    database = Database(postgres_url)
    async with database.session() as session:
        now = datetime.now(UTC)
        session.add(
            Broadcast(
                text="Final in Changsha",
                audience="everyone",
                status="scheduled",
                author_platform="telegram",
                author_user_id="424",
                author_chat_id="424",
                created_at=now,
                scheduled_at=now,
            )
        )
    await database.close()

    bots = [await Bot(environment(telegram, postgres_url), "deliver").start() for _ in range(2)]
    try:
        await telegram.wait_for("sendMessage", count=601, timeout=120)  # + the summary
    finally:
        for bot in bots:
            await bot.stop()
    chats = [
        str(c["chat_id"])
        for c in telegram.calls_of("sendMessage")
        if c["text"] == "Final in Changsha"
    ]
    assert len(chats) == 600 and len(set(chats)) == 600


@needs_postgres
async def test_a_process_that_only_delivers_keeps_a_web_members_message_for_their_page(
    telegram: FakeTelegramServer, postgres_url: str
) -> None:
    from sqlalchemy import select

    from bot.messages import Button, Target
    from bot.outbox.direct import send_later
    from bot.storage.models import Delivery, WebMessage

    database = Database(postgres_url)
    now = datetime.now(UTC)
    async with database.session() as session:
        mei = Member(
            platform="web",
            platform_user_id="a1b2c3",
            private_chat_id="a1b2c3",
            reachable=True,
            first_seen=now,
            last_seen=now,
        )
        session.add(mei)
        await session.flush()
        answer = "An organizer answered your question (ticket #1): …"
        reply = (Button("Reply", "ticketreply:1"),)
        target = Target("web", "a1b2c3")
        await send_later(
            session,
            target,
            answer,
            now,
            kind="ticket",
            language="en",
            buttons=reply,
            member_id=mei.id,
        )
    # No HTTP port here: this process serves no page, yet it delivers to the web chat's members.
    bot = await Bot(environment(telegram, postgres_url), "deliver").start()
    try:
        async with asyncio.timeout(60):
            while True:
                async with database.session() as session:
                    status = await session.scalar(select(Delivery.status))
                if status not in ("queued", "sending"):
                    break
                await asyncio.sleep(0.2)
    finally:
        await bot.stop()
    async with database.session() as session:
        [kept] = (await session.scalars(select(WebMessage))).all()
    await database.close()
    assert status == "sent" and kept.text == answer and "ticketreply:1" in (kept.buttons or "")


@needs_postgres
async def test_the_scheduler_moves_to_another_process_when_its_process_dies(
    telegram: FakeTelegramServer, postgres_url: str, tmp_path: Path
) -> None:
    await add_members(postgres_url, 3, subscribe=True)
    due_in = timedelta(seconds=12)
    content = content_with(
        tmp_path,
        deadline_toml("submission", datetime.now(UTC) + timedelta(minutes=1) + due_in, '"1m"'),
    )
    env = environment(telegram, postgres_url, BOT_CONTENT_DIR=str(content))
    bots = [await Bot(env, "schedule", "deliver").start() for _ in range(2)]
    try:
        leader = await _wait_for_leader(postgres_url)
        victim = next(bot for bot in bots if bot.process and bot.process.pid == leader)
        await victim.stop(signal.SIGKILL)  # the process dies; its connection and lock go
        reminders = await telegram.wait_for(
            "sendMessage", count=3, timeout=60, predicate=lambda c: "作品提交截止" in c["text"]
        )
        await asyncio.sleep(1)
    finally:
        for bot in bots:
            await bot.stop()
    reminders = [c for c in telegram.calls_of("sendMessage") if "作品提交截止" in c["text"]]
    assert sorted(str(c["chat_id"]) for c in reminders) == ["1", "2", "3"]


async def test_a_process_that_only_schedules_follows_a_reload_and_moves_the_reminders(
    telegram: FakeTelegramServer, database_url: str, tmp_path: Path
) -> None:
    """An organizer's /reload reaches the answering process; the scheduling one, which answers
    nobody, follows it on its own and reschedules the moved deadline's reminder."""
    at = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
    later = at + timedelta(days=2)
    content = content_with(tmp_path, deadline_toml("submission", at, '"1d"'))
    env = environment(
        telegram,
        database_url,
        BOT_CONTENT_DIR=str(content),
        BOT_ORGANIZERS="telegram:42",
        BOT_FOLLOW_CHANGES_SECONDS="0.5",
    )
    scheduling = await Bot(env, "schedule").start()
    answering = await Bot(env, "receive").start()  # both start at once: start-up is slow
    try:
        await _wait_for_reminder(database_url, at - timedelta(days=1))
        await telegram.wait_for("getUpdates", timeout=30)
        toml = content / "contest.toml"
        toml.write_text(toml.read_text("utf-8").replace(at.isoformat(), later.isoformat()), "utf-8")
        telegram.message_update("/reload", user_id=42)
        [reloaded] = await telegram.wait_for("sendMessage", timeout=30)
        assert "Content checked" in reloaded["text"]
        await _wait_for_reminder(database_url, later - timedelta(days=1))
    finally:
        for bot in (answering, scheduling):
            assert await bot.stop() == 0, bot.stderr.decode()


async def _wait_for_reminder(url: str, due: datetime) -> None:
    """Until the stored reminder job of the submission deadline is due at `due`."""
    from sqlalchemy import create_engine, text

    from bot.reminders.scheduler import job_store_url

    engine = create_engine(job_store_url(url))

    def stored() -> float | None:
        with engine.connect() as connection:
            query = text("SELECT next_run_time FROM apscheduler_jobs WHERE id = :id")
            return connection.scalar(query, {"id": "reminder:submission:1d"})

    try:
        async with asyncio.timeout(30):
            while True:
                if await asyncio.to_thread(_quietly, stored) == due.timestamp():
                    return
                await asyncio.sleep(0.2)
    finally:
        engine.dispose()


def _quietly(read: Callable[[], float | None]) -> float | None:
    """The job store's table exists once the scheduler has started."""
    try:
        return read()
    except Exception:
        return None


@needs_postgres
async def test_a_database_restart_under_the_bot_is_survived(
    telegram: FakeTelegramServer, postgres_url: str
) -> None:
    bot = await Bot(environment(telegram, postgres_url)).start()
    try:
        await telegram.wait_for("getUpdates", timeout=30)
        telegram.message_update("/tracks", user_id=7)
        await telegram.wait_for("sendMessage", timeout=30)
        await _drop_connections(postgres_url)  # as a server restart does
        telegram.message_update("/help", user_id=7)
        sent = await telegram.wait_for("sendMessage", count=2, timeout=30)
        assert "/ask" in sent[1]["text"]
    finally:
        assert await bot.stop() == 0


async def _wait_for_leader(url: str) -> int:
    """The pid of the process holding the scheduler's advisory lock (from its connection name)."""
    target = make_url(url)
    connection = await asyncpg.connect(
        host=target.host, port=target.port or 5432, user=target.username, database=target.database
    )
    try:
        async with asyncio.timeout(30):
            while True:
                name = await connection.fetchval(
                    "SELECT a.application_name FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted"
                )
                if name:
                    return int(name.removeprefix("communitybot-"))
                await asyncio.sleep(0.2)
    finally:
        await connection.close()


async def _drop_connections(url: str) -> None:
    target = make_url(url)
    connection = await asyncpg.connect(
        host=target.host, port=target.port or 5432, user=target.username, database="postgres"
    )
    try:
        await connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            target.database,
        )
    finally:
        await connection.close()
