"""Handled platform updates: each update is answered once, even when the platform replays it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import aiosqlite
from sqlalchemy import bindparam, delete, exists, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Conversation, HandledUpdate, Member
from bot.storage.upserts import dialect_insert

# SQLAlchemy's statements as the sqlite3 driver takes them, for the claims' own connection.
_SQLITE3 = sqlite.dialect(paramstyle="named")

# Telegram keeps an unconfirmed update for 24 hours; remembering ids a little longer suffices.
REMEMBER_FOR = timedelta(days=2)


@dataclass(frozen=True)
class Claim:
    """An update taken for the first time, and whether its sender has an exchange waiting
    (None: not known, for an update without an id, which is not claimed)."""

    conversation_waiting: bool | None


class UpdateClaims:
    """Takes each platform update once, whichever process sees it: a replay gets None.

    The claim runs for every update, so its cost is most of a simple command's. On a SQLite
    file it has a connection of its own in autocommit mode: one trip to SQLite's thread,
    where the same statement in the handler's session took five (cursor, execute, fetch,
    close, commit). It then commits before the handler's work, so a handler must claim before
    it writes in its own session: a session holding the write lock would wait for the claim,
    which waits for the lock. Elsewhere (PostgreSQL, an in-memory SQLite that a second
    connection would not share) the claim is the session's first statement.
    """

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        own_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
        self._path = url.database if own_file else None
        self._uri = url.query.get("uri") == "true"  # "file:…?mode=…" names, as the pool reads them
        self._connection: aiosqlite.Connection | None = None
        self._opening = asyncio.Lock()

    @property
    def on_own_connection(self) -> bool:
        """Whether claims commit apart from the handler's session (a SQLite file)."""
        return self._path is not None

    async def claim(
        self, session: AsyncSession, platform: str, update_id: str, user_id: str, now: datetime
    ) -> Claim | None:
        """The claim the first time an update is seen, by any process; None for a replay.

        The same statement tells whether the sender has a half-finished exchange, which the
        core would otherwise read with a second statement for nearly every message.
        """
        values = {
            "platform": platform,
            "update_id": update_id,
            "handled_at": now,
            "user_id": user_id,
        }
        if self._path is None:
            statement = _claim_statement(session.bind.dialect.name)
            row = (await session.execute(statement, values)).first()
        else:
            connection = await self._own_connection()
            sql, parameters = _sqlite_claim(values)
            rows = await connection.execute_fetchall(sql, parameters)
            row = next(iter(rows), None)
        return None if row is None else Claim(conversation_waiting=bool(row[0]))

    async def _own_connection(self) -> aiosqlite.Connection:
        async with self._opening:
            if self._connection is None:
                assert self._path is not None
                # isolation_level=None: each statement commits itself (no BEGIN, no COMMIT).
                connection = aiosqlite.connect(self._path, isolation_level=None, uri=self._uri)
                # Like SQLAlchemy's own aiosqlite threads: a process that exits without closing
                # the database (a failure on the way out) must not wait for this one forever.
                connection._thread.daemon = True
                await connection
                # The pool's connections set the same (bot/storage/database.py); per connection.
                await connection.execute("PRAGMA synchronous=NORMAL")
                await connection.execute("PRAGMA busy_timeout=5000")
                self._connection = connection
            return self._connection

    async def release(self, platform: str, update_id: str) -> None:
        """Give back the claim of an update whose handling failed, so that the platform's
        replay of it is answered. A claim in the session was rolled back with it."""
        if self._path is None:
            return
        connection = await self._own_connection()
        await connection.execute(
            _sqlite_release_sql(), {"platform": platform, "update_id": update_id}
        )

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None


async def forget_old_updates(session: AsyncSession, now: datetime) -> int:
    statement = delete(HandledUpdate).where(HandledUpdate.handled_at < now - REMEMBER_FOR)
    return (await session.execute(statement)).rowcount or 0


@cache
def _claim_statement(dialect: str) -> Any:
    """The claim, built once per dialect: building a statement (and its cache key) costs more
    than SQLite takes to run it. On the table rather than the ORM class, which would add the
    ORM's bulk-insert bookkeeping to every update."""
    insert = dialect_insert(dialect)
    # One table per query level: RETURNING renders column names without their table.
    sender = (
        select(Member.id)
        .where(Member.platform == bindparam("platform"))
        .where(Member.platform_user_id == bindparam("user_id"))
        .scalar_subquery()
    )
    sender_waiting = exists().where(Conversation.member_id == sender)
    return (
        insert(HandledUpdate.__table__)
        .values(
            platform=bindparam("platform"),
            update_id=bindparam("update_id"),
            handled_at=bindparam("handled_at"),
        )
        .on_conflict_do_nothing(index_elements=["platform", "update_id"])
        .returning(sender_waiting)
    )


def _sqlite_claim(values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The claim's SQL and parameters for the sqlite3 driver, as SQLAlchemy would send them
    (the same statement, compiled once; the time stored in the column's format)."""
    sql, handled_at_to_column = _sqlite_claim_compiled()
    return sql, {**values, "handled_at": handled_at_to_column(values["handled_at"])}


@cache
def _sqlite_claim_compiled() -> tuple[str, Any]:
    sql = str(_claim_statement("sqlite").compile(dialect=_SQLITE3))
    column_type = HandledUpdate.__table__.c.handled_at.type
    return sql, column_type.dialect_impl(_SQLITE3).bind_processor(_SQLITE3)


@cache
def _sqlite_release_sql() -> str:
    table = HandledUpdate.__table__
    statement = delete(table).where(
        table.c.platform == bindparam("platform"), table.c.update_id == bindparam("update_id")
    )
    return str(statement.compile(dialect=_SQLITE3))
