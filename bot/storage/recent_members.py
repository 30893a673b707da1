"""Members who wrote a moment ago, kept in memory so that their next message needs no write.

Every update used to upsert its member (name, locale, handle, last_seen) before anything else:
a write, in the same transaction as the replay claim, for each message. Most messages come
from someone who has just written, with nothing changed, so for a short while a snapshot of
their row stands in for it.

What the snapshot trades: a change another process makes to a member (a /lang typed to a
second process behind a load balancer) is seen here only when the snapshot expires, after
`KEEP_FOR` at most. Changes this process makes are kept (the snapshot is taken again after each
update), and the few writes that bypass the member's row object (erasure, a send that finds the
member gone) call `forget`. `last_seen` is written for remembered members in batches, once a
minute: a crash loses at most that minute of "last seen" times, which nothing answers from.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from cachetools import TTLCache
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from bot.clock import Clock, SystemClock
from bot.storage.models import Member

KEEP_FOR = timedelta(seconds=20)
MOST_MEMBERS = 20_000  # about 10 MB of snapshots at most
LAST_SEEN_EVERY = timedelta(minutes=1)

_COLUMNS = tuple(column.key for column in Member.__table__.columns)


@dataclass(frozen=True)
class Seen:
    """What an update says about its sender; a snapshot stands in only if all of it matches."""

    platform: str
    user_id: str
    display_name: str
    locale_hint: str | None
    handle: str | None
    # Set for a private chat: the snapshot must already record it as the reachable chat.
    private_chat_id: str | None


@dataclass(frozen=True)
class Snapshot:
    """A member row as it was read from the database, and when (by the snapshots' timer)."""

    values: dict[str, Any]
    read_at: float


class RecentMembers:
    """Snapshots of member rows, by (platform, user id), for `KEEP_FOR` after they were read."""

    def __init__(self, keep_for: timedelta = KEEP_FOR) -> None:
        self._keep_for = keep_for.total_seconds()
        self._timer: Callable[[], float] = time.monotonic
        self._snapshots: TTLCache[tuple[str, str], Snapshot] = self._cache()
        self._keys: TTLCache[int, tuple[str, str]] = self._cache()  # member id → snapshot key
        self._last_seen: dict[int, datetime] = {}
        self._last_seen_written: datetime | None = None
        # Bumped by every `forget`: an update that began before it must not remember its member.
        self.generation = 0

    def keep_time_by(self, clock: Clock) -> None:
        """Expire snapshots by this clock (a test's manual clock); the system clock's wall time
        may jump, so it keeps monotonic time."""
        self._timer = time.monotonic if isinstance(clock, SystemClock) else _seconds_of(clock)
        self._snapshots, self._keys = self._cache(), self._cache()

    def _cache(self) -> TTLCache[Any, Any]:
        # The TTL bounds memory; `recall` expires a snapshot by when its row was read.
        return TTLCache(maxsize=MOST_MEMBERS, ttl=self._keep_for, timer=self._timer)

    def now(self) -> float:
        return self._timer()

    def recall(self, seen: Seen) -> tuple[Member, Snapshot] | None:
        """The member as a row object (detached, unchanged) with its snapshot, or None when the
        row must be read: none kept, read too long ago, or the update says something changed."""
        snapshot = self._snapshots.get((seen.platform, seen.user_id))
        if snapshot is None or self.now() - snapshot.read_at > self._keep_for:
            return None
        if not _matches(snapshot.values, seen):
            return None
        member = Member(**snapshot.values)
        # As if just loaded: attaching it to a session reads and writes nothing.
        make_transient_to_detached(member)
        return member, snapshot

    def remember(self, member: Member, generation: int, read_at: float) -> None:
        """Keep the row as it stands after a committed update, read (or last read) at
        `read_at`; not if a forget came meanwhile, nor over a snapshot read later."""
        if generation != self.generation:
            return
        key = (member.platform, member.platform_user_id)
        kept = self._snapshots.get(key)
        if kept is not None and kept.read_at > read_at:
            return
        self._snapshots[key] = Snapshot(row_values(member), read_at)
        self._keys[member.id] = key

    def forget(self, member_id: int | None = None) -> None:
        """A member row changed behind the row objects' back: read it (None: every one) afresh."""
        if member_id is None:
            self._snapshots.clear()
            self._keys.clear()
        elif (key := self._keys.pop(member_id, None)) is not None:
            self._snapshots.pop(key, None)
        self.generation += 1

    def note_seen(self, member_id: int, when: datetime) -> None:
        self._last_seen[member_id] = when

    def last_seen_due(self, now: datetime) -> dict[int, datetime]:
        """The batched `last_seen` times to write now (once per `LAST_SEEN_EVERY`), taken out."""
        if self._last_seen_written is None:
            self._last_seen_written = now
        if not self._last_seen or now - self._last_seen_written < LAST_SEEN_EVERY:
            return {}
        due, self._last_seen = self._last_seen, {}
        self._last_seen_written = now
        return due


def row_values(member: Member) -> dict[str, Any]:
    """Every column of the member's row, as the object holds it."""
    return {key: getattr(member, key) for key in _COLUMNS}


def _seconds_of(clock: Clock) -> Callable[[], float]:
    return lambda: clock.now().timestamp()


def _matches(values: dict[str, Any], seen: Seen) -> bool:
    if (values["display_name"], values["locale_hint"], values["handle"]) != (
        seen.display_name,
        seen.locale_hint,
        seen.handle,
    ):
        return False
    if seen.private_chat_id is None:
        return True
    return values["private_chat_id"] == seen.private_chat_id and bool(values["reachable"])


_BY_ENGINE: WeakKeyDictionary[Engine, RecentMembers] = WeakKeyDictionary()


def recent_members_of(bound: AsyncEngine | AsyncSession | AsyncConnection) -> RecentMembers:
    """The snapshots of the database this engine, session or connection belongs to, so code
    that changes member rows with a statement can `forget` without being handed the cache."""
    engine = bound if isinstance(bound, AsyncEngine) else bound.bind
    if not isinstance(engine, AsyncEngine):  # a session bound to a connection
        engine = engine.engine
    sync_engine = engine.sync_engine
    if sync_engine not in _BY_ENGINE:
        _BY_ENGINE[sync_engine] = RecentMembers()
    return _BY_ENGINE[sync_engine]
