"""The delivery worker: claims due outbox rows, sends them through the platform, records outcomes.

Guarantees. A row is claimed (status "sending") before it is sent and its outcome is committed
right after, one row at a time per worker. A worker that dies leaves its claimed rows
"sending"; after `lease` they are claimed again, so nothing is lost. The only row that can reach
a member twice is the one a worker was sending when it died (sent by the platform, outcome not
yet committed): at most one message per worker. Rows are claimed with
`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so any number of workers never share a row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, exists, or_, select, update

from bot.clock import Clock
from bot.i18n import Translator, normalize_language
from bot.messages import Button, Reply, SendResult, SendStatus, Target
from bot.outbox.broadcasts import OPEN_STATUSES, BroadcastRepository, enqueue_broadcast
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


class DeliveryWorker:
    def __init__(
        self,
        database: Database,
        senders: Mapping[str, SendFunction],
        limiters: Mapping[str, PlatformLimiter],
        clock: Clock,
        *,
        batch: int = 20,
        lease: timedelta = timedelta(minutes=2),
        retry: RetryPolicy | None = None,
        idle_wait: float = 0.5,
    ) -> None:
        self.database = database
        self.senders = senders
        self.limiters = limiters
        self.clock = clock
        self.batch = batch
        self.lease = lease
        self.retry = retry or RetryPolicy()
        self.idle_wait = idle_wait
        self.name = f"worker-{uuid.uuid4().hex[:8]}"
        self._texts: dict[int, tuple[str, str]] = {}  # broadcast id → (kind, text)

    async def run(self, stopping: asyncio.Event) -> None:
        """Deliver until `stopping` is set; the row in hand is finished first."""
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
        await self.start_due_broadcasts()
        claimed = await self._claim()
        for row in claimed:
            await self._deliver(row)
        return len(claimed)

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
        return sorted(rows, key=lambda row: row.id)

    async def _deliver(self, row: _Claimed) -> None:
        limiter = self.limiters.get(row.platform)
        if limiter is not None:
            pause = limiter.paused_for(self.clock.now())
            if pause > 0:  # the platform asked us to wait: put the row back
                await self._requeue(row, pause, count_attempt=False)
                return
            await limiter.acquire(row.chat_id, is_group=row.member_id is None)
        reply = await self._reply_for(row)
        try:
            result = await self.senders[row.platform](Target(row.platform, row.chat_id), reply)
        except Exception as error:  # an adapter must not raise, but a bug must not lose the row
            log.exception("send to %s:%s raised", row.platform, row.chat_id)
            result = SendResult.failed(f"{type(error).__name__}", retryable=True)
        await self._record(row, result)

    async def _reply_for(self, row: _Claimed) -> Reply:
        if row.broadcast_id not in self._texts:
            async with self.database.session() as session:
                broadcast = await session.get(Broadcast, row.broadcast_id)
                assert broadcast is not None
                self._texts[row.broadcast_id] = (broadcast.kind, broadcast.text)
        kind, text = self._texts[row.broadcast_id]
        if kind != "announcement" or row.member_id is None:
            return Reply(text)
        async with self.database.session() as session:
            member = await session.get(Member, row.member_id)
        language = "en"
        if member is not None:
            language = member.language or normalize_language(member.locale_hint, "en")
        label = Translator(language).gettext("Stop announcements")  # type: ignore[arg-type]
        return Reply(text, buttons=(Button(label, OPT_OUT_PAYLOAD),))

    async def _record(self, row: _Claimed, result: SendResult) -> None:
        now = self.clock.now()
        if result.status is SendStatus.RETRY_AFTER:
            seconds = result.retry_after or 1.0
            if (limiter := self.limiters.get(row.platform)) is not None:
                limiter.pause(now + timedelta(seconds=seconds))
            await self._requeue(row, seconds, count_attempt=False)
            return
        values: dict[str, object] = {"claimed_by": None, "error": result.error[:500] or None}
        if result.status is SendStatus.SENT:
            values |= {"status": "sent", "sent_at": now, "message_id": result.message_id}
        elif result.status is SendStatus.UNREACHABLE:
            values |= {"status": "unreachable"}
        elif result.retryable and row.attempts + 1 < self.retry.max_attempts:
            delay = self.retry.delay(row.attempts + 1)
            values |= {
                "status": "queued",
                "attempts": row.attempts + 1,
                "next_attempt_at": now + delay,
            }
        else:
            values |= {"status": "failed", "attempts": row.attempts + 1}
        async with self.database.session() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.id == row.id, Delivery.claimed_by == self.name)
                .values(**values)
            )
            if result.status is SendStatus.UNREACHABLE and row.member_id is not None:
                await session.execute(
                    update(Member).where(Member.id == row.member_id).values(reachable=False)
                )
        if values["status"] != "queued":
            await self._finish_if_complete(row.broadcast_id)

    async def _requeue(self, row: _Claimed, seconds: float, count_attempt: bool) -> None:
        now = self.clock.now()
        async with self.database.session() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.id == row.id, Delivery.claimed_by == self.name)
                .values(
                    status="queued",
                    claimed_by=None,
                    attempts=row.attempts + int(count_attempt),
                    next_attempt_at=now + timedelta(seconds=seconds),
                )
            )

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
            if broadcast.kind != "announcement":
                return
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
            report = Broadcast(
                kind="summary",
                text=summary,
                audience="author",
                status="queued",
                author_platform=broadcast.author_platform,
                author_user_id=broadcast.author_user_id,
                author_chat_id=broadcast.author_chat_id,
                author_language=broadcast.author_language,
                created_at=now,
                enqueued_at=now,
                total=1,
            )
            session.add(report)
            await session.flush()
            session.add(
                Delivery(
                    broadcast_id=report.id,
                    platform=broadcast.author_platform,
                    chat_id=broadcast.author_chat_id,
                    status="queued",
                    next_attempt_at=now,
                )
            )
