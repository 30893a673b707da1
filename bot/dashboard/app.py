"""Dashboard pages: registrations, broadcasts (compose → preview → confirm, through the same outbox
as /announce), deadlines and upcoming reminders, unanswered questions, the ticket queue (answer,
publish as FAQ), the FAQ (add, retire), the content reload and the answers report (SVG charts
drawn on the server).

Access (see `access.py`): the organizer token from BOT_DASHBOARD_TOKEN, with failed logins
limited, then a server-side session named by a signed, HttpOnly, SameSite=Strict cookie (Secure
behind HTTPS); every form carries the session's CSRF token. Without a live session, every page
sends the browser to the login form.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup
from sqlalchemy import func, select

from bot.content.models import parse_offset
from bot.core.context import Services
from bot.dashboard.access import SESSION_LIFETIME, DashboardAccess, SessionInfo
from bot.dashboard.charts import bars, stacked_bars
from bot.dashboard.report import OUTCOMES, answers_report
from bot.deadlines import current_deadlines
from bot.export import registrations_csv
from bot.features.faq import index_and_tell
from bot.features.tickets import MAX_ANSWER_CHARACTERS, answer_ticket
from bot.i18n import Translator, detect_language
from bot.knowledge.build import follow_knowledge, reload_content
from bot.outbox.audience import CHANNELS, EVERYONE, PLATFORMS, audience_size, is_valid
from bot.outbox.broadcasts import BroadcastRepository
from bot.storage.answers import AnswerRepository
from bot.storage.faq import FaqRepository
from bot.storage.feedback import TicketRepository
from bot.storage.models import (
    Broadcast,
    Delivery,
    FaqEntry,
    Member,
    Registration,
    Ticket,
    UnansweredQuestion,
)
from bot.storage.registrations import RegistrationRepository
from bot.timeparse import parse_local_time

COOKIE = "cb_session"
SESSION_KEY: web.RequestKey[SessionInfo] = web.RequestKey("session", SessionInfo)
_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=jinja2.select_autoescape(["html"]),
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_dashboard(app: web.Application, services: Services, token: str) -> None:
    """Mount the dashboard under /dashboard/ on the service's HTTP app."""
    dashboard = Dashboard(services, token)
    routes = [
        ("GET", "/dashboard/login", dashboard.login_form, False),
        ("POST", "/dashboard/login", dashboard.login, False),
        ("POST", "/dashboard/logout", dashboard.logout, True),
        ("GET", "/dashboard/", dashboard.overview, True),
        ("GET", "/dashboard/registrations", dashboard.registrations, True),
        ("GET", "/dashboard/registrations.csv", dashboard.registrations_file, True),
        ("GET", "/dashboard/broadcasts", dashboard.broadcasts, True),
        ("POST", "/dashboard/broadcasts/preview", dashboard.preview, True),
        ("POST", r"/dashboard/broadcasts/{number:\d+}/confirm", dashboard.confirm, True),
        ("POST", r"/dashboard/broadcasts/{number:\d+}/cancel", dashboard.cancel, True),
        ("GET", "/dashboard/deadlines", dashboard.deadlines, True),
        ("GET", "/dashboard/unanswered", dashboard.unanswered, True),
        ("GET", "/dashboard/report", dashboard.report, True),
        ("GET", "/dashboard/tickets", dashboard.tickets, True),
        ("POST", r"/dashboard/tickets/{number:\d+}/answer", dashboard.answer_ticket, True),
        ("POST", r"/dashboard/tickets/{number:\d+}/publish", dashboard.publish_ticket, True),
        ("GET", "/dashboard/faq", dashboard.faq, True),
        ("POST", "/dashboard/faq/add", dashboard.add_faq, True),
        ("POST", r"/dashboard/faq/{number:\d+}/retire", dashboard.retire_faq, True),
        ("POST", "/dashboard/reload", dashboard.reload, True),
    ]
    for method, path, handler, protected in routes:
        app.router.add_route(method, path, dashboard.guard(handler) if protected else handler)


