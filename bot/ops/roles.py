"""Process roles and who may play them: several processes share one PostgreSQL database.

- receive: the platform adapters take updates (Telegram by webhook in every process; Discord by
  its shards).
- deliver: outbox workers; any number of processes, each row claimed by one (SKIP LOCKED).
- schedule: the reminder scheduler, in exactly one process at a time, elected with a PostgreSQL
  advisory lock held on a dedicated connection. When that process dies its connection closes,
  the lock is free, and another process with the role takes over within `TAKEOVER_SECONDS`.

SQLite cannot share its work between processes: there, a second process that would schedule or
deliver is refused at start with a clear message (a lock file beside the database).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
from collections.abc import Awaitable, Callable
from enum import StrEnum
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.storage.database import Database

log = logging.getLogger(__name__)
TAKEOVER_SECONDS = 2.0
SCHEDULER_LOCK_KEY = 0x636F6D6D  # "comm": any constant shared by every process of this bot


class Role(StrEnum):
    RECEIVE = "receive"
    SCHEDULE = "schedule"
    DELIVER = "deliver"


ALL_ROLES = frozenset(Role)


class RoleError(Exception):
    """A role can't be played here; the message says why and what to do."""


def parse_roles(raw: str) -> frozenset[Role]:
    names = [name.strip().lower() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if name not in {role.value for role in Role}]
    if unknown or not names:
        raise RoleError(
            f"--roles takes receive, schedule and deliver (comma-separated); got {raw!r}"
        )
    return frozenset(Role(name) for name in names)


class SqliteProcessLock:
    """On SQLite, one process schedules and delivers; a second one is refused, not ignored."""

    def __init__(self, database_url: str) -> None:
        database = make_url(database_url).database or ""
        self.path = Path(f"{database}.process.lock") if database not in ("", ":memory:") else None
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise RoleError(
                f"another communitybot process already schedules and delivers on this SQLite "
                f"database ({self.path.with_suffix('')}). Several processes need PostgreSQL "
                f"(BOT_DATABASE_URL=postgresql+asyncpg://…); or run this one with --roles receive."
            ) from None
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


async def lead_scheduling(
    database: Database,
    start: Callable[[], Awaitable[object]],
    stop: Callable[[], object],
    stopping: asyncio.Event,
) -> None:
    """Run `start` while this process holds the scheduler lock; `stop` when it ends or is lost.

    PostgreSQL only: the lock belongs to one connection, kept open (and pinged) while leading.
    """
    while not stopping.is_set():
        try:
            async with database.engine.connect() as connection:
                elected = await connection.scalar(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": SCHEDULER_LOCK_KEY}
                )
                if elected:
                    log.info("this process now runs the reminder scheduler")
                    await start()
                    try:
                        while not stopping.is_set():
                            await connection.execute(text("SELECT 1"))  # fails if the lock is gone
                            await _pause(stopping, TAKEOVER_SECONDS)
                    finally:
                        stop()
                        log.info("this process no longer runs the reminder scheduler")
                    await connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEDULER_LOCK_KEY}
                    )
                    return
        except Exception as error:  # the database went away: try again, elect anew
            log.warning("scheduler election: %s; retrying", type(error).__name__)
        await _pause(stopping, TAKEOVER_SECONDS)


async def _pause(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
