"""Handled platform updates: each update is answered once, even when the platform replays it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import upsert_insert
from bot.storage.models import HandledUpdate

# Telegram keeps an unconfirmed update for 24 hours; remembering ids a little longer suffices.
REMEMBER_FOR = timedelta(days=2)


class HandledUpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, platform: str, update_id: str, now: datetime) -> bool:
        """True the first time an update is claimed, by any process; False for a replay."""
        insert = upsert_insert(self.session)
        statement = (
            insert(HandledUpdate)
            .values(platform=platform, update_id=update_id, handled_at=now)
            .on_conflict_do_nothing(index_elements=["platform", "update_id"])
        )
        result = await self.session.execute(statement)
        return bool(result.rowcount)

    async def forget_old(self, now: datetime) -> int:
        statement = delete(HandledUpdate).where(HandledUpdate.handled_at < now - REMEMBER_FOR)
        return (await self.session.execute(statement)).rowcount or 0
