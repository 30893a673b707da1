"""Who an announcement reaches: members who can and want to be written to, and marked channels.

Audiences are strings so they can be stored with the broadcast: "everyone", "channels",
"platform:telegram", "platform:discord", "platform:web" (only the web chat's announcements
panel, which anyone may open: nobody is written to), and the contest stages, by private
message only:

    track:<key>       registered for the track (alone, or in a team registered for it)
    solo              registered for a track, in no team
    smallteams:<n>    in a team of fewer than n members
    subscribers       subscribed to deadline reminders
    unregistered      no registration and no team

A stage takes a platform after "@": "solo@discord" is the solo registrants on Discord.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import WEB
from bot.storage.models import (
    AnnouncementChannel,
    Member,
    Registration,
    Subscription,
    Team,
    TeamMembership,
)

EVERYONE = "everyone"
CHANNELS = "channels"
PLATFORMS = ("telegram", "discord")
# The web chat shows "everyone" and "platform:web" announcements on its public panel and its
# members get none as a message, so no member or channel is ever a delivery of "platform:web".
WEB_PANEL = (EVERYONE, f"platform:{WEB}")
# Platforms where a member who never said either way gets announcements by DM. Discord is not
# one: bots that DM many members quickly get quarantined, so there it is channels plus opt-ins.
# (The console chat is a local try-out, never an announcement audience.)
DM_BY_DEFAULT = {"telegram"}


SOLO, SMALL_TEAMS, SUBSCRIBERS, UNREGISTERED, TRACK = (
    "solo",
    "smallteams",
    "subscribers",
    "unregistered",
    "track",
)
STAGES = (TRACK, SOLO, SMALL_TEAMS, SUBSCRIBERS, UNREGISTERED)


def split(audience: str) -> tuple[str, str, str | None]:
    """ "smallteams:3@discord" → ("smallteams", "3", "discord")."""
    body, _, platform = audience.partition("@")
    kind, _, value = body.partition(":")
    return kind, value, platform or None


def is_valid(audience: str, track_keys: Iterable[str] = ()) -> bool:
    if audience in (EVERYONE, CHANNELS):
        return True
    kind, value, platform = split(audience)
    if platform is not None and (platform not in PLATFORMS or kind not in STAGES):
        return False
    if kind == "platform":
        return value in (*PLATFORMS, WEB) and platform is None
    if kind == TRACK:
        return value in track_keys
    if kind == SMALL_TEAMS:
        return value.isdigit() and 2 <= int(value) <= 100
    return kind in (SOLO, SUBSCRIBERS, UNREGISTERED) and value == ""


def is_stage(audience: str) -> bool:
    return split(audience)[0] in STAGES


def _platform(audience: str) -> str | None:
    kind, value, platform = split(audience)
    return value if kind == "platform" else platform


def _stage_members(kind: str, value: str) -> ColumnElement[bool]:
    """The members in a contest stage (see the module's docstring)."""
    in_a_team = select(TeamMembership.member_id)
    registered = select(Registration.member_id)
    if kind == TRACK:
        team_of_track = (
            select(TeamMembership.member_id)
            .join(Team, Team.id == TeamMembership.team_id)
            .where(Team.track == value, Team.registered_at.is_not(None))
        )
        return or_(
            Member.id.in_(registered.where(Registration.track == value)),
            Member.id.in_(team_of_track),
        )
    if kind == SOLO:
        return and_(Member.id.in_(registered), Member.id.not_in(in_a_team))
    if kind == SMALL_TEAMS:
        small = (
            select(TeamMembership.team_id)
            .group_by(TeamMembership.team_id)
            .having(func.count() < int(value))
        )
        return Member.id.in_(in_a_team.where(TeamMembership.team_id.in_(small)))
    if kind == SUBSCRIBERS:
        return Member.id.in_(
            select(Subscription.member_id).where(Subscription.topic != "announcements")
        )
    return and_(Member.id.not_in(registered), Member.id.not_in(in_a_team))  # unregistered


def member_condition(audience: str) -> ColumnElement[bool] | None:
    """SQL condition for the members an audience reaches by private message (None: no members)."""
    if audience == CHANNELS or _platform(audience) == WEB:
        return None
    reachable = and_(
        Member.reachable.is_(True),
        Member.private_chat_id.is_not(None),
        Member.platform.in_(PLATFORMS),
    )
    wants = or_(
        Member.wants_announcements.is_(True),
        and_(Member.wants_announcements.is_(None), Member.platform.in_(DM_BY_DEFAULT)),
    )
    kind, value, _ = split(audience)
    if kind in STAGES:
        # Members in a stage of the contest asked to take part, so messages about it reach
        # them on Discord too; only an explicit opt-out stops it. Those with no registration
        # did not, so for them the usual rule holds.
        engaged = wants if kind == UNREGISTERED else Member.wants_announcements.is_not(False)
        condition = and_(reachable, engaged, _stage_members(kind, value))
    else:
        condition = and_(reachable, wants)
    platform = _platform(audience)
    return condition if platform is None else and_(condition, Member.platform == platform)


def offered(track_keys: Iterable[str], small_team_size: int) -> list[str]:
    """The audiences an organizer picks from (stages without a platform; see `narrowed`)."""
    return [
        EVERYONE,
        *(f"platform:{p}" for p in PLATFORMS),
        f"platform:{WEB}",
        CHANNELS,
        *(f"{TRACK}:{key}" for key in track_keys),
        SOLO,
        f"{SMALL_TEAMS}:{small_team_size}",
        SUBSCRIBERS,
        UNREGISTERED,
    ]


def narrowed(audience: str) -> list[str]:
    """The same stage on one platform, or on all: "solo" → "solo@telegram", "solo@discord"."""
    if not is_stage(audience):
        return []
    body = audience.partition("@")[0]
    return [a for a in (*(f"{body}@{p}" for p in PLATFORMS), body) if a != audience]


def resized(audience: str, sizes: Iterable[int]) -> list[str]:
    """Teams below each of `sizes`, on the same platform: "smallteams:3@discord" →
    "smallteams:2@discord", "smallteams:3@discord"… (nothing for another audience)."""
    kind, _, platform = split(audience)
    if kind != SMALL_TEAMS:
        return []
    where = f"@{platform}" if platform else ""
    return [f"{SMALL_TEAMS}:{size}{where}" for size in sizes]


def channel_condition(audience: str) -> ColumnElement[bool] | None:
    """SQL condition for the announcement channels an audience reaches (None: no channels)."""
    platform = _platform(audience)
    if is_stage(audience) or platform == WEB:
        return None
    if platform is not None:
        return AnnouncementChannel.platform == platform
    return AnnouncementChannel.id.is_not(None)


async def audience_size(session: AsyncSession, audience: str) -> dict[str, tuple[int, int]]:
    """Per platform: (members by private message, channels)."""
    sizes = {platform: [0, 0] for platform in PLATFORMS}
    members = member_condition(audience)
    if members is not None:
        rows = await session.execute(
            select(Member.platform, func.count()).where(members).group_by(Member.platform)
        )
        for platform, count in rows:
            sizes.setdefault(platform, [0, 0])[0] = count
    channels = channel_condition(audience)
    if channels is not None:
        rows = await session.execute(
            select(AnnouncementChannel.platform, func.count())
            .where(channels)
            .group_by(AnnouncementChannel.platform)
        )
        for platform, count in rows:
            sizes.setdefault(platform, [0, 0])[1] = count
    return {platform: (people, chats) for platform, (people, chats) in sizes.items()}
