"""The answer loop's dashboard pages: the ticket queue (answer, publish as FAQ), the FAQ editor
(add, edit in place, retire), the content reload and the answers report (SVG charts drawn on the
server, unanswered questions grouped by topic)."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from markupsafe import Markup
from sqlalchemy import select

from bot.core.context import Services
from bot.dashboard.charts import bars, ranked_bars, stacked_bars
from bot.dashboard.page import render, translator_for
from bot.dashboard.report import OUTCOMES, answers_report
from bot.features.faq import index_and_tell, publish_ticket
from bot.features.ticket_languages import (
    approve_translation,
    draft_translation,
    original_question,
)
from bot.features.tickets import MAX_ANSWER_CHARACTERS, answer_ticket
from bot.i18n import LANGUAGES, N_, detect_language
from bot.knowledge.build import follow_knowledge, reload_content
from bot.storage.faq import FaqRepository
from bot.storage.feedback import TicketRepository
from bot.storage.models import FaqEntry, Ticket

MAX_FAQ_CHARACTERS = 3000  # a question and its answer together, as in /faq


class AnswerLoopPages:
    def __init__(self, services: Services) -> None:
        self.services = services

    def routes(self) -> list[tuple[str, str, web.RequestHandler]]:
        return [
            ("GET", "/dashboard/report", self.report),
            ("GET", "/dashboard/tickets", self.tickets),
            ("POST", r"/dashboard/tickets/{number:\d+}/answer", self.answer_ticket),
            ("POST", r"/dashboard/tickets/{number:\d+}/draft", self.draft_translation),
            ("POST", r"/dashboard/tickets/{number:\d+}/translation", self.send_translation),
            ("POST", r"/dashboard/tickets/{number:\d+}/publish", self.publish_ticket),
            ("GET", "/dashboard/faq", self.faq),
            ("POST", "/dashboard/faq/add", self.add_faq),
            ("POST", r"/dashboard/faq/{number:\d+}/edit", self.edit_faq),
            ("POST", r"/dashboard/faq/{number:\d+}/retire", self.retire_faq),
            ("POST", "/dashboard/reload", self.reload),
        ]

    # --- the report -----------------------------------------------------------------------------

    async def report(self, request: web.Request) -> web.StreamResponse:
        t = translator_for(request)
        async with self.services.database.session() as session:
            data = await answers_report(session, self._now(), self.services.index)
        outcome_names = {outcome: t.gettext(outcome) for outcome in OUTCOMES}
        charts = {
            "per_day": stacked_bars(
                data.per_day, OUTCOMES, t.gettext("Questions per day by outcome"), outcome_names
            ),
            "helpful": bars(data.helpful_per_week, t.gettext("Helpful rate per week"), "%"),
            "hours": bars(
                data.hours_to_answer_per_week, t.gettext("Hours to a person's answer"), "h"
            ),
            "unanswered": ranked_bars(
                [(topic.question, topic.asked) for topic in data.unanswered],
                t.gettext("Most frequent unanswered topics"),
            ),
        }
        return render(
            request,
            "report.html",
            N_("Answers report"),
            charts={name: Markup(svg) for name, svg in charts.items()},  # escaped when drawn
            topics=data.unanswered,
        )

    # --- tickets --------------------------------------------------------------------------------

    async def tickets(
        self, request: web.Request, notice: str = "", error: str = ""
    ) -> web.StreamResponse:
        async with self.services.database.session() as session:
            waiting = await TicketRepository(session).waiting(100)
            answered = list(
                await session.scalars(
                    select(Ticket)
                    .where(Ticket.status != "open")
                    .order_by(Ticket.answered_at.desc())
                    .limit(20)
                )
            )
        return render(
            request,
            "tickets.html",
            N_("Tickets"),
            waiting=waiting,
            answered=answered,
            notice=notice,
            error=error,
            can_draft=self.services.llm is not None,
            # What publishing offers, for the organizer to word: never the member's replies.
            faq_question=original_question,
        )

    async def answer_ticket(self, request: web.Request) -> web.StreamResponse:
        t, number = translator_for(request), int(request.match_info["number"])
        answer = str((await request.post()).get("answer", "")).strip()
        if not answer or len(answer) > MAX_ANSWER_CHARACTERS:
            return await self.tickets(
                request, error=t.gettext("Write an answer (at most 3,000 characters).")
            )
        async with self.services.database.session() as session:
            ticket = await TicketRepository(session).get(number)
            if ticket is None:
                return await self.tickets(
                    request, error=t.gettext("There is no ticket #{number}.", number=number)
                )
            member = await answer_ticket(session, self.services, ticket, answer, "dashboard")
        if member is None:
            return await self.tickets(
                request, error=t.gettext("The member of #{number} left.", number=number)
            )
        return await self.tickets(
            request, notice=t.gettext("Ticket #{number} answered.", number=number)
        )

    async def draft_translation(self, request: web.Request) -> web.StreamResponse:
        """The model's draft of a ticket's answer in the other language, shown for review."""
        t, number = translator_for(request), int(request.match_info["number"])
        async with self.services.database.session() as session:
            ticket = await TicketRepository(session).get(number)
            drafted = ticket is not None and await draft_translation(self.services, ticket)
        if not drafted:
            return await self.tickets(
                request, error=t.gettext("The model could not draft it; write it yourself.")
            )
        notice = t.gettext(
            "Draft of ticket #{number} below: correct it if needed, then send it.", number=number
        )
        return await self.tickets(request, notice=notice)

    async def send_translation(self, request: web.Request) -> web.StreamResponse:
        """The organizer's approved version in the other language, to the member too."""
        t, form = translator_for(request), await request.post()
        number = int(request.match_info["number"])
        question = str(form.get("question", "")).strip()
        answer = str(form.get("answer", "")).strip()
        if not question or not answer or len(question) + len(answer) > MAX_FAQ_CHARACTERS:
            return await self.tickets(request, error=t.gettext("Write a question and its answer."))
        async with self.services.database.session() as session:
            ticket = await TicketRepository(session).get(number)
            if ticket is None or not ticket.translation_language:
                return await self.tickets(
                    request, error=t.gettext("There is no ticket #{number}.", number=number)
                )
            language = "zh" if ticket.translation_language == "zh" else "en"
            member = await approve_translation(
                session, self.services, ticket, language, question, answer
            )
        if member is None:
            return await self.tickets(
                request, error=t.gettext("The member of #{number} left.", number=number)
            )
        notice = t.gettext("Ticket #{number}: the member gets this version too.", number=number)
        return await self.tickets(request, notice=notice)

    async def publish_ticket(self, request: web.Request) -> web.StreamResponse:
        """A ticket as FAQ, under the question as the organizer worded it in the form (prefilled
        with the member's first question, never their later replies)."""
        t, form = translator_for(request), await request.post()
        number = int(request.match_info["number"])
        question = str(form.get("question", "")).strip()
        translated = str(form.get("translated_question", "")).strip()
        if not question or len(question) + len(translated) > MAX_FAQ_CHARACTERS:
            return await self.tickets(
                request, error=t.gettext("Write the question as it should be published.")
            )
        async with self.services.database.session() as session:
            ticket = await TicketRepository(session).get(number)
            if ticket is None or not ticket.answer:
                return await self.tickets(
                    request, error=t.gettext("Ticket #{number} has no answer yet.", number=number)
                )
            ticket.faq_question = question
            if translated and ticket.translation_approved_at is not None:
                ticket.translated_question = translated
            entry, entry_id = await publish_ticket(session, ticket, "dashboard", self._now())
            if entry is None:  # the form sent twice
                return await self.faq(
                    request, notice=t.gettext("FAQ #{number} is unchanged.", number=entry_id)
                )
        await index_and_tell(self.services, entry_id)
        notice = t.gettext(
            "FAQ #{entry} published from ticket #{number}.", entry=entry_id, number=number
        )
        return await self.faq(request, notice=notice)

    # --- the FAQ --------------------------------------------------------------------------------

    async def faq(
        self, request: web.Request, notice: str = "", error: str = ""
    ) -> web.StreamResponse:
        async with self.services.database.session() as session:
            entries = list(await session.scalars(select(FaqEntry).order_by(FaqEntry.id)))
        return render(request, "faq.html", N_("FAQ"), entries=entries, notice=notice, error=error)

    async def add_faq(self, request: web.Request) -> web.StreamResponse:
        t, form = translator_for(request), await request.post()
        question = str(form.get("question", "")).strip()
        answer = str(form.get("answer", "")).strip()
        if not question or not answer or len(question) + len(answer) > MAX_FAQ_CHARACTERS:
            return await self.faq(request, error=t.gettext("Write a question and its answer."))
        language = detect_language(question) or self.services.settings.default_language
        async with self.services.database.session() as session:
            entry = await FaqRepository(session).publish(
                language, question, answer, "dashboard", self._now()
            )
            entry_id = entry.id
        await index_and_tell(self.services, entry_id)
        return await self.faq(
            request, notice=t.gettext("FAQ #{number} published.", number=entry_id)
        )

    async def edit_faq(self, request: web.Request) -> web.StreamResponse:
        """A new version of an entry, both languages edited in place (an emptied language stays:
        retire the entry to withdraw it)."""
        t, form = translator_for(request), await request.post()
        number = int(request.match_info["number"])
        texts = {
            language: (
                str(form.get(f"question_{language}", "")).strip(),
                str(form.get(f"answer_{language}", "")).strip(),
            )
            for language in LANGUAGES
        }
        complete = {language: pair for language, pair in texts.items() if all(pair)}
        if not complete or any(
            sum(map(len, pair)) > MAX_FAQ_CHARACTERS for pair in complete.values()
        ):
            return await self.faq(
                request,
                error=t.gettext("Write a question and its answer in at least one language."),
            )
        async with self.services.database.session() as session:
            repository = FaqRepository(session)
            entry = await repository.get(number)
            if entry is None:
                return await self.faq(
                    request, error=t.gettext("There is no FAQ entry #{number}.", number=number)
                )
            changed = {
                language: pair
                for language, pair in complete.items()
                if pair
                != (getattr(entry, f"question_{language}"), getattr(entry, f"answer_{language}"))
            }
            if not changed:
                return await self.faq(
                    request, notice=t.gettext("FAQ #{number} is unchanged.", number=number)
                )
            repository.edit_languages(entry, changed, "dashboard", self._now())
            version = entry.version
        await index_and_tell(self.services, number)
        notice = t.gettext(
            "FAQ #{number} is now version {version}.", number=number, version=version
        )
        return await self.faq(request, notice=notice)

    async def retire_faq(self, request: web.Request) -> web.StreamResponse:
        t, number = translator_for(request), int(request.match_info["number"])
        async with self.services.database.session() as session:
            repository = FaqRepository(session)
            entry = await repository.get(number)
            if entry is None:
                return await self.faq(
                    request, error=t.gettext("There is no FAQ entry #{number}.", number=number)
                )
            repository.retire(entry, "dashboard", self._now())
        await follow_knowledge(self.services)
        return await self.faq(request, notice=t.gettext("FAQ #{number} retired.", number=number))

    async def reload(self, request: web.Request) -> web.StreamResponse:
        t = translator_for(request)
        problems, summary = await reload_content(self.services)
        if problems:
            listed = "; ".join(str(problem) for problem in problems[:20])
            return await self.faq(
                request, error=t.gettext("Nothing was reloaded: {problems}", problems=listed)
            )
        return await self.faq(
            request, notice=t.gettext("Content reloaded: {summary}.", summary=summary)
        )

    def _now(self) -> datetime:
        return self.services.clock.now()
