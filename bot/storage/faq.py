"""FAQ entries (versioned, in zh and/or en) and the members waiting for an answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.erasure import erased_with_member
from bot.storage.models import AnswerWatch, FaqEntry, FaqRevision

erased_with_member("answer watches", AnswerWatch)

PUBLISHED, RETIRED = "published", "retired"


class FaqRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, entry_id: int) -> FaqEntry | None:
        return await self.session.get(FaqEntry, entry_id)

    async def published(self) -> list[FaqEntry]:
        rows = await self.session.scalars(
            select(FaqEntry).where(FaqEntry.status == PUBLISHED).order_by(FaqEntry.id)
        )
        return list(rows)

    async def published_as(self, texts: dict[str, tuple[str, str]]) -> FaqEntry | None:
        """A published entry that already says exactly this (a Publish pressed twice)."""
        statement = select(FaqEntry).where(FaqEntry.status == PUBLISHED)
        for language, (question, answer) in texts.items():
            statement = statement.where(
                getattr(FaqEntry, f"question_{language}") == question,
                getattr(FaqEntry, f"answer_{language}") == answer,
            )
        return (await self.session.scalars(statement.limit(1))).first()

    async def version(self) -> tuple[int, int]:
        """Changes to the FAQ, as seen from any process: (entries, versions summed). Every
        publication, edit and retirement changes it."""
        row = (await self.session.execute(select(func.count(), func.sum(FaqEntry.version)))).one()
        return int(row[0]), int(row[1] or 0)

    async def publish(
        self, language: str, question: str, answer: str, by: str, now: datetime
    ) -> FaqEntry:
        return await self.publish_languages({language: (question, answer)}, by, now)

    async def publish_languages(
        self, texts: dict[str, tuple[str, str]], by: str, now: datetime
    ) -> FaqEntry:
        """A new entry with each given language's (question, answer)."""
        entry = FaqEntry(status=PUBLISHED, version=1, updated_by=by, updated_at=now)
        for language, (question, answer) in texts.items():
            _set_text(entry, language, question, answer)
        self.session.add(entry)
        await self.session.flush()
        self._keep_revision(entry)
        return entry

    def edit(
        self, entry: FaqEntry, language: str, question: str, answer: str, by: str, now: datetime
    ) -> None:
        self.edit_languages(entry, {language: (question, answer)}, by, now)

    def edit_languages(
        self, entry: FaqEntry, texts: dict[str, tuple[str, str]], by: str, now: datetime
    ) -> None:
        """One new version with each given language's (question, answer)."""
        for language, (question, answer) in texts.items():
            _set_text(entry, language, question, answer)
        self._next_version(entry, by, now)

    def retire(self, entry: FaqEntry, by: str, now: datetime) -> None:
        entry.status = RETIRED
        self._next_version(entry, by, now)

    async def history(self, entry_id: int) -> list[FaqRevision]:
        rows = await self.session.scalars(
            select(FaqRevision)
            .where(FaqRevision.entry_id == entry_id)
            .order_by(FaqRevision.version)
        )
        return list(rows)

    def _next_version(self, entry: FaqEntry, by: str, now: datetime) -> None:
        entry.version += 1
        entry.updated_by, entry.updated_at = by, now
        self._keep_revision(entry)

    def _keep_revision(self, entry: FaqEntry) -> None:
        self.session.add(
            FaqRevision(
                entry_id=entry.id,
                version=entry.version,
                question_zh=entry.question_zh,
                answer_zh=entry.answer_zh,
                question_en=entry.question_en,
                answer_en=entry.answer_en,
                status=entry.status,
                changed_by=entry.updated_by,
                changed_at=entry.updated_at,
            )
        )


def _set_text(entry: FaqEntry, language: str, question: str, answer: str) -> None:
    if language == "zh":
        entry.question_zh, entry.answer_zh = question, answer
    else:
        entry.question_en, entry.answer_en = question, answer


class WatchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def watch(self, member_id: int, question: str, language: str, now: datetime) -> None:
        self.session.add(
            AnswerWatch(member_id=member_id, question=question, language=language, created_at=now)
        )

    async def waiting(self) -> list[AnswerWatch]:
        rows = await self.session.scalars(
            select(AnswerWatch).where(AnswerWatch.notified_at.is_(None)).order_by(AnswerWatch.id)
        )
        return list(rows)
