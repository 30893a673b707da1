"""Each deadline's SEQUENCE in the calendar files: one more every time what a calendar shows of it
(time, title, alarms) changed since a calendar was last made, whoever changed it (`/deadline
move`, an edited contest.toml). Calendar apps replace an event only when its SEQUENCE grows."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.models import Deadline
from bot.storage.models import CalendarRevision
from bot.storage.upserts import upsert_insert


async def sequences(
    session: AsyncSession, deadlines: Sequence[Deadline], now: datetime
) -> dict[str, int]:
    marks = {d.key: _fingerprint(d) for d in deadlines}
    if marks:
        # First sight of a deadline: SEQUENCE 0 (several processes may do this at once).
        insert = upsert_insert(session)
        await session.execute(
            insert(CalendarRevision)
            .values(
                [
                    {"key": key, "fingerprint": mark, "sequence": 0, "changed_at": now}
                    for key, mark in marks.items()
                ]
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
    stored = await session.scalars(
        select(CalendarRevision).where(CalendarRevision.key.in_(list(marks)))
    )
    result = {}
    for revision in stored:
        if revision.fingerprint != marks[revision.key]:
            revision.fingerprint = marks[revision.key]
            revision.sequence += 1
            revision.changed_at = now
        result[revision.key] = revision.sequence
    return result


def _fingerprint(deadline: Deadline) -> str:
    shown = "|".join(
        (
            deadline.at.isoformat() if deadline.at else "",
            deadline.title.zh,
            deadline.title.en,
            ",".join(deadline.remind_before),
        )
    )
    return hashlib.sha256(shown.encode()).hexdigest()[:32]
