"""What the bot wrote to web chat members unasked, kept for their pages: a web page cannot be
written to while it is closed, so the outbox's message waits here, and the member's page shows
it live (over its event stream) or when it is next opened."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import WEB, Button
from bot.outbox.direct import decode_buttons, encode_buttons
from bot.storage.erasure import erased_with_member
from bot.storage.models import Member, WebMessage
from bot.storage.upserts import upsert_insert

erased_with_member("web chat messages", WebMessage)

SHOWN_ON_A_PAGE = 50  # the newest messages a page shows when it opens


@dataclass(frozen=True, slots=True)
class KeptMessage:
    number: int  # the page shows each number once
    web_id: str  # the member's id in their cookie
    text: str
    buttons: tuple[Button, ...]
    at: datetime


class WebInboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def keep(
        self,
        web_id: str,
        text: str,
        buttons: tuple[Button, ...],
        now: datetime,
        delivery: int | None,
    ) -> KeptMessage | None:
        """Keep a message for the web member; None when there is no such member (erased).
        An outbox row sent again is kept only once: the second time returns the first."""
        member_id = await self.session.scalar(
            select(Member.id).where(Member.platform == WEB, Member.platform_user_id == web_id)
        )
        if member_id is None:
            return None
        values = {
            "member_id": member_id,
            "delivery_id": delivery,
            "text": text,
            "buttons": encode_buttons(buttons),
            "created_at": now,
        }
        insert = upsert_insert(self.session)
        new_id = await self.session.scalar(
            insert(WebMessage)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["delivery_id"])
            .returning(WebMessage.id)
        )
        if new_id is not None:
            return KeptMessage(new_id, web_id, text, buttons, now)
        kept = await self.session.scalar(
            select(WebMessage).where(WebMessage.delivery_id == delivery)
        )
        assert kept is not None  # the conflict was with it
        return _kept(kept, web_id)

    async def of_member(self, web_id: str) -> list[KeptMessage]:
        """The member's newest messages, oldest first."""
        rows = await self.session.execute(
            select(WebMessage)
            .join(Member, Member.id == WebMessage.member_id)
            .where(Member.platform == WEB, Member.platform_user_id == web_id)
            .order_by(WebMessage.id.desc())
            .limit(SHOWN_ON_A_PAGE)
        )
        return [_kept(message, web_id) for message in reversed(rows.scalars().all())]

    async def kept_since(self, web_ids: Collection[str], since: datetime) -> list[KeptMessage]:
        """Messages kept since `since` for any of these members, oldest first."""
        if not web_ids:
            return []
        rows = await self.session.execute(
            select(WebMessage, Member.platform_user_id)
            .join(Member, Member.id == WebMessage.member_id)
            .where(
                Member.platform == WEB,
                Member.platform_user_id.in_(list(web_ids)),
                WebMessage.created_at >= since,
            )
            .order_by(WebMessage.id)
        )
        return [_kept(message, web_id) for message, web_id in rows]


def _kept(message: WebMessage, web_id: str) -> KeptMessage:
    return KeptMessage(
        message.id, web_id, message.text, decode_buttons(message.buttons), message.created_at
    )
