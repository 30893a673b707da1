"""Teams: who is in which, who leads, and the invite codes that let others join."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.erasure import before_erasure, erased_with_member
from bot.storage.models import Member, Registration, Team, TeamMembership

# Letters and digits that cannot be mistaken for one another when read aloud or copied by hand.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6

erased_with_member("team memberships", TeamMembership)


@dataclass(frozen=True, slots=True)
class Roster:
    """A team and its members, captain first, then by when they joined."""

    team: Team
    members: list[tuple[Member, TeamMembership]]

    @property
    def captain(self) -> Member | None:
        return next((m for m, place in self.members if place.captain), None)

    def has(self, member_id: int) -> bool:
        return any(m.id == member_id for m, _ in self.members)


class TeamRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, name: str, captain_id: int, now: datetime) -> Team:
        team = Team(name=name, invite_code=await self._new_code(), created_at=now)
        self.session.add(team)
        await self.session.flush()
        self.session.add(
            TeamMembership(team_id=team.id, member_id=captain_id, captain=True, joined_at=now)
        )
        await self.session.flush()
        return team

    async def by_code(self, code: str) -> Team | None:
        cleaned = code.strip().upper().replace("-", "").replace(" ", "")
        return await self.session.scalar(select(Team).where(Team.invite_code == cleaned))

    async def of_member(self, member_id: int) -> Roster | None:
        team_id = await self.session.scalar(
            select(TeamMembership.team_id).where(TeamMembership.member_id == member_id)
        )
        return await self.roster(team_id) if team_id is not None else None

    async def roster(self, team_id: int) -> Roster | None:
        team = await self.session.get(Team, team_id)
        if team is None:
            return None
        rows = await self.session.execute(
            select(Member, TeamMembership)
            .join(TeamMembership, TeamMembership.member_id == Member.id)
            .where(TeamMembership.team_id == team_id)
            .order_by(TeamMembership.captain.desc(), TeamMembership.joined_at, TeamMembership.id)
        )
        return Roster(team, [(member, place) for member, place in rows])

    async def join(self, team: Team, member_id: int, now: datetime) -> None:
        self.session.add(
            TeamMembership(team_id=team.id, member_id=member_id, captain=False, joined_at=now)
        )
        await self.session.flush()

    async def leave(self, roster: Roster, member_id: int) -> Member | None:
        """Take the member out; a leaving captain hands the team to the next member, and the
        last one to leave dissolves it. Returns the new captain, if the captaincy moved."""
        place = next(p for m, p in roster.members if m.id == member_id)
        await self.session.delete(place)
        await self.session.flush()  # before the team: the ORM does not know one holds the other
        others = [(m, p) for m, p in roster.members if m.id != member_id]
        if not others:
            await self.session.delete(roster.team)
            await self.session.flush()
            return None
        successor = None
        if place.captain:
            successor, successor_place = others[0]
            successor_place.captain = True
        await self.session.flush()
        return successor

    async def hand_over(self, roster: Roster, new_captain_id: int) -> None:
        for member, place in roster.members:
            place.captain = member.id == new_captain_id
        await self.session.flush()

    async def all_rosters(self) -> list[Roster]:
        team_ids = await self.session.scalars(select(Team.id).order_by(Team.id))
        return [roster for team_id in team_ids if (roster := await self.roster(team_id))]

    async def solo_registrants(self) -> list[tuple[str, int]]:
        """(track, members registered for it who are in no team)."""
        in_a_team = select(TeamMembership.member_id)
        rows = await self.session.execute(
            select(Registration.track, func.count())
            .where(Registration.member_id.not_in(in_a_team))
            .group_by(Registration.track)
        )
        return [(track, count) for track, count in rows]

    async def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if await self.session.scalar(select(Team.id).where(Team.invite_code == code)) is None:
                return code


async def _leave_team_before_erasure(session: AsyncSession, member: Member) -> None:
    """A captain who asks to be forgotten hands the team on first (or dissolves it, alone)."""
    repository = TeamRepository(session)
    roster = await repository.of_member(member.id)
    if roster is not None:
        await repository.leave(roster, member.id)


before_erasure(_leave_team_before_erasure)
