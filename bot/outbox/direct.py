"""Messages to one chat through the outbox (a ticket's answer, an organizer's notice): stored in
the same transaction as the change they report, then sent, retried and recorded by the delivery
worker like any broadcast, so a restart or a failed send loses nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.i18n import Language, Translator, preferred_language
from bot.messages import Button, Target
from bot.storage.erasure import before_erasure
from bot.storage.models import Broadcast, Delivery, Member

ONE_CHAT = "one"  # the audience of a message to one chat


async def _erase_messages_to_member(session: AsyncSession, member: Member) -> None:
    """A message to this one member (a ticket's answer, "your question was answered") keeps
    its text and their chat in the broadcasts table: it goes with them, its delivery too."""
    theirs = select(Delivery.broadcast_id).where(Delivery.member_id == member.id)
    await session.execute(
        delete(Broadcast).where(Broadcast.audience == ONE_CHAT, Broadcast.id.in_(theirs))
    )


before_erasure(_erase_messages_to_member)


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
        audience=ONE_CHAT,
        status="queued",
        author_platform=target.platform,
        author_user_id="",
        author_chat_id=target.chat_id,
        author_language=language,
        created_at=now,
        enqueued_at=now,
        total=1,
        buttons=encode_buttons(buttons),
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


def member_language(member: Member, default: Language) -> Language:
    """The language to write to a member in unasked: their choice, else what they write in."""
    return preferred_language(member.language, member.text_language, member.locale_hint, default)


async def tell_member(
    session: AsyncSession,
    member: Member,
    message: Callable[[Translator], tuple[str, tuple[Button, ...]]],
    now: datetime,
    *,
    kind: str,
    default_language: Language,
) -> bool:
    """Queue a message for a member's private chat, written by `message` in their language;
    False when the bot has no private chat with them (they see it next time they ask)."""
    if member.private_chat_id is None:
        return False
    language = member_language(member, default_language)
    text, buttons = message(Translator(language))
    await send_later(
        session,
        Target(member.platform, member.private_chat_id),
        text,
        now,
        kind=kind,
        language=language,
        buttons=buttons,
        member_id=member.id,
    )
    return True


async def organizer_chats(
    session: AsyncSession, settings: Settings
) -> list[tuple[Target, Language]]:
    """Where organizers hear of things (a ticket, a report): the organizers' chats when set,
    else each organizer who has a private chat with the bot, in their language."""
    chats: list[tuple[Target, Language]] = [
        (Target(platform, chat), settings.default_language)
        for platform, chat in (
            ("telegram", settings.telegram_organizer_chat),
            ("discord", settings.discord_organizer_channel),
        )
        if chat
    ]
    if chats:
        return chats
    members = await session.scalars(select(Member).where(Member.private_chat_id.is_not(None)))
    return [
        (Target(o.platform, o.private_chat_id or ""), member_language(o, settings.default_language))
        for o in members
        if (o.platform, o.platform_user_id) in settings.organizers
    ]


def encode_buttons(buttons: tuple[Button, ...]) -> str | None:
    """Buttons as stored with a message (None for none); `decode_buttons` reads them back."""
    return json.dumps([_stored(b) for b in buttons]) if buttons else None


def _stored(button: Button) -> list[object]:
    """[label, payload], then true for a button that opens the private chat, then what /start
    receives there when it is not the command."""
    fields: list[object] = [button.label, button.payload]
    if button.start_parameter is not None:
        return [*fields, button.opens_private_chat, button.start_parameter]
    return [*fields, True] if button.opens_private_chat else fields


def decode_buttons(stored: str | None) -> tuple[Button, ...]:
    if not stored:
        return ()
    return tuple(Button(*fields) for fields in json.loads(stored))
