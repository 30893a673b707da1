"""What the answering keeps: recent turns, answer records, a short cache, unanswered questions."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.erasure import erased_with_member
from bot.storage.models import AnswerRecord, CachedAnswer, ConversationTurn, UnansweredQuestion

erased_with_member("turns", ConversationTurn)
erased_with_member("answers", AnswerRecord)
erased_with_member("unanswered", UnansweredQuestion)

_SPACE = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s?？!！。.,，]+$")


def normalize_question(text: str) -> str:
    """The same question however it is spaced, cased or punctuated at the end."""
    return _TRAILING.sub("", _SPACE.sub(" ", text.strip().casefold()))[:1000]


class AnswerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def recent_turns(self, member_id: int, limit: int) -> list[ConversationTurn]:
        statement = (
            select(ConversationTurn)
            .where(ConversationTurn.member_id == member_id)
            .order_by(ConversationTurn.id.desc())
            .limit(limit)
        )
        return list(reversed((await self.session.scalars(statement)).all()))

    async def remember(
        self, member_id: int, question: str, answer: str, keep: int, now: datetime
    ) -> None:
        """Add one exchange and forget all but the last `keep` turns."""
        self.session.add(
            ConversationTurn(member_id=member_id, role="user", text=question, created_at=now)
        )
        self.session.add(
            ConversationTurn(member_id=member_id, role="assistant", text=answer, created_at=now)
        )
        await self.session.flush()
        kept = (
            select(ConversationTurn.id)
            .where(ConversationTurn.member_id == member_id)
            .order_by(ConversationTurn.id.desc())
            .limit(keep)
        )
        await self.session.execute(
            delete(ConversationTurn).where(
                ConversationTurn.member_id == member_id, ConversationTurn.id.not_in(kept)
            )
        )

    async def record(
        self, member_id: int | None, path: str, now: datetime, prompt: int = 0, completion: int = 0
    ) -> None:
        self.session.add(
            AnswerRecord(
                member_id=member_id,
                path=path,
                prompt_tokens=prompt,
                completion_tokens=completion,
                created_at=now,
            )
        )

    async def questions_since(self, member_id: int, *since: datetime) -> list[int]:
        """How many questions the member asked since each of the given times, whichever way
        they were answered (one query)."""
        counts = [func.count().filter(AnswerRecord.created_at >= start) for start in since]
        row = (
            await self.session.execute(
                select(*counts).where(
                    AnswerRecord.member_id == member_id, AnswerRecord.created_at >= min(since)
                )
            )
        ).one()
        return [count or 0 for count in row]

    async def llm_questions_since(self, member_id: int, since: datetime) -> int:
        statement = (
            select(func.count())
            .select_from(AnswerRecord)
            .where(
                AnswerRecord.member_id == member_id,
                AnswerRecord.created_at >= since,
                AnswerRecord.path.in_(("llm", "fallback")),
            )
        )
        return await self.session.scalar(statement) or 0

    async def totals(self) -> list[tuple[str, int, int, int]]:
        """(path, answers, prompt tokens, completion tokens)."""
        rows = await self.session.execute(
            select(
                AnswerRecord.path,
                func.count(),
                func.coalesce(func.sum(AnswerRecord.prompt_tokens), 0),
                func.coalesce(func.sum(AnswerRecord.completion_tokens), 0),
            ).group_by(AnswerRecord.path)
        )
        return [(path, count, prompt, completion) for path, count, prompt, completion in rows]

    async def cached(self, key: str, fresh_after: datetime) -> CachedAnswer | None:
        found = await self.session.get(CachedAnswer, key)
        return found if found is not None and found.created_at >= fresh_after else None

    async def cache(self, key: str, text: str, sources: str, now: datetime) -> None:
        await self.session.merge(CachedAnswer(key=key, text=text, sources=sources, created_at=now))
        await self.session.execute(
            delete(CachedAnswer).where(CachedAnswer.created_at < now - timedelta(days=1))
        )

    async def unanswered(
        self, member_id: int | None, question: str, language: str, source: str, now: datetime
    ) -> None:
        """Note a question the bot could not answer; the same member asking again counts once."""
        normalized = normalize_question(question)
        repeated = await self.session.scalar(
            select(UnansweredQuestion).where(
                UnansweredQuestion.member_id == member_id,
                UnansweredQuestion.normalized == normalized,
            )
        )
        if member_id is not None and repeated is not None:
            repeated.created_at = now
            return
        self.session.add(
            UnansweredQuestion(
                member_id=member_id,
                question=question[:1000],
                normalized=normalized,
                language=language,
                source=source,
                created_at=now,
            )
        )

    async def most_unanswered(
        self, limit: int = 15, since: datetime | None = None
    ) -> list[tuple[str, int]]:
        """(question, how many members asked it), most asked first."""
        query = select(func.min(UnansweredQuestion.question), func.count())
        if since is not None:
            query = query.where(UnansweredQuestion.created_at >= since)
        rows = await self.session.execute(
            query.group_by(UnansweredQuestion.normalized)
            .order_by(func.count().desc(), func.max(UnansweredQuestion.created_at).desc())
            .limit(limit)
        )
        return [(question, count) for question, count in rows]
