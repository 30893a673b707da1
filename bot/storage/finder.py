"""The teammate finder: members' profiles and the introductions relayed between them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.erasure import erased_with_member
from bot.storage.models import ContactRequest, Member, Team, TeammateProfile, TeamMembership

erased_with_member("teammate profiles", TeammateProfile)
erased_with_member("contact requests", ContactRequest, "requester_id", "recipient_id")

PENDING, ACCEPTED, DECLINED, BLOCKED = "pending", "accepted", "declined", "blocked"


class ProfileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, member_id: int) -> TeammateProfile | None:
        return await self.session.get(TeammateProfile, member_id)

    async def get_or_new(self, member_id: int, now: datetime) -> TeammateProfile:
        profile = await self.get(member_id)
        if profile is None:
            profile = TeammateProfile(
                member_id=member_id,
                skills="",
                other_skills="",
                languages="",
                role="",
                visible=False,
                updated_at=now,
            )
            self.session.add(profile)
        return profile

    async def matching(
        self, track: str | None, skill: str | None, typed_skill: str | None, exclude: int
    ) -> list[tuple[Member, TeammateProfile]]:
        """Visible profiles of members in no team, for `track` (or open to any track), with
        the skill tag or the typed words; newest first."""
        query = (
            select(Member, TeammateProfile)
            .join(TeammateProfile, TeammateProfile.member_id == Member.id)
            .where(
                TeammateProfile.visible.is_(True),
                Member.id != exclude,
                Member.id.not_in(select(TeamMembership.member_id)),
            )
            .order_by(TeammateProfile.updated_at.desc(), Member.id)
        )
        if track is not None:
            query = query.where(
                or_(TeammateProfile.track == track, TeammateProfile.track.is_(None))
            )
        rows = [(member, profile) for member, profile in await self.session.execute(query)]
        if skill is not None or typed_skill is not None:
            rows = [row for row in rows if _has_skill(row[1], skill, typed_skill)]
        return rows


def _has_skill(profile: TeammateProfile, skill: str | None, typed: str | None) -> bool:
    keys = profile.skills.split(",") if profile.skills else []
    if skill is not None and skill in keys:
        return True
    return typed is not None and typed.casefold() in profile.other_skills.casefold()


async def open_teams(
    session: AsyncSession, track: str | None, max_size: int | None, exclude_member: int
) -> list[tuple[Team, int]]:
    """Teams of `track` (all teams if None) with room for one more, and their sizes."""
    sizes = (
        select(TeamMembership.team_id, func.count().label("size"))
        .group_by(TeamMembership.team_id)
        .subquery()
    )
    query = (
        select(Team, sizes.c.size)
        .join(sizes, sizes.c.team_id == Team.id)
        .where(
            Team.id.not_in(
                select(TeamMembership.team_id).where(TeamMembership.member_id == exclude_member)
            )
        )
        .order_by(Team.created_at.desc(), Team.id)
    )
    if track is not None:
        query = query.where(Team.track == track)
    if max_size is not None:
        query = query.where(sizes.c.size < max_size)
    return [(team, size) for team, size in await session.execute(query)]


class ContactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, request_id: int) -> ContactRequest | None:
        return await self.session.get(ContactRequest, request_id)

    async def sent_since(self, requester_id: int, since: datetime) -> int:
        return (
            await self.session.scalar(
                select(func.count())
                .select_from(ContactRequest)
                .where(
                    ContactRequest.requester_id == requester_id,
                    ContactRequest.created_at >= since,
                )
            )
            or 0
        )

    async def between(self, requester_id: int, recipient_id: int) -> Sequence[ContactRequest]:
        rows = await self.session.scalars(
            select(ContactRequest).where(
                ContactRequest.requester_id == requester_id,
                ContactRequest.recipient_id == recipient_id,
            )
        )
        return list(rows)

    async def ask(
        self, requester_id: int, recipient_id: int, team_id: int | None, now: datetime
    ) -> ContactRequest:
        request = ContactRequest(
            requester_id=requester_id,
            recipient_id=recipient_id,
            team_id=team_id,
            status=PENDING,
            created_at=now,
        )
        self.session.add(request)
        await self.session.flush()
        return request


DAY = timedelta(days=1)
