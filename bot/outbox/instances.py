"""Which process holds which outbox rows, so that a restarted one resumes at once.

A delivering process takes a place named "<host>/<slot>" in `outbox_instances` and stamps its
workers' claims with it and with its incarnation ("<host>/<slot>/w0#<incarnation>"). While it
lives it renews a lease on its place and on every row it holds (a heartbeat every few seconds).

- A process that restarts on the same host takes its old place back: the previous holder's
  process is gone (its pid is not running, or is our own pid, as in a restarted container), so
  the rows it held are queued again at once. At most the messages it was sending at the crash
  can arrive twice, as before.
- A place whose holder is alive is never taken, and a live worker's rows never expire: they are
  taken by others only when their lease has run out (`LEASE`, no heartbeat for that long).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import timedelta
from itertools import count

from sqlalchemy import and_, update

from bot.clock import Clock
from bot.storage.database import Database
from bot.storage.models import Delivery, OutboxInstance
from bot.storage.upserts import upsert_insert

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=15)
BEATS_PER_LEASE = 3


def pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: running
        return True
    return True


class DeliveryInstance:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        *,
        lease: timedelta = LEASE,
        host: str | None = None,
        pid: int | None = None,
        running: Callable[[int], bool] = pid_running,
    ) -> None:
        self.database, self.clock, self.lease = database, clock, lease
        self.host = (host or socket.gethostname())[:100]
        self.pid = pid or os.getpid()
        self.incarnation = uuid.uuid4().hex[:12]
        self.place: str | None = None
        self._running = running
        self._joining = asyncio.Lock()
        self._beating: asyncio.Task[None] | None = None

    def worker_name(self, number: int) -> str:
        assert self.place is not None, "join first"
        return f"{self.place}/w{number}#{self.incarnation}"

    async def join(self) -> int:
        """Take a place (once per process); returns how many rows of its previous holder were
        queued again at once."""
        async with self._joining:
            if self.place is not None:
                return 0
            for slot in count():
                place = f"{self.host}/{slot}"
                taken = await self._take(place)
                if taken is not None:
                    self.place = place
                    return await self._requeue_previous(place) if taken else 0
        raise AssertionError("unreachable")

    async def _take(self, place: str) -> bool | None:
        """None: someone alive holds it. Else taken; True when a dead process of this host
        held it (its rows can be queued again now)."""
        now = self.clock.now()
        async with self.database.session() as session:
            insert = upsert_insert(session)
            fresh = await session.execute(
                insert(OutboxInstance)
                .values(
                    name=place,
                    host=self.host,
                    pid=self.pid,
                    incarnation=self.incarnation,
                    heartbeat_at=now,
                )
                .on_conflict_do_nothing(index_elements=["name"])
            )
            if fresh.rowcount:
                return False
            holder = await session.get(OutboxInstance, place)
            if holder is None:
                return None
            dead_here = holder.host == self.host and (
                holder.pid == self.pid or not self._running(holder.pid)
            )
            expired = holder.heartbeat_at < now - self.lease
            if not (dead_here or expired):
                return None
            claimed = await session.execute(
                update(OutboxInstance)
                .where(
                    OutboxInstance.name == place,
                    OutboxInstance.incarnation == holder.incarnation,
                )
                .values(pid=self.pid, incarnation=self.incarnation, heartbeat_at=now)
            )
            return True if claimed.rowcount else None  # another starter was quicker

    async def _requeue_previous(self, place: str) -> int:
        async with self.database.session() as session:
            result = await session.execute(
                update(Delivery)
                .where(
                    Delivery.status == "sending",
                    Delivery.claimed_by.like(f"{place}/%"),
                    Delivery.claimed_by.not_like(f"%#{self.incarnation}"),
                )
                .values(status="queued", claimed_by=None, next_attempt_at=self.clock.now())
                .execution_options(synchronize_session=False)
            )
        requeued = result.rowcount or 0
        if requeued:
            log.info("took %s back: %s rows it was sending are queued again", place, requeued)
        return requeued

    async def beat(self) -> None:
        """Renew the lease on this place and on every row its workers hold."""
        if self.place is None:
            return
        now = self.clock.now()
        async with self.database.session() as session:
            await session.execute(
                update(OutboxInstance)
                .where(
                    OutboxInstance.name == self.place,
                    OutboxInstance.incarnation == self.incarnation,
                )
                .values(heartbeat_at=now)
            )
            await session.execute(
                update(Delivery)
                .where(
                    and_(
                        Delivery.status == "sending",
                        Delivery.claimed_by.like(f"{self.place}/%#{self.incarnation}"),
                    )
                )
                .values(claimed_at=now)
                .execution_options(synchronize_session=False)
            )

    def keep_beating(self, stopping: asyncio.Event) -> None:
        """Start the heartbeat (once per process) until `stopping`."""
        if self._beating is None:
            self._beating = asyncio.create_task(self._beat_until(stopping))

    async def _beat_until(self, stopping: asyncio.Event) -> None:
        every = self.lease.total_seconds() / BEATS_PER_LEASE
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), every)
            try:
                await self.beat()
            except Exception:  # the next beat tries again; the lease allows for a few misses
                log.exception("renewing the outbox lease failed")
