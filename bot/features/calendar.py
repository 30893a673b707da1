"""/calendar [track]: the contest dates as an .ics file, with alarms, and the addresses to
subscribe to so that a calendar app follows the changes."""

from __future__ import annotations

from bot.calendars.feed import calendar_for, member_feed_path
from bot.core.context import Context
from bot.core.router import Argument, ArgumentKind, Replies, Router
from bot.i18n import N_
from bot.messages import Attachment, Reply

router = Router()


@router.command(
    "calendar",
    N_("The contest dates for your calendar app (.ics), with alarms"),
    argument=Argument("track", N_("The track"), ArgumentKind.TRACK),
)
async def calendar(ctx: Context) -> Replies:
    t, contest, typed = ctx.t, ctx.services.contest, ctx.incoming.args.strip()
    track = contest.find_track(typed) if typed else None
    if typed and track is None:
        names = t.gettext(", ").join(
            f"{t.pick(x.name.as_dict())} ({x.key})" for x in contest.tracks
        )
        text = t.gettext(
            "There is no track “{typed}”. The tracks are: {tracks}.", typed=typed[:50], tracks=names
        )
        return [Reply(text, private=True)]
    content, announced, unannounced = await calendar_for(
        ctx.session,
        ctx.services,
        t.language,
        [track.key] if track else None,
        ctx.services.clock.now(),
    )
    if announced == 0:
        lines = [
            t.gettext(
                "No contest date is announced yet, so the calendar is empty for now; subscribe "
                "to it and the dates appear as they are announced. /deadlines shows what is known."
            )
        ]
    else:
        lines = [
            t.gettext(
                "The contest dates for your calendar: {count} dates, each with its reminders as "
                "alarms.",
                count=announced,
            )
        ]
        if unannounced:
            lines.append(
                t.gettext(
                    "{count} dates are not announced yet, so they are not in it; /deadlines "
                    "shows them.",
                    count=unannounced,
                )
            )
    if public := ctx.services.settings.public_url:
        base = public.rstrip("/")
        query = f"?track={track.key}&lang={t.language}" if track else f"?lang={t.language}"
        feed = f"{base}/calendar.ics{query}"
        lines.append(t.gettext("Subscribe to follow changes: {url}", url=feed))
        mine = await member_feed_path(ctx.session, ctx.member.id)
        lines.append(
            t.gettext(
                "Your own calendar, following your reminders (keep it to yourself): {url}",
                url=base + mine,
            )
        )
    name = f"contest-dates-{track.key}.ics" if track else "contest-dates.ics"
    attachment = Attachment(name, content, "text/calendar")
    return [Reply("\n".join(lines), attachment=attachment, private=True)]
