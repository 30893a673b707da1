"""Messages to one chat through the outbox (a ticket's answer, an organizer's notice): stored in
the same transaction as the change they report, then sent, retried and recorded by the delivery
worker like any broadcast, so a restart or a failed send loses nothing."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Button, Target
from bot.storage.models import Broadcast, Delivery


async def send_later(
    session: AsyncSession,
    target: Target,
    text: str,
    now: datetime,
    *,
    kind: str,
    language: str,
    buttons: tuple[Button, ...] = (),
    member_id: int | None = None,
) -> None:
    """Queue `text` (with `buttons`) for one chat; it is sent once the session commits."""
    message = Broadcast(
        kind=kind,
        text=text,
        audience="one",
        status="queued",
        author_platform=target.platform,
        author_user_id="",
        author_chat_id=target.chat_id,
        author_language=language,
        created_at=now,
        enqueued_at=now,
        total=1,
        buttons=json.dumps([[b.label, b.payload] for b in buttons]) if buttons else None,
    )
    session.add(message)
    await session.flush()
    session.add(
        Delivery(
            broadcast_id=message.id,
            platform=target.platform,
            chat_id=target.chat_id,
            member_id=member_id,
            status="queued",
            next_attempt_at=now,
        )
    )


def decode_buttons(stored: str | None) -> tuple[Button, ...]:
    if not stored:
        return ()
    return tuple(Button(label, payload) for label, payload in json.loads(stored))