class Dashboard:
    def __init__(self, services: Services, token: str) -> None:
        self.services = services
        idle = timedelta(minutes=services.settings.dashboard_idle_minutes)
        self.access = DashboardAccess(services.database, token, idle)

    # --- access ---------------------------------------------------------------------------------

    def guard(self, handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            cookie = request.cookies.get(COOKIE)
            session = (
                await self.access.session_for(cookie, self.services.clock.now()) if cookie else None
            )
            if session is None:
                raise web.HTTPSeeOther("/dashboard/login")
            if request.method == "POST":
                form = await request.post()
                if not hmac.compare_digest(str(form.get("csrf", "")), session.csrf):
                    raise web.HTTPForbidden(text="The form is stale; reload the page.")
            request[SESSION_KEY] = session
            return await handler(request)

        return guarded

    async def login_form(self, request: web.Request) -> web.StreamResponse:
        return self._page(request, "login.html", "Organizer login")

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        outcome = await self.access.log_in(
            str(form.get("token", "")), request.remote or "?", self.services.clock.now()
        )
        if outcome.retry_after:
            response = self._page(
                request,
                "login.html",
                "Organizer login",
                status=429,
                error=f"Too many wrong tokens. Try again in {outcome.retry_after} s.",
            )
            response.headers["Retry-After"] = str(outcome.retry_after)
            return response
        if outcome.session_cookie is None:
            return self._page(
                request,
                "login.html",
                "Organizer login",
                status=401,
                error="That token is not right.",
            )
        response = web.HTTPSeeOther("/dashboard/")
        response.set_cookie(
            COOKIE,
            outcome.session_cookie,
            httponly=True,
            samesite="Strict",
            secure=self.services.settings.dashboard_cookie_secure,
            max_age=int(SESSION_LIFETIME.total_seconds()),
            path="/dashboard",
        )
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        await self.access.log_out(request.cookies.get(COOKIE, ""))
        response = web.HTTPSeeOther("/dashboard/login")
        response.del_cookie(COOKIE, path="/dashboard")
        raise response

    # --- pages ----------------------------------------------------------------------------------

    async def overview(self, request: web.Request) -> web.StreamResponse:
        async with self.services.database.session() as session:
            counts = {
                "members": await _count(session, Member),
                "registrations": await _count(session, Registration),
                "waiting": await session.scalar(
                    select(func.count())
                    .select_from(Delivery)
                    .where(Delivery.status.in_(("queued", "sending")))
                ),
                "unanswered": await _count(session, UnansweredQuestion),
            }
        return self._page(request, "overview.html", "Overview", **counts)

    async def registrations(self, request: web.Request) -> web.StreamResponse:
        contest, t = self.services.contest, Translator("zh")
        async with self.services.database.session() as session:
            repository = RegistrationRepository(session)
            rows = [
                (member, registration, _track_name(contest, registration.track, t))
                async for member, registration in repository.export_rows()
            ]
            totals: dict[str, int] = {}
            for track, _, count in await repository.counts():
                totals[track] = totals.get(track, 0) + count
        per_track = [
            (f"{track.name.zh} / {track.name.en}", totals.get(track.key, 0))
            for track in contest.tracks
        ]
        return self._page(
            request, "registrations.html", "Registrations", rows=rows, per_track=per_track
        )

    async def registrations_file(self, request: web.Request) -> web.StreamResponse:
        async with self.services.database.session() as session:
            content, _ = await registrations_csv(session)
        return web.Response(
            body=content,
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": 'attachment; filename="registrations.csv"'},
        )

    async def broadcasts(
        self, request: web.Request, notice: str = "", error: str = ""
    ) -> web.StreamResponse:
        async with self.services.database.session() as session:
            repository = BroadcastRepository(session)
            rows = [(b, await repository.counts(b.id)) for b in await repository.recent(20)]
        return self._page(
            request,
            "broadcasts.html",
            "Broadcasts",
            rows=rows,
            audiences=self._audiences(),
            zone=self.services.settings.timezone,
            notice=notice,
            error=error,
        )

    async def preview(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        text = str(form.get("text", "")).strip()
        audience = str(form.get("audience", EVERYONE))
        keys = [track.key for track in self.services.contest.tracks]
        if not text or len(text) > 4000 or not is_valid(audience, keys):
            return await self.broadcasts(
                request, error="Write a text (at most 4,000 characters) and choose an audience."
            )
        settings, now = self.services.settings, self.services.clock.now()
        at = None
        if raw := str(form.get("at", "")).strip():
            at = parse_local_time(raw, settings.zone)
            if at is None or at <= now:
                return await self.broadcasts(
                    request, error="“Send at” must be a future time like 2024-10-01 18:00."
                )
        async with self.services.database.session() as session:
            broadcast = Broadcast(
                text=text,
                audience=audience,
                status="draft",
                author_platform="dashboard",
                author_user_id="dashboard",
                author_chat_id="",
                author_language="zh",
                scheduled_at=at,
                created_at=now,
            )
            await BroadcastRepository(session).add(broadcast)
            reach = await audience_size(session, audience)
        when = (
            at.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M") + f" ({settings.timezone})"
            if at
            else "right after you confirm"
        )
        return self._page(
            request,
            "preview.html",
            f"Preview of broadcast #{broadcast.id}",
            broadcast=broadcast,
            reach=reach,
            when=when,
            audience=dict(self._audiences())[audience],
        )

    async def confirm(self, request: web.Request) -> web.StreamResponse:
        number, now = int(request.match_info["number"]), self.services.clock.now()
        async with self.services.database.session() as session:
            broadcast = await BroadcastRepository(session).get(number)
            if broadcast is None or broadcast.status != "draft":
                return await self.broadcasts(
                    request, error=f"Broadcast #{number} was already confirmed or cancelled."
                )
            broadcast.status = "scheduled"
            broadcast.scheduled_at = broadcast.scheduled_at or now
        return await self.broadcasts(request, notice=f"Broadcast #{number} is on its way.")

    async def cancel(self, request: web.Request) -> web.StreamResponse:
        number = int(request.match_info["number"])
        async with self.services.database.session() as session:
            repository = BroadcastRepository(session)
            broadcast = await repository.get(number)
            if broadcast is not None and broadcast.status in ("draft", "scheduled", "queued"):
                await repository.cancel(broadcast, self.services.clock.now())
        return await self.broadcasts(request, notice=f"Broadcast #{number} cancelled.")

    async def deadlines(self, request: web.Request) -> web.StreamResponse:
        settings = self.services.settings
        async with self.services.database.session() as session:
            deadlines = await current_deadlines(session, self.services.contest)
        rows = []
        for deadline in deadlines:
            title = f"{deadline.title.zh} / {deadline.title.en}"
            if deadline.at is None:
                when = deadline.when.zh if deadline.when else "—"
                rows.append((deadline.key, title, when, "— (no time yet)"))
                continue
            reminders = ", ".join(
                (deadline.at - parse_offset(offset))
                .astimezone(settings.zone)
                .strftime("%Y-%m-%d %H:%M")
                + f" ({offset} before)"
                for offset in deadline.remind_before
            )
            when = deadline.at.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M")
            rows.append((deadline.key, title, when, reminders or "—"))
        return self._page(
            request, "deadlines.html", "Deadlines and reminders", rows=rows, zone=settings.timezone
        )

    async def unanswered(self, request: web.Request) -> web.StreamResponse:
        async with self.services.database.session() as session:
            rows = await AnswerRepository(session).most_unanswered(50)
        return self._page(request, "unanswered.html", "Unanswered questions", rows=rows)

    # --- the answer loop ------------------------------------------------------------------------

    async def report(self, request: web.Request) -> web.StreamResponse:
        async with self.services.database.session() as session:
            data = await answers_report(session, self._now())
        charts = {
            "per_day": stacked_bars(data.per_day, OUTCOMES, "Questions per day by outcome"),
            "helpful": bars(data.helpful_per_week, "Helpful rate per week", "%"),
            "hours": bars(data.hours_to_answer_per_week, "Hours to a person's answer", "h"),
        }
        return self._page(
            request,
            "report.html",
            "Answers report",
            charts={name: Markup(svg) for name, svg in charts.items()},  # escaped when drawn
            unanswered=data.unanswered,
        )

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
        return self._page(
            request,
            "tickets.html",
            "Tickets",
            waiting=waiting,
            answered=answered,
            notice=notice,
            error=error,
        )

    async def answer_ticket(self, request: web.Request) -> web.StreamResponse:
        number = int(request.match_info["number"])
        answer = str((await request.post()).get("answer", "")).strip()
        if not answer or len(answer) > MAX_ANSWER_CHARACTERS:
            return await self.tickets(request, error="Write an answer (at most 3,000 characters).")
        async with self.services.database.session() as session:
            ticket = await TicketRepository(session).get(number)
            if ticket is None:
                return await self.tickets(request, error=f"There is no ticket #{number}.")
            member = await answer_ticket(session, self.services, ticket, answer, "dashboard")
        if member is None:
            return await self.tickets(request, error=f"The member of #{number} left.")
        return await self.tickets(request, notice=f"Ticket #{number} answered.")

    async def publish_ticket(self, request: web.Request) -> web.StreamResponse:
        number = int(request.match_info["number"])
        async with self.services.database.session() as session:
            ticket = await TicketRepository(session).get(number)
            if ticket is None or not ticket.answer:
                return await self.tickets(request, error=f"Ticket #{number} has no answer yet.")
            entry = await FaqRepository(session).publish(
                ticket.language, ticket.question, ticket.answer, "dashboard", self._now()
            )
            entry_id = entry.id
        await index_and_tell(self.services, entry_id)
        return await self.faq(request, notice=f"FAQ #{entry_id} published from ticket #{number}.")

    async def faq(
        self, request: web.Request, notice: str = "", error: str = ""
    ) -> web.StreamResponse:
        async with self.services.database.session() as session:
            entries = list(await session.scalars(select(FaqEntry).order_by(FaqEntry.id)))
        return self._page(request, "faq.html", "FAQ", entries=entries, notice=notice, error=error)

    async def add_faq(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        question = str(form.get("question", "")).strip()
        answer = str(form.get("answer", "")).strip()
        if not question or not answer or len(question) + len(answer) > 3000:
            return await self.faq(request, error="Write a question and its answer.")
        language = detect_language(question) or self.services.settings.default_language
        async with self.services.database.session() as session:
            entry = await FaqRepository(session).publish(
                language, question, answer, "dashboard", self._now()
            )
            entry_id = entry.id
        await index_and_tell(self.services, entry_id)
        return await self.faq(request, notice=f"FAQ #{entry_id} published.")

    async def retire_faq(self, request: web.Request) -> web.StreamResponse:
        number = int(request.match_info["number"])
        async with self.services.database.session() as session:
            repository = FaqRepository(session)
            entry = await repository.get(number)
            if entry is None:
                return await self.faq(request, error=f"There is no FAQ entry #{number}.")
            repository.retire(entry, "dashboard", self._now())
        await follow_knowledge(self.services)
        return await self.faq(request, notice=f"FAQ #{number} retired.")

    async def reload(self, request: web.Request) -> web.StreamResponse:
        problems, summary = await reload_content(self.services)
        if problems:
            listed = "; ".join(str(problem) for problem in problems[:20])
            return await self.faq(request, error=f"Nothing was reloaded: {listed}")
        return await self.faq(request, notice=f"Content reloaded: {summary}.")

    def _now(self) -> datetime:
        return self.services.clock.now()

    # --- helpers --------------------------------------------------------------------------------

    def _audiences(self) -> list[tuple[str, str]]:
        tracks = [
            (f"track:{t.key}", f"Registrants of {t.name.en}") for t in self.services.contest.tracks
        ]
        platforms = [(f"platform:{p}", f"{p.capitalize()} only") for p in PLATFORMS]
        return [
            (EVERYONE, "Everyone"),
            *platforms,
            (CHANNELS, "Announcement channels only"),
            *tracks,
        ]

    def _page(
        self, request: web.Request, name: str, title: str, status: int = 200, **values: Any
    ) -> web.Response:
        session = request.get(SESSION_KEY)
        html = _templates.get_template(name).render(
            title=title,
            signed_in=session is not None,
            csrf=session.csrf if session else "",
            **values,
        )
        return web.Response(text=html, content_type="text/html", status=status)


async def _count(session: Any, model: type) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


def _track_name(contest: Any, key: str, t: Translator) -> str:
    track = contest.track(key)
    return t.pick(track.name.as_dict()) if track else key
