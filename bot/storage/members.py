"""Members: who has talked to the bot, their language and timezone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Member
from bot.storage.recent_members import Seen
from bot.storage.upserts import upsert_insert


def sender(
    platform: str,
    user_id: str,
    display_name: str,
    locale_hint: str | None,
    handle: str | None = None,
    private_chat_id: str | None = None,
) -> Seen:
    """What an update says about its sender, cut to the lengths the members table keeps."""
    return Seen(
        platform=platform,
        user_id=user_id,
        display_name=display_name[:200],
        locale_hint=(locale_hint or None) and locale_hint[:16],
        handle=(handle or None) and handle[:100],
        private_chat_id=private_chat_id,
    )


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
        private_chat_id: str | None = None,
    ) -> Member:
        """Record that a member wrote now, creating them on first contact; returns the row.

        One atomic upsert, so two messages from a new member arriving at once create one row.
        A message in a private chat also records that chat as where the bot may write to them
        unasked, in the same statement.
        """
        person = sender(platform, user_id, display_name, locale_hint, handle)
        values = {
            "platform": platform,
            "platform_user_id": user_id,
            "display_name": person.display_name,
            "locale_hint": person.locale_hint,
            "handle": person.handle,
            "first_seen": now,
            "last_seen": now,
        }
        if private_chat_id is not None:
            values |= {"private_chat_id": private_chat_id, "reachable": True}
        insert = upsert_insert(self.session)
        statement = insert(Member).values(**values)
        # Everything but the platform's ids and the first time seen follows the message.
        kept = ("platform", "platform_user_id", "first_seen")
        updated = {key: statement.excluded[key] for key in values if key not in kept}
        statement = (
            statement.on_conflict_do_update(
                index_elements=["platform", "platform_user_id"], set_=updated
            )
            .returning(Member)
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(statement)).one()

    async def write_last_seen(self, due: dict[int, datetime]) -> None:
        """Batched `last_seen` times of members whose rows were not written when they wrote."""
        table = Member.__table__
        statement = (
            update(table)
            .where(table.c.id == bindparam("member_id"))
            .values(last_seen=bindparam("seen"))
        )
        # One executemany; a member erased meanwhile simply matches no row.
        rows = [{"member_id": member_id, "seen": when} for member_id, when in due.items()]
        await self.session.execute(statement, rows)

    async def exists(self, platform: str, user_id: str) -> bool:
        """Whether the bot knows this person (not after /forgetme)."""
        found = await self.session.scalar(
            select(Member.id).where(Member.platform == platform, Member.platform_user_id == user_id)
        )
        return found is not None
