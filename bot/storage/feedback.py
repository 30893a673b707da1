"""Answers given, members' votes on them, and tickets: the stored half of the answer loop."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.erasure import erased_with_member
from bot.storage.models import AnswerVote, GivenAnswer, Ticket

# Votes first: they may point at the member's answers, which go next.
erased_with_member("votes", AnswerVote)
erased_with_member("given answers", GivenAnswer)
erased_with_member("tickets", Ticket)

OPEN, ANSWERED, CLOSED = "open", "answered", "closed"


class FeedbackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def given(
        self,
        member_id: int,
        platform: str,
        question: str,
        answer: str,
        sources: str,
        path: str,
        language: str,
        now: datetime,
    ) -> GivenAnswer:
        """Keep an answer as it was shown, so a vote or a ticket can refer to it."""
        given = GivenAnswer(
            member_id=member_id,
            platform=platform,
            question=question,
            answer=answer,
            sources=sources,
            path=path,
            language=language,
            created_at=now,
        )
        self.session.add(given)
        await self.session.flush()
        return given

    async def answer(self, given_answer_id: int) -> GivenAnswer | None:
        return await self.session.get(GivenAnswer, given_answer_id)

    async def vote(
        self, given: GivenAnswer, member_id: int, helpful: bool, now: datetime
    ) -> bool | None:
        """Record (or change) a member's vote; returns the vote it replaced, if any."""
        existing = await self.session.scalar(
            select(AnswerVote).where(
                AnswerVote.given_answer_id == given.id, AnswerVote.member_id == member_id
            )
        )
        if existing is None:
            self.session.add(
                AnswerVote(
                    given_answer_id=given.id, member_id=member_id, helpful=helpful, voted_at=now
                )
            )
            return None
        before = existing.helpful
        existing.helpful, existing.voted_at = helpful, now
        return before


class TicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open(self, member_id: int, question: str, language: str, now: datetime) -> Ticket:
        ticket = Ticket(
            member_id=member_id, question=question, language=language, status=OPEN, created_at=now
        )
        self.session.add(ticket)
        await self.session.flush()
        return ticket

    async def claim_for_faq(self, ticket: Ticket) -> bool:
        """Take the ticket for publication as FAQ, in one statement; False when it is published
        already, or being published by another tap or process (which then wins)."""
        result = await self.session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id, Ticket.faq_entry_id.is_(None))
            .values(faq_entry_id=0)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:
            return True
        await self.session.refresh(ticket, ["faq_entry_id"])
        return False

    async def get(self, ticket_id: int) -> Ticket | None:
        return await self.session.get(Ticket, ticket_id)

    async def of_member(self, member_id: int, limit: int = 10) -> list[Ticket]:
        rows = await self.session.scalars(
            select(Ticket)
            .where(Ticket.member_id == member_id)
            .order_by(Ticket.id.desc())
            .limit(limit)
        )
        return list(rows)

    async def waiting(self, limit: int = 20) -> list[Ticket]:
        """Open tickets, oldest first: the organizers' queue."""
        rows = await self.session.scalars(
            select(Ticket).where(Ticket.status == OPEN).order_by(Ticket.id).limit(limit)
        )
        return list(rows)

    def answered(self, ticket: Ticket, answer: str, by: str, now: datetime) -> None:
        if ticket.answer != answer:  # a translation of the former answer no longer fits
            ticket.translation_language = ticket.translated_question = None
            ticket.translated_answer = ticket.translation_approved_at = None
        ticket.answer, ticket.answered_by, ticket.answered_at = answer, by, now
        ticket.status = ANSWERED
