"""The delivery worker: claims due outbox rows, sends them through the platform, records outcomes.

Guarantees. A row is claimed (status "sending") before it is sent and its outcome is committed
right after, one row at a time per worker. A worker that dies leaves its claimed rows
"sending": its process, restarted on the same host, queues them again at once (`instances.py`);
any other worker takes them once their lease ran out, which a live worker keeps renewing. So
nothing is lost and no row is sent twice while a live worker holds it. The only row that can
reach a member twice is the one a worker was sending when it died (sent by the platform, outcome
not yet committed): at most one message per worker. Rows are claimed with
`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so any number of workers never share a row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator, preferred_language
from bot.messages import Button, Reply, SendResult, SendStatus, Target
from bot.ops.metrics import DELIVERIES, SEND_SECONDS
from bot.outbox.broadcasts import OPEN_STATUSES, BroadcastRepository, enqueue_broadcast
from bot.outbox.direct import decode_buttons, send_later
from bot.outbox.instances import LEASE, DeliveryInstance
from bot.outbox.limits import PlatformLimiter
from bot.storage.database import Database
from bot.storage.models import Broadcast, Delivery, Member

log = logging.getLogger(__name__)
SendFunction = Callable[[Target, Reply], Awaitable[SendResult]]
OPT_OUT_PAYLOAD = "announcements:off"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 5
    first_delay: timedelta = timedelta(seconds=30)
    longest_delay: timedelta = timedelta(hours=1)

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff with jitter, so failed rows don't all come back at once."""
        seconds = self.first_delay.total_seconds() * 2 ** (attempts - 1)
        seconds = min(seconds, self.longest_delay.total_seconds())
        return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: int
    broadcast_id: int
    platform: str
    chat_id: str
    member_id: int | None
    attempts: int
    language: str = "en"  # the member's, for the opt-out button


_RECORD_OUTCOME = (
    update(Delivery)
    .where(Delivery.id == bindparam("row_id"), Delivery.claimed_by == bindparam("worker"))
    .values(
        status=bindparam("new_status"),
        attempts=bindparam("new_attempts"),
        next_attempt_at=bindparam("due", type_=Delivery.next_attempt_at.type),
        sent_at=bindparam("when_sent", type_=Delivery.sent_at.type),
        message_id=bindparam("platform_message_id"),
        error=bindparam("last_error"),
        claimed_by=None,
    )
)


