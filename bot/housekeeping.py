"""Hourly tidying, run by the one process that schedules: what is kept only for a while goes.

- answer records and unanswered questions after BOT_ANSWER_RETENTION_DAYS;
- announcement previews (drafts) nobody confirmed within a day;
- dashboard sessions that can no longer be used, and old failed logins.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete

from bot.config import Settings
from bot.dashboard.access import forget_expired
from bot.storage.database import Database
from bot.storage.models import AnswerRecord, Broadcast, UnansweredQuestion

log = logging.getLogger(__name__)
DRAFTS_KEPT = timedelta(days=1)


async def tidy(database: Database, settings: Settings, now: datetime) -> dict[str, int]:
    """Delete what has outlived its keeping period; returns rows deleted per kind."""
    kept_since = now - timedelta(days=settings.answer_retention_days)
    deleted = {}
    async with database.session() as session:
        for kind, statement in (
            ("answer records", delete(AnswerRecord).where(AnswerRecord.created_at < kept_since)),
            (
                "unanswered questions",
                delete(UnansweredQuestion).where(UnansweredQuestion.created_at < kept_since),
            ),
            (
                "unconfirmed previews",
                delete(Broadcast).where(
                    Broadcast.status == "draft", Broadcast.created_at < now - DRAFTS_KEPT
                ),
            ),
        ):
            deleted[kind] = (await session.execute(statement)).rowcount or 0
        await forget_expired(session, timedelta(minutes=settings.dashboard_idle_minutes), now)
    if any(deleted.values()):
        log.info("housekeeping deleted %s", deleted)
    return deleted
