"""Registrations of interest and reminder subscriptions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.erasure import erased_with_member
from bot.storage.models import Member, Registration, Subscription

erased_with_member("registrations", Registration)
erased_with_member("subscriptions", Subscription)


class RegistrationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_member(self, member_id: int) -> list[Registration]:
        statement = (
            select(Registration)
            .where(Registration.member_id == member_id)
            .order_by(Registration.id)
        )
        return list(await self.session.scalars(statement))

    async def find(self, member_id: int, track: str) -> Registration | None:
        return await self.session.scalar(
            select(Registration).where(
                Registration.member_id == member_id, Registration.track == track
            )
        )

    async def add(self, member_id: int, track: str, now: datetime) -> Registration:
        registration = Registration(member_id=member_id, track=track, created_at=now)
        self.session.add(registration)
        await self.session.flush()
        return registration

    async def withdraw(self, member_id: int, track: str) -> bool:
        result = await self.session.execute(
            delete(Registration).where(
                Registration.member_id == member_id, Registration.track == track
            )
        )
        return bool(result.rowcount)

    async def counts(self) -> list[tuple[str, str, int]]:
        """(track, platform, registrations)."""
        rows = await self.session.execute(
            select(Registration.track, Member.platform, func.count())
            .join(Member, Member.id == Registration.member_id)
            .group_by(Registration.track, Member.platform)
            .order_by(Registration.track, Member.platform)
        )
        return [(track, platform, count) for track, platform, count in rows]

    async def export_rows(self) -> AsyncIterator[tuple[Member, Registration]]:
        statement = (
            select(Member, Registration)
            .join(Registration, Registration.member_id == Member.id)
            .order_by(Registration.created_at, Registration.id)
        )
        for member, registration in await self.session.execute(statement):
            yield member, registration


class SubscriptionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def topics(self, member_id: int) -> list[str]:
        statement = select(Subscription.topic).where(Subscription.member_id == member_id)
        return sorted(await self.session.scalars(statement))

    async def add(self, member_id: int, topic: str, now: datetime) -> bool:
        """False when the member already had it."""
        if topic in await self.topics(member_id):
            return False
        self.session.add(Subscription(member_id=member_id, topic=topic, created_at=now))
        return True

    async def remove(self, member_id: int, topic: str | None = None) -> int:
        statement = delete(Subscription).where(Subscription.member_id == member_id)
        if topic is not None:
            statement = statement.where(Subscription.topic == topic)
        return (await self.session.execute(statement)).rowcount or 0

    async def counts(self) -> list[tuple[str, int]]:
        rows = await self.session.execute(
            select(Subscription.topic, func.count())
            .group_by(Subscription.topic)
            .order_by(Subscription.topic)
        )
        return [(topic, count) for topic, count in rows]
