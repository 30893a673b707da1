"""Who an announcement reaches: members who can and want to be written to, and marked channels.

Audiences are strings so they can be stored with the broadcast: "everyone", "channels",
"platform:telegram", "platform:discord", "track:<key>" (that track's registrants).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import AnnouncementChannel, Member, Registration

EVERYONE = "everyone"
CHANNELS = "channels"
PLATFORMS = ("telegram", "discord")
# Platforms where a member who never said either way gets announcements by DM. Discord is not
# one: bots that DM many members quickly get quarantined, so there it is channels plus opt-ins.
# (The console chat is a local try-out, never an announcement audience.)
DM_BY_DEFAULT = {"telegram"}


def is_valid(audience: str, track_keys: Iterable[str] = ()) -> bool:
    if audience in (EVERYONE, CHANNELS):
        return True
    kind, _, value = audience.partition(":")
    return (kind == "platform" and value in PLATFORMS) or (kind == "track" and value in track_keys)


def _track(audience: str) -> str | None:
    kind, _, value = audience.partition(":")
    return value if kind == "track" else None


def _platform(audience: str) -> str | None:
    kind, _, value = audience.partition(":")
    return value if kind == "platform" else None


def member_condition(audience: str) -> ColumnElement[bool] | None:
    """SQL condition for the members an audience reaches by private message (None: no members)."""
    if audience == CHANNELS:
        return None
    wants = or_(
        Member.wants_announcements.is_(True),
        and_(Member.wants_announcements.is_(None), Member.platform.in_(DM_BY_DEFAULT)),
    )
    condition = and_(
        Member.reachable.is_(True),
        Member.private_chat_id.is_not(None),
        Member.platform.in_(PLATFORMS),
        wants,
    )
    track = _track(audience)
    if track is not None:
        # Registrants asked to be kept informed about their track, on Discord too; only an
        # explicit opt-out stops it.
        registered = select(Registration.member_id).where(Registration.track == track)
        return and_(
            Member.reachable.is_(True),
            Member.private_chat_id.is_not(None),
            Member.platform.in_(PLATFORMS),
            Member.wants_announcements.is_not(False),
            Member.id.in_(registered),
        )
    platform = _platform(audience)
    return condition if platform is None else and_(condition, Member.platform == platform)


def channel_condition(audience: str) -> ColumnElement[bool] | None:
    """SQL condition for the announcement channels an audience reaches (None: no channels)."""
    if _track(audience) is not None:
        return None
    platform = _platform(audience)
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
