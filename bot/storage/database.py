"""The async engine and sessions, and applying migrations."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.config import PROJECT_ROOT
from bot.storage.recent_members import recent_members_of
from bot.storage.updates import UpdateClaims

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


class Database:
    """One engine and its session factory; `session()` is a unit of work that commits."""

    def __init__(self, url: str) -> None:
        _ensure_sqlite_folder(url)
        self.url = url
        # Every session and connection ends its own transaction (commit, or rollback when it
        # closes without one), so the pool's extra ROLLBACK on return would only cost a round
        # trip per unit of work. PostgreSQL connections are pinged before use (a restarted or
        # failed-over server); a SQLite file cannot drop its connection.
        options: dict[str, object] = {"pool_reset_on_return": None, "pool_pre_ping": True}
        if make_url(url).get_backend_name() == "sqlite":
            options["pool_pre_ping"] = False
        if make_url(url).get_backend_name() == "postgresql":
            # Names each process's connections in pg_stat_activity (operators, failover tests).
            name = f"communitybot-{os.getpid()}"
            options["connect_args"] = {"server_settings": {"application_name": name}}
        # hide_parameters: a failed statement's error (and so the log) must not carry members'
        # text, which the bound parameters are.
        self.engine: AsyncEngine = create_async_engine(url, hide_parameters=True, **options)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.recent_members = recent_members_of(self.engine)
        self.update_claims = UpdateClaims(url)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, session.begin():
            yield session

    async def upgrade(self) -> None:
        """Apply every Alembic migration not yet applied (idempotent). A database already at
        the newest revision is left alone without loading Alembic (some 11 MB a process keeps)."""
        async with self.engine.begin() as connection:
            if await connection.run_sync(_current_revision) == head_revision():
                return
            await connection.run_sync(_upgrade_on)

    async def close(self) -> None:
        await self.update_claims.close()
        await self.engine.dispose()


def _upgrade_on(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _current_revision(connection: Connection) -> str | None:
    if not connection.dialect.has_table(connection, "alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


_REVISION = re.compile(r'^revision: str = "([^"]+)"', re.M)
_DOWN_REVISION = re.compile(r'^down_revision: str \| None = "([^"]+)"', re.M)


@cache
def head_revision() -> str | None:
    """The newest migration: the one no other migration revises."""
    revisions, revised = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revisions.update(_REVISION.findall(source))
        revised.update(_DOWN_REVISION.findall(source))
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def _ensure_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets the delivery worker write while a handler reads; a busy timeout instead of
    # "database is locked" errors when two writers meet. synchronous=NORMAL is SQLite's advice
    # for WAL: no corruption on a crash, and a power cut may lose only the last commits.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
