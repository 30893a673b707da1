"""Members: who has talked to the bot, their language and timezone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import upsert_insert
from bot.storage.models import Member


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def seen(
        self,
        platform: str,
        user_id: str,
        display_name: str,
        locale_hint: str | None,
        now: datetime,
        handle: str | None = None,
    ) -> Member:
        """Record that a member wrote now, creating them on first contact; returns the row.

        One atomic upsert, so two messages from a new member arriving at once create one row.
        """
        insert = upsert_insert(self.session)
        values = {
            "platform": platform,
            "platform_user_id": user_id,
            "display_name": display_name[:200],
            "locale_hint": (locale_hint or None) and locale_hint[:16],
            "handle": (handle or None) and handle[:100],
            "first_seen": now,
            "last_seen": now,
        }
        statement = (
            insert(Member)
            .values(**values)
            .on_conflict_do_update(
                index_elements=["platform", "platform_user_id"],
                set_={
                    "display_name": values["display_name"],
                    "locale_hint": values["locale_hint"],
                    "handle": values["handle"],
                    "last_seen": now,
                },
            )
            .returning(Member)
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(statement)).one()

    async def exists(self, platform: str, user_id: str) -> bool:
        """Whether the bot knows this person (not after /forgetme)."""
        found = await self.session.scalar(
            select(Member.id).where(Member.platform == platform, Member.platform_user_id == user_id)
        )
        return found is not None
