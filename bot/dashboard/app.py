"""Dashboard pages: registrations, broadcasts (compose → preview → confirm, through the same outbox
as /announce), deadlines and upcoming reminders and unanswered questions; the answer loop's pages
are in `answer_loop.py`. Every page speaks Chinese or English (`page.py`).

Access (see `access.py`): the organizer token from BOT_DASHBOARD_TOKEN, with failed logins
limited, then a server-side session named by a signed, HttpOnly, SameSite=Strict cookie (Secure
behind HTTPS); every form carries the session's CSRF token. Without a live session, every page
sends the browser to the login form.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import func, select

from bot.content.models import parse_offset
from bot.core.context import Services
from bot.dashboard.access import SESSION_LIFETIME, DashboardAccess
from bot.dashboard.answer_loop import AnswerLoopPages
from bot.dashboard.documents import DocumentPages
from bot.dashboard.page import SESSION_KEY, render, switch_language, translator_for
from bot.deadlines import current_deadlines
from bot.export import registrations_csv
from bot.features.broadcasts import audience_label, offered_audiences, small_team_sizes
from bot.i18n import N_, Translator
from bot.outbox.audience import EVERYONE, audience_size, is_stage, is_valid, narrowed, resized
from bot.outbox.broadcasts import BroadcastRepository
from bot.storage.answers import AnswerRepository
from bot.storage.models import Broadcast, Delivery, Member, Registration, UnansweredQuestion
from bot.storage.registrations import RegistrationRepository
from bot.timeparse import parse_local_time

COOKIE = "cb_session"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_dashboard(app: web.Application, services: Services, token: str) -> None:
    """Mount the dashboard under /dashboard/ on the service's HTTP app."""
    dashboard = Dashboard(services, token)
    routes = [
        ("GET", "/dashboard/language", switch_language, False),
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
        *((method, path, handler, True) for method, path, handler in dashboard.answers.routes()),
    ]
    for method, path, handler, protected in routes:
        app.router.add_route(method, path, dashboard.guard(handler) if protected else handler)
    for method, path, handler, streams_body in dashboard.documents.routes():
        app.router.add_route(method, path, dashboard.guard(handler, streams_body))


