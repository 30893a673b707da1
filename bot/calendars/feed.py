"""Calendars over HTTP, for calendar apps to subscribe to:

    /calendar.ics?track=<key>&lang=zh|en     the contest dates (one track's, or all)
    /calendar/<token>.ics                    one member's: the deadlines of their reminders

The member's token is signed with a key shared by every process (it names the member and
nothing else); `/forgetme` makes it name no one. Both feeds are rebuilt on each request, so a
moved deadline shows on the app's next refresh, with a higher SEQUENCE.
"""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.calendars.ics import concerning, contest_calendar
from bot.calendars.revisions import sequences
from bot.core.context import Services
from bot.deadlines import current_deadlines
from bot.i18n import Language, Translator, normalize_language
from bot.outbox.direct import member_language
from bot.storage.keys import shared_key_in
from bot.storage.models import Member
from bot.storage.registrations import SubscriptionRepository

KEY_NAME = "calendar-feed"
CONTENT_TYPE = "text/calendar"


async def member_feed_path(session: AsyncSession, member_id: int) -> str:
    return f"/calendar/{(await _signer(session)).dumps(member_id)}.ics"


async def calendar_for(
    session: AsyncSession,
    services: Services,
    language: Language,
    tracks: list[str] | None,
    now: datetime,
) -> tuple[bytes, int, int]:
    """The .ics bytes of the deadlines of `tracks` (None: every deadline), with how many dates
    it holds and how many are not announced yet."""
    deadlines = concerning(await current_deadlines(session, services.contest), tracks)
    t = Translator(language)
    numbers = await sequences(session, deadlines, now)
    content = contest_calendar(services.contest, deadlines, t, numbers, now)
    announced = sum(1 for d in deadlines if d.at is not None)
    return content, announced, len(deadlines) - announced


async def member_tracks(session: AsyncSession, member: Member) -> list[str] | None:
    """The tracks whose deadlines a member's reminders cover (None: all of them; [] only the
    deadlines of every track)."""
    topics = await SubscriptionRepository(session).topics(member.id)
    if "all" in topics:
        return None
    return [topic for topic in topics if topic != "announcements"]


def add_calendar_feeds(app: web.Application, services: Services) -> None:
    async def public_feed(request: web.Request) -> web.StreamResponse:
        track = request.query.get("track") or None
        if track is not None and services.contest.track(track) is None:
            keys = ", ".join(t.key for t in services.contest.tracks)
            raise web.HTTPNotFound(text=f"No track {track!r}; the tracks are: {keys}.")
        language = normalize_language(request.query.get("lang"), services.settings.default_language)
        async with services.database.session() as session:
            content, _, _ = await calendar_for(
                session, services, language, [track] if track else None, services.clock.now()
            )
        return _ics(content, f"contest-{track or 'all'}.ics")

    async def member_feed(request: web.Request) -> web.StreamResponse:
        async with services.database.session() as session:
            try:
                member_id = (await _signer(session)).loads(request.match_info["token"])
            except BadSignature:
                raise web.HTTPNotFound(text="This calendar address is not valid.") from None
            member = await session.get(Member, int(member_id))
            if member is None:  # forgotten: the address names no one now
                raise web.HTTPNotFound(text="This calendar address is not valid.")
            language = member_language(member, services.settings.default_language)
            tracks = await member_tracks(session, member)
            content, _, _ = await calendar_for(
                session, services, language, tracks, services.clock.now()
            )
        return _ics(content, "my-contest-dates.ics")

    app.router.add_get("/calendar.ics", public_feed)
    app.router.add_get(r"/calendar/{token:[A-Za-z0-9_.\-]+}.ics", member_feed)


def _ics(content: bytes, filename: str) -> web.Response:
    return web.Response(
        body=content,
        content_type=CONTENT_TYPE,
        charset="utf-8",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "no-cache",  # a moved deadline shows on the next refresh
        },
    )


async def _signer(session: AsyncSession) -> URLSafeSerializer:
    return URLSafeSerializer(await shared_key_in(session, KEY_NAME), salt="calendar feed")
