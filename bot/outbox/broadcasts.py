"""Broadcasts: drafts, confirmation, scheduling, cancelling, and turning one into delivery rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox.audience import WEB_PANEL, channel_condition, member_condition
from bot.storage.database import Database
from bot.storage.erasure import erased_with_member
from bot.storage.models import AnnouncementChannel, Broadcast, Delivery, Member
from bot.storage.upserts import upsert_insert

# A delivery row holds the member's chat id and what they were sent.
erased_with_member("deliveries", Delivery)


ENQUEUE_BATCH = 10_000  # member ids per INSERT … SELECT, one transaction each
OPEN_STATUSES = ("queued", "sending")


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    queued: int = 0
    sent: int = 0
    unreachable: int = 0
    failed: int = 0
    cancelled: int = 0

    @property
    def open(self) -> int:
        return self.queued


class BroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, broadcast_id: int) -> Broadcast | None:
        return await self.session.get(Broadcast, broadcast_id)

    async def add(self, broadcast: Broadcast) -> Broadcast:
        self.session.add(broadcast)
        await self.session.flush()
        return broadcast

    async def shown_on_the_web(self, after: int = 0, limit: int = 10) -> list[Broadcast]:
        """Announcements to everyone or to the web that went out (or are going), newest first:
        what the web chat's panel, which anyone may open, shows. Those to one platform or to
        a stage of the contest (written privately to some members) are not shown there."""
        statement = (
            select(Broadcast)
            .where(
                Broadcast.kind == "announcement",
                Broadcast.audience.in_(WEB_PANEL),
                Broadcast.status.in_(("queued", "done")),
                Broadcast.id > after,
            )
            .order_by(Broadcast.id.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(statement))

    async def recent(self, limit: int = 10) -> list[Broadcast]:
        statement = (
            select(Broadcast)
            .where(Broadcast.kind == "announcement", Broadcast.status != "draft")
            .order_by(Broadcast.id.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(statement))

    async def counts(self, broadcast_id: int) -> DeliveryCounts:
        rows = await self.session.execute(
            select(Delivery.status, func.count())
            .where(Delivery.broadcast_id == broadcast_id)
            .group_by(Delivery.status)
        )
        found = {status: count for status, count in rows}
        return DeliveryCounts(
            queued=found.get("queued", 0) + found.get("sending", 0),
            sent=found.get("sent", 0),
            unreachable=found.get("unreachable", 0),
            failed=found.get("failed", 0),
            cancelled=found.get("cancelled", 0),
        )

    async def cancel(self, broadcast: Broadcast, now: datetime) -> int:
        """Stop a broadcast: a scheduled one never starts, a running one sends no more rows.

        Returns how many queued deliveries were stopped. A row already being sent finishes.
        """
        broadcast.status = "cancelled"
        broadcast.finished_at = now
        result = await self.session.execute(
            update(Delivery)
            .where(Delivery.broadcast_id == broadcast.id, Delivery.status == "queued")
            .values(status="cancelled")
        )
        return result.rowcount or 0

    async def claim_due(self, now: datetime) -> list[int]:
        """Scheduled broadcasts whose time has come, switched to queued (once, by one process)."""
        due = await self.session.scalars(
            select(Broadcast.id).where(
                Broadcast.status == "scheduled", Broadcast.scheduled_at <= now
            )
        )
        claimed = []
        for broadcast_id in due:
            result = await self.session.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id, Broadcast.status == "scheduled")
                .values(status="queued", enqueued_at=now)
            )
            if result.rowcount:
                claimed.append(broadcast_id)
        return claimed


async def enqueue_broadcast(database: Database, broadcast_id: int, now: datetime) -> int:
    """Write one delivery row per target of the broadcast's audience; returns how many.

    Rows are inserted with INSERT … SELECT in member-id batches, one transaction per batch, and
    are unique per broadcast and chat, so running this twice never doubles a message.
    """
    async with database.session() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is None:
            return 0
        audience = broadcast.audience
        highest = await session.scalar(select(func.max(Member.id))) or 0
    total = 0
    members = member_condition(audience)
    if members is not None:
        for start in range(0, highest + 1, ENQUEUE_BATCH):
            in_batch = Member.id.between(start, start + ENQUEUE_BATCH - 1)
            source = select(
                literal(broadcast_id),
                Member.platform,
                Member.private_chat_id,
                Member.id,
                literal("queued"),
                literal(0),
                literal(now, type_=Delivery.next_attempt_at.type),
            ).where(members, in_batch)
            total += await _insert_from(database, source)
    channels = channel_condition(audience)
    if channels is not None:
        source = select(
            literal(broadcast_id),
            AnnouncementChannel.platform,
            AnnouncementChannel.chat_id,
            literal(None),
            literal("queued"),
            literal(0),
            literal(now, type_=Delivery.next_attempt_at.type),
        ).where(channels)
        total += await _insert_from(database, source)
    async with database.session() as session:
        await session.execute(
            update(Broadcast).where(Broadcast.id == broadcast_id).values(total=total)
        )
    return total


async def _insert_from(database: Database, source: Select[tuple[object, ...]]) -> int:
    columns = [
        "broadcast_id",
        "platform",
        "chat_id",
        "member_id",
        "status",
        "attempts",
        "next_attempt_at",
    ]
    async with database.session() as session:
        upsert = upsert_insert(session)
        statement = (
            upsert(Delivery)
            .from_select(columns, source)
            .on_conflict_do_nothing(index_elements=["broadcast_id", "platform", "chat_id"])
        )
        result = await session.execute(statement)
        return result.rowcount or 0