class DeliveryWorker:
    def __init__(
        self,
        database: Database,
        senders: Mapping[str, SendFunction],
        limiters: Mapping[str, PlatformLimiter],
        clock: Clock,
        *,
        batch: int = 20,
        lease: timedelta = LEASE,
        retry: RetryPolicy | None = None,
        idle_wait: float = 0.5,
        instance: DeliveryInstance | None = None,
        number: int = 0,
    ) -> None:
        self.database = database
        self.senders = senders
        self.limiters = limiters
        self.clock = clock
        self.batch = batch
        self.lease = lease
        self.retry = retry or RetryPolicy()
        self.idle_wait = idle_wait
        # Without a place among the delivering processes (tests, benches): a name of its own.
        self.name = f"worker-{uuid.uuid4().hex[:8]}"
        self.instance, self.number = instance, number
        self._placed = instance is None
        # broadcast id → (kind, text, buttons)
        self._texts: dict[int, tuple[str, str, tuple[Button, ...]]] = {}

    async def run(self, stopping: asyncio.Event) -> None:
        """Deliver until `stopping` is set; the row in hand is finished first."""
        await self._take_place()
        if self.instance is not None:
            self.instance.keep_beating(stopping)
        while not stopping.is_set():
            try:
                done = await self.run_once()
            except Exception:
                log.exception("delivery round failed; retrying")
                done = 0
            if done == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), timeout=self.idle_wait)

    async def run_once(self) -> int:
        """Start due broadcasts, then claim and send one batch; returns rows handled."""
        await self._take_place()
        await self.start_due_broadcasts()
        claimed = await self._claim()
        for row in claimed:
            await self._deliver(row)
        for broadcast_id in sorted({row.broadcast_id for row in claimed}):
            await self._finish_if_complete(broadcast_id)
        return len(claimed)

    async def _take_place(self) -> None:
        """Join this process's place (once), which queues again the rows its previous
        incarnation held, and name the worker after it."""
        if not self._placed and self.instance is not None:
            await self.instance.join()
            self.name = self.instance.worker_name(self.number)
            self._placed = True

    async def start_due_broadcasts(self) -> None:
        now = self.clock.now()
        async with self.database.session() as session:
            due = await BroadcastRepository(session).claim_due(now)
        for broadcast_id in due:
            count = await enqueue_broadcast(self.database, broadcast_id, now)
            log.info("broadcast %s enqueued %s deliveries", broadcast_id, count)
            if count == 0:
                await self._finish_if_complete(broadcast_id)

    async def _claim(self) -> list[_Claimed]:
        now = self.clock.now()
        ready = [
            p
            for p in self.senders
            if p not in self.limiters or self.limiters[p].paused_for(now) == 0
        ]
        if not ready:
            return []
        due = or_(
            and_(Delivery.status == "queued", Delivery.next_attempt_at <= now),
            and_(Delivery.status == "sending", Delivery.claimed_at < now - self.lease),
        )
        candidates = (
            select(Delivery.id)
            .where(due, Delivery.platform.in_(ready))
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(self.batch)
            .with_for_update(skip_locked=True)
        )
        async with self.database.session() as session:
            result = await session.execute(
                update(Delivery)
                .where(Delivery.id.in_(candidates.scalar_subquery()))
                .values(status="sending", claimed_by=self.name, claimed_at=now)
                .returning(
                    Delivery.id,
                    Delivery.broadcast_id,
                    Delivery.platform,
                    Delivery.chat_id,
                    Delivery.member_id,
                    Delivery.attempts,
                )
                .execution_options(synchronize_session=False)
            )
            rows = [_Claimed(*row) for row in result.all()]
            languages = await self._languages(session, [r.member_id for r in rows if r.member_id])
        return sorted(
            (replace(row, language=languages.get(row.member_id or 0, "en")) for row in rows),
            key=lambda row: row.id,
        )

    async def _languages(self, session: AsyncSession, member_ids: list[int]) -> dict[int, str]:
        if not member_ids:
            return {}
        found = await session.execute(
            select(Member.id, Member.language, Member.text_language, Member.locale_hint).where(
                Member.id.in_(member_ids)
            )
        )
        return {
            member_id: preferred_language(language, written, hint, "en")
            for member_id, language, written, hint in found
        }

    async def _deliver(self, row: _Claimed) -> None:
        limiter = self.limiters.get(row.platform)
        if limiter is not None:
            pause = limiter.paused_for(self.clock.now())
            if pause > 0:  # the platform asked us to wait: put the row back
                await self._requeue(row, pause)
                return
            await limiter.acquire(row.chat_id, is_group=row.member_id is None)
        reply = await self._reply_for(row)
        started = time.perf_counter()
        try:
            target = Target(row.platform, row.chat_id, outbox_row=row.id)
            result = await self.senders[row.platform](target, reply)
        except Exception as error:  # an adapter must not raise, but a bug must not lose the row
            log.exception("send to %s:%s raised", row.platform, row.chat_id)
            result = SendResult.failed(f"{type(error).__name__}", retryable=True)
        SEND_SECONDS.labels(row.platform).observe(time.perf_counter() - started)
        DELIVERIES.labels(row.platform, result.status.value).inc()
        await self._record(row, result)

    async def _reply_for(self, row: _Claimed) -> Reply:
        if row.broadcast_id not in self._texts:
            async with self.database.session() as session:
                broadcast = await session.get(Broadcast, row.broadcast_id)
                assert broadcast is not None
                buttons = decode_buttons(broadcast.buttons)
                self._texts[row.broadcast_id] = (broadcast.kind, broadcast.text, buttons)
        kind, text, buttons = self._texts[row.broadcast_id]
        if kind != "announcement" or row.member_id is None:
            return Reply(text, buttons=buttons)
        label = Translator(row.language).gettext("Stop announcements")  # type: ignore[arg-type]
        return Reply(text, buttons=(Button(label, OPT_OUT_PAYLOAD),))

    async def _record(self, row: _Claimed, result: SendResult) -> None:
        now = self.clock.now()
        attempts, status, retry_at = row.attempts, "failed", now
        if result.status is SendStatus.RETRY_AFTER:
            seconds = result.retry_after or 1.0
            if (limiter := self.limiters.get(row.platform)) is not None:
                limiter.pause(now + timedelta(seconds=seconds))
            await self._requeue(row, seconds)
            return
        if result.status is SendStatus.SENT:
            status = "sent"
        elif result.status is SendStatus.UNREACHABLE:
            status = "unreachable"
        else:
            attempts += 1
            if result.retryable and attempts < self.retry.max_attempts:
                status, retry_at = "queued", now + self.retry.delay(attempts)
        await self._write_outcome(
            row,
            status,
            attempts,
            retry_at,
            result.error,
            sent_at=now if status == "sent" else None,
            message_id=result.message_id,
        )

    async def _requeue(self, row: _Claimed, seconds: float) -> None:
        """Put a claimed row back, due in `seconds` (a platform pause is not an attempt)."""
        retry_at = self.clock.now() + timedelta(seconds=seconds)
        await self._write_outcome(row, "queued", row.attempts, retry_at, "")

    async def _write_outcome(
        self,
        row: _Claimed,
        status: str,
        attempts: int,
        next_attempt_at: datetime,
        error: str,
        sent_at: datetime | None = None,
        message_id: str | None = None,
    ) -> None:
        # One short transaction per row, committed before the next send: this is what bounds
        # the duplicate window to the one row in flight. The statement is built once (cached).
        async with self.database.engine.begin() as connection:
            await connection.execute(
                _RECORD_OUTCOME,
                {
                    "row_id": row.id,
                    "worker": self.name,
                    "new_status": status,
                    "new_attempts": attempts,
                    "due": next_attempt_at,
                    "when_sent": sent_at,
                    "platform_message_id": message_id,
                    "last_error": error[:500] or None,
                },
            )
            if status == "unreachable" and row.member_id is not None:
                await connection.execute(
                    update(Member).where(Member.id == row.member_id).values(reachable=False)
                )
                # A remembered row would still say "reachable" and skip the write that marks
                # the member reachable again when they next write privately.
                self.database.recent_members.forget(row.member_id)

    async def _finish_if_complete(self, broadcast_id: int) -> None:
        """Mark a broadcast done when no row is left open, and tell its author (once)."""
        now = self.clock.now()
        open_rows = exists().where(
            Delivery.broadcast_id == broadcast_id, Delivery.status.in_(OPEN_STATUSES)
        )
        async with self.database.session() as session:
            result = await session.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id, Broadcast.status == "queued", ~open_rows)
                .values(status="done", finished_at=now)
            )
            if not result.rowcount:
                return
            broadcast = await session.get(Broadcast, broadcast_id)
            assert broadcast is not None
            if broadcast.kind != "announcement" or broadcast.author_platform == "dashboard":
                return  # the dashboard shows the counts itself
            counts = await BroadcastRepository(session).counts(broadcast_id)
            t = Translator(broadcast.author_language)  # type: ignore[arg-type]
            started = broadcast.enqueued_at or broadcast.created_at
            summary = t.gettext(
                "Announcement #{number} finished in {duration}: {sent} sent, {unreachable} "
                "unreachable, {failed} failed.",
                number=broadcast.id,
                duration=t.elapsed(now - started),
                sent=counts.sent,
                unreachable=counts.unreachable,
                failed=counts.failed,
            )
            author = Target(broadcast.author_platform, broadcast.author_chat_id)
            await send_later(
                session, author, summary, now, kind="summary", language=broadcast.author_language
            )