class Dashboard:
    def __init__(self, services: Services, token: str) -> None:
        self.services = services
        idle = timedelta(minutes=services.settings.dashboard_idle_minutes)
        self.access = DashboardAccess(services.database, token, idle)
        self.answers = AnswerLoopPages(services)
        self.documents = DocumentPages(services)

    # --- access ---------------------------------------------------------------------------------

    def guard(self, handler: Handler, streams_body: bool = False) -> Handler:
        """Pages for a live session only; a POST's form must carry its CSRF token (a handler
        that `streams_body` checks it itself, as its first part)."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            cookie = request.cookies.get(COOKIE)
            session = (
                await self.access.session_for(cookie, self.services.clock.now()) if cookie else None
            )
            if session is None:
                raise web.HTTPSeeOther("/dashboard/login")
            if request.method == "POST" and not streams_body:
                form = await request.post()
                if not hmac.compare_digest(str(form.get("csrf", "")), session.csrf):
                    stale = translator_for(request).gettext("The form is stale; reload the page.")
                    raise web.HTTPForbidden(text=stale)
            request[SESSION_KEY] = session
            return await handler(request)

        return guarded

    async def login_form(self, request: web.Request) -> web.StreamResponse:
        return render(request, "login.html", N_("Organizer login"))

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        outcome = await self.access.log_in(
            str(form.get("token", "")), request.remote or "?", self.services.clock.now()
        )
        t = translator_for(request)
        if outcome.retry_after:
            response = render(
                request,
                "login.html",
                N_("Organizer login"),
                status=429,
                error=t.gettext(
                    "Too many wrong tokens. Try again in {seconds} s.", seconds=outcome.retry_after
                ),
            )
            response.headers["Retry-After"] = str(outcome.retry_after)
            return response
        if outcome.session_cookie is None:
            return render(
                request,
                "login.html",
                N_("Organizer login"),
                status=401,
                error=t.gettext("That token is not right."),
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
        return render(request, "overview.html", N_("Overview"), **counts)

    async def registrations(self, request: web.Request) -> web.StreamResponse:
        contest, t = self.services.contest, translator_for(request)
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
        return render(
            request, "registrations.html", N_("Registrations"), rows=rows, per_track=per_track
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
        return render(
            request,
            "broadcasts.html",
            N_("Broadcasts"),
            rows=rows,
            audiences=self._audiences(translator_for(request)),
            zone=self.services.settings.timezone,
            notice=notice,
            error=error,
        )

    async def preview(self, request: web.Request) -> web.StreamResponse:
        t, form = translator_for(request), await request.post()
        text = str(form.get("text", "")).strip()
        audience = str(form.get("audience", EVERYONE))
        keys = [track.key for track in self.services.contest.tracks]
        if not text or len(text) > 4000 or not is_valid(audience, keys):
            return await self.broadcasts(
                request,
                error=t.gettext("Write a text (at most 4,000 characters) and choose an audience."),
            )
        settings, now = self.services.settings, self.services.clock.now()
        at = None
        if raw := str(form.get("at", "")).strip():
            at = parse_local_time(raw, settings.zone)
            if at is None or at <= now:
                return await self.broadcasts(
                    request,
                    error=t.gettext("“Send at” must be a future time like 2024-10-01 18:00."),
                )
        async with self.services.database.session() as session:
            broadcast = Broadcast(
                text=text,
                audience=audience,
                status="draft",
                author_platform="dashboard",
                author_user_id="dashboard",
                author_chat_id="",
                author_language=t.language,
                scheduled_at=at,
                created_at=now,
            )
            await BroadcastRepository(session).add(broadcast)
            reach = await audience_size(session, audience)
        when = (
            at.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M") + f" ({settings.timezone})"
            if at
            else t.gettext("right after you confirm")
        )
        return render(
            request,
            "preview.html",
            N_("Preview of broadcast #{number}"),
            title_values={"number": broadcast.id},
            broadcast=broadcast,
            reach=reach,
            when=when,
            audience=_capitalized(audience_label(t, audience, self.services.contest)),
        )

    async def confirm(self, request: web.Request) -> web.StreamResponse:
        number, now = int(request.match_info["number"]), self.services.clock.now()
        t = translator_for(request)
        async with self.services.database.session() as session:
            broadcast = await BroadcastRepository(session).get(number)
            if broadcast is None or broadcast.status != "draft":
                return await self.broadcasts(
                    request,
                    error=t.gettext(
                        "Broadcast #{number} was already confirmed or cancelled.", number=number
                    ),
                )
            broadcast.status = "scheduled"
            broadcast.scheduled_at = broadcast.scheduled_at or now
        return await self.broadcasts(
            request, notice=t.gettext("Broadcast #{number} is on its way.", number=number)
        )

    async def cancel(self, request: web.Request) -> web.StreamResponse:
        number = int(request.match_info["number"])
        async with self.services.database.session() as session:
            repository = BroadcastRepository(session)
            broadcast = await repository.get(number)
            if broadcast is not None and broadcast.status in ("draft", "scheduled", "queued"):
                await repository.cancel(broadcast, self.services.clock.now())
        notice = translator_for(request).gettext("Broadcast #{number} cancelled.", number=number)
        return await self.broadcasts(request, notice=notice)

    async def deadlines(self, request: web.Request) -> web.StreamResponse:
        settings, t = self.services.settings, translator_for(request)
        async with self.services.database.session() as session:
            deadlines = await current_deadlines(session, self.services.contest)
        rows = []
        for deadline in deadlines:
            title = t.pick(deadline.title.as_dict())
            if deadline.at is None:
                when = t.pick(deadline.when.as_dict()) if deadline.when else "—"
                rows.append((deadline.key, title, when, t.gettext("— (no time yet)")))
                continue
            reminders = ", ".join(
                (deadline.at - parse_offset(offset))
                .astimezone(settings.zone)
                .strftime("%Y-%m-%d %H:%M")
                + t.gettext(" ({offset} before)", offset=offset)
                for offset in deadline.remind_before
            )
            when = deadline.at.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M")
            rows.append((deadline.key, title, when, reminders or "—"))
        return render(
            request,
            "deadlines.html",
            N_("Deadlines and reminders"),
            rows=rows,
            zone=settings.timezone,
        )

    async def unanswered(self, request: web.Request) -> web.StreamResponse:
        async with self.services.database.session() as session:
            rows = await AnswerRepository(session).most_unanswered(50)
        return render(request, "unanswered.html", N_("Unanswered questions"), rows=rows)

    # --- helpers --------------------------------------------------------------------------------

    def _audiences(self, t: Translator) -> list[tuple[str, str]]:
        """Every audience, the contest stages also on each platform alone, and teams below
        each size."""
        contest = self.services.contest
        choices = []
        for offered in offered_audiences(contest):
            for audience in resized(offered, small_team_sizes(contest)) or [offered]:
                choices.append(audience)
                if is_stage(audience):
                    choices += [a for a in narrowed(audience) if "@" in a]
        return [(a, _capitalized(audience_label(t, a, contest))) for a in choices]


async def _count(session: Any, model: type) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _track_name(contest: Any, key: str, t: Translator) -> str:
    track = contest.track(key)
    return t.pick(track.name.as_dict()) if track else key
