"""When a reminder fires: one outbox delivery per subscriber, in their language and timezone."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.models import Deadline, parse_offset
from bot.i18n import Language, Translator, preferred_language
from bot.storage.database import Database
from bot.storage.models import Broadcast, Delivery, Member, Subscription
from bot.storage.upserts import upsert_insert

INSERT_BATCH = 5_000
LATE_AFTER = timedelta(minutes=2)
ALL_TOPICS = "all"


def dedupe_prefix(deadline: Deadline, offset: str) -> str:
    """Identifies one firing: the same deadline, offset and time never enqueue twice."""
    assert deadline.at is not None
    return f"reminder:{deadline.key}:{offset}:{deadline.at.isoformat()}"


def subscriber_topics(deadline: Deadline) -> list[str] | None:
    """Subscription topics that want this deadline; None means every subscriber."""
    return [ALL_TOPICS, *deadline.tracks] if deadline.tracks else None


async def fired_prefixes(session: AsyncSession) -> set[str]:
    """The firings already enqueued (their dedupe prefixes), read in one query."""
    keys = await session.scalars(
        select(Broadcast.dedupe_key).where(
            Broadcast.kind == "reminder", Broadcast.dedupe_key.is_not(None)
        )
    )
    return {key.rsplit(":", 2)[0] for key in keys if key}


async def already_fired(database: Database, deadline: Deadline, offset: str) -> bool:
    async with database.session() as session:
        found = await session.scalar(
            select(Broadcast.id).where(
                Broadcast.dedupe_key.startswith(dedupe_prefix(deadline, offset))
            )
        )
    return found is not None


async def enqueue_reminder(
    database: Database,
    deadline: Deadline,
    offset: str,
    default_zone: str,
    default_language: Language,
    now: datetime,
) -> int:
    """Write the deliveries of one reminder; returns how many (0 if it was already enqueued)."""
    assert deadline.at is not None
    prefix = dedupe_prefix(deadline, offset)
    if await already_fired(database, deadline, offset):
        return 0
    groups: dict[tuple[Language, str], list[tuple[int, str, str]]] = defaultdict(list)
    for member_id, platform, chat, language, written, hint, zone in await _subscribers(
        database, deadline
    ):
        effective = preferred_language(language, written, hint, default_language)
        groups[(effective, zone or default_zone)].append((member_id, platform, chat))
    planned = deadline.at - parse_offset(offset)
    total = 0
    for (language, zone), members in groups.items():
        text = reminder_text(
            deadline, Translator(language), zone, now, late=now - planned > LATE_AFTER
        )
        broadcast_id = await _claim_broadcast(database, f"{prefix}:{language}:{zone}", text, now)
        if broadcast_id is None:  # another firing got here first
            continue
        rows = [
            {
                "broadcast_id": broadcast_id,
                "platform": platform,
                "chat_id": chat,
                "member_id": member_id,
                "status": "queued",
                "attempts": 0,
                "next_attempt_at": now,
            }
            for member_id, platform, chat in members
        ]
        for start in range(0, len(rows), INSERT_BATCH):
            async with database.session() as session:
                await session.execute(insert(Delivery), rows[start : start + INSERT_BATCH])
        total += len(rows)
    return total


def reminder_text(
    deadline: Deadline, t: Translator, zone_name: str, now: datetime, late: bool
) -> str:
    assert deadline.at is not None
    text = t.gettext(
        "Reminder: {title} — {when} ({zone}), {left}.",
        title=t.pick(deadline.title.as_dict()),
        when=t.datetime(deadline.at, ZoneInfo(zone_name)),
        zone=zone_name,
        left=t.time_left(deadline.at - now) if deadline.at > now else t.gettext("now"),
    )
    if late:
        text += "\n" + t.gettext("(This reminder is late: I was offline when it was due.)")
    return text + "\n" + t.gettext("/unsubscribe stops reminders.")


async def _subscribers(
    database: Database, deadline: Deadline
) -> list[tuple[int, str, str, str | None, str | None, str | None, str | None]]:
    topics = subscriber_topics(deadline)
    wants = Subscription.topic.in_(topics) if topics else Subscription.id.is_not(None)
    statement = (
        select(
            Member.id,
            Member.platform,
            Member.private_chat_id,
            Member.language,
            Member.text_language,
            Member.locale_hint,
            Member.timezone,
        )
        .join(Subscription, Subscription.member_id == Member.id)
        .where(wants, Member.reachable.is_(True), Member.private_chat_id.is_not(None))
        .distinct()
    )
    async with database.session() as session:
        return [tuple(row) for row in await session.execute(statement)]  # type: ignore[misc]


async def _claim_broadcast(database: Database, key: str, text: str, now: datetime) -> int | None:
    async with database.session() as session:
        upsert = upsert_insert(session)
        result = await session.execute(
            upsert(Broadcast)
            .values(
                kind="reminder",
                text=text,
                audience="subscribers",
                status="queued",
                author_platform="system",
                author_user_id="",
                author_chat_id="",
                author_language="en",
                created_at=now,
                enqueued_at=now,
                total=0,
                dedupe_key=key,
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(Broadcast.id)
        )
        return result.scalar()
