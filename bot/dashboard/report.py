"""The answers report: what happened to members' questions over the last weeks, for the
dashboard's charts. Grouped in Python over the window's rows (the same on SQLite and
PostgreSQL; a community's four weeks of questions fit in memory easily)."""

from __future__ import annotations

import asyncio
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.knowledge.index import KnowledgeIndex
from bot.knowledge.topics import Topic, group_into_topics
from bot.storage.answers import AnswerRepository
from bot.storage.models import AnswerVote, GivenAnswer, Ticket

WINDOW = timedelta(days=28)
MAX_UNANSWERED_GROUPED = 300  # distinct questions embedded per report: a second or two
# The outcomes, named for the chart's legend (translated where it is drawn).
OUTCOMES = (N_("answered"), N_("FAQ"), N_("LLM"), N_("don't know"), N_("to a person"))
_BY_PATH = {"retrieval": "answered", "fallback": "answered", "llm": "LLM", "cache": "LLM"}


@dataclass(frozen=True, slots=True)
class AnswersReport:
    per_day: list[tuple[str, dict[str, float]]]  # "11-28" → outcome → questions
    helpful_per_week: list[tuple[str, float]]  # "W48" → % of votes that said helpful
    hours_to_answer_per_week: list[tuple[str, float]]  # "W48" → median hours to a first answer
    unanswered: list[Topic]  # what the bot could not answer most often, grouped by topic


async def answers_report(
    session: AsyncSession, now: datetime, index: KnowledgeIndex
) -> AnswersReport:
    since = now - WINDOW
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    answers = await session.execute(
        select(GivenAnswer.created_at, GivenAnswer.path, GivenAnswer.sources).where(
            GivenAnswer.created_at >= since
        )
    )
    for created, path, sources in answers:
        outcome = "FAQ" if sources.startswith("FAQ ›") else _BY_PATH.get(path, "don't know")
        per_day[_day(created)][outcome] += 1
    tickets = list(await session.scalars(select(Ticket).where(Ticket.created_at >= since)))
    for ticket in tickets:
        per_day[_day(ticket.created_at)]["to a person"] += 1
    votes: dict[str, list[bool]] = defaultdict(list)
    for voted_at, helpful in await session.execute(
        select(AnswerVote.voted_at, AnswerVote.helpful).where(AnswerVote.voted_at >= since)
    ):
        votes[_week(voted_at)].append(helpful)
    hours: dict[str, list[float]] = defaultdict(list)
    for ticket in tickets:
        if ticket.answered_at is not None:
            waited = (ticket.answered_at - ticket.created_at).total_seconds() / 3600
            hours[_week(ticket.answered_at)].append(waited)
    unanswered = await AnswerRepository(session).most_unanswered(MAX_UNANSWERED_GROUPED, since)
    return AnswersReport(
        per_day=[(day, dict(per_day[day])) for day in sorted(per_day)],
        helpful_per_week=[
            (week, round(100 * sum(v) / len(v))) for week, v in sorted(votes.items())
        ],
        hours_to_answer_per_week=[
            (week, round(statistics.median(h), 1)) for week, h in sorted(hours.items())
        ],
        unanswered=await asyncio.to_thread(group_into_topics, unanswered, index),
    )


def _day(moment: datetime) -> str:
    return moment.strftime("%m-%d")


def _week(moment: datetime) -> str:
    return f"W{moment.isocalendar().week:02d}"
