"""Announcement channels: groups and channels that receive organizers' announcements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import AnnouncementChannel


class AnnouncementChannelRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def mark(self, platform: str, chat_id: str, organizer_id: str, now: datetime) -> bool:
        """Mark a chat; False when it already was."""
        if await self._find(platform, chat_id) is not None:
            return False
        self.session.add(
            AnnouncementChannel(
                platform=platform, chat_id=chat_id, marked_by=organizer_id, marked_at=now
            )
        )
        return True

    async def unmark(self, platform: str, chat_id: str) -> bool:
        """Unmark a chat; False when it was not marked."""
        statement = delete(AnnouncementChannel).where(
            AnnouncementChannel.platform == platform, AnnouncementChannel.chat_id == chat_id
        )
        return bool((await self.session.execute(statement)).rowcount)

    async def all(self, platform: str | None = None) -> list[AnnouncementChannel]:
        statement = select(AnnouncementChannel).order_by(AnnouncementChannel.id)
        if platform is not None:
            statement = statement.where(AnnouncementChannel.platform == platform)
        return list(await self.session.scalars(statement))

    async def _find(self, platform: str, chat_id: str) -> AnnouncementChannel | None:
        return await self.session.scalar(
            select(AnnouncementChannel).where(
                AnnouncementChannel.platform == platform, AnnouncementChannel.chat_id == chat_id
            )
        )
