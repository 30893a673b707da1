"""Half-finished exchanges, one per member, stored so a restart loses nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.erasure import erased_with_member
from bot.storage.models import Conversation

erased_with_member("conversations", Conversation)


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, member_id: int) -> Conversation | None:
        return await self.session.get(Conversation, member_id)

    async def start(
        self, member_id: int, kind: str, step: str, subject: str, now: datetime
    ) -> Conversation:
        conversation = await self.get(member_id)
        if conversation is None:
            conversation = Conversation(member_id=member_id)
            self.session.add(conversation)
        conversation.kind, conversation.step, conversation.subject = kind, step, subject
        conversation.updated_at = now
        return conversation

    async def end(self, member_id: int) -> None:
        await self.session.execute(delete(Conversation).where(Conversation.member_id == member_id))
