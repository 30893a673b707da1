"""Handled platform updates: each update is answered once, even when the platform replays it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import upsert_insert
from bot.storage.models import Conversation, HandledUpdate

# Telegram keeps an unconfirmed update for 24 hours; remembering ids a little longer suffices.
REMEMBER_FOR = timedelta(days=2)


@dataclass(frozen=True)
class Claim:
    """An update taken for the first time, and whether its sender has an exchange waiting."""

    conversation_waiting: bool


class HandledUpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(
        self, platform: str, update_id: str, now: datetime, member_id: int
    ) -> Claim | None:
        """The claim the first time an update is seen, by any process; None for a replay.

        The same statement tells whether the member has a half-finished exchange, which the
        core would otherwise read with a second statement for nearly every message.
        """
        insert = upsert_insert(self.session)
        waiting = exists().where(Conversation.member_id == member_id)
        statement = (
            insert(HandledUpdate)
            .values(platform=platform, update_id=update_id, handled_at=now)
            .on_conflict_do_nothing(index_elements=["platform", "update_id"])
            .returning(waiting)
        )
        row = (await self.session.execute(statement)).first()
        return None if row is None else Claim(conversation_waiting=bool(row[0]))

    async def forget_old(self, now: datetime) -> int:
        statement = delete(HandledUpdate).where(HandledUpdate.handled_at < now - REMEMBER_FOR)
        return (await self.session.execute(statement)).rowcount or 0
