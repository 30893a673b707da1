"""/subscribe, /unsubscribe and /timezone: what a member receives unasked, and in which time."""

from __future__ import annotations

import difflib
from functools import cache
from zoneinfo import available_timezones

from bot.core.context import Context
from bot.core.router import Argument, ArgumentKind, Replies, Router
from bot.i18n import N_
from bot.messages import Button, Reply
from bot.storage.registrations import SubscriptionRepository

router = Router()
ALL = "all"
ANNOUNCEMENTS = "announcements"
TOPICS = ((ALL, N_("All deadline reminders")), (ANNOUNCEMENTS, N_("Organizers' announcements")))


@router.command(
    "subscribe",
    N_("Deadline reminders (all, or one track) or announcements"),
    argument=Argument("topic", N_("What to receive"), ArgumentKind.TRACK, TOPICS),
)
async def subscribe(ctx: Context) -> Replies:
    return await _subscribe(ctx, ctx.incoming.args.strip() or ALL)


@router.command(
    "unsubscribe",
    N_("Stop reminders (all, or one track) or announcements"),
    argument=Argument("topic", N_("What to stop"), ArgumentKind.TRACK, TOPICS),
)
async def unsubscribe(ctx: Context) -> Replies:
    typed = ctx.incoming.args.strip()
    if typed.lower() in (ANNOUNCEMENTS, "公告"):
        return _set_announcements(ctx, wanted=False)
    subscriptions = SubscriptionRepository(ctx.session)
    if not typed or typed.lower() in (ALL, "全部"):
        removed = await subscriptions.remove(ctx.member.id)
        text = (
            ctx.t.gettext("You will receive no more deadline reminders.")
            if removed
            else ctx.t.gettext("You had no reminder subscriptions.")
        )
        return [Reply(text, private=True)]
    track = ctx.services.contest.find_track(typed)
    if track is None:
        return [_unknown_topic(ctx, typed)]
    name = ctx.t.pick(track.name.as_dict())
    if await subscriptions.remove(ctx.member.id, track.key):
        return [Reply(ctx.t.gettext("No more reminders for {track}.", track=name), private=True)]
    return [Reply(ctx.t.gettext("You were not subscribed to {track}.", track=name), private=True)]


@router.button("subscribe")
async def subscribe_pressed(ctx: Context) -> Replies:
    topic = (ctx.incoming.pressed or "").partition(":")[2]
    if topic == "none":
        return [Reply(ctx.t.gettext("OK. /subscribe turns reminders on whenever you like."))]
    return await _subscribe(ctx, topic)


@router.button(ANNOUNCEMENTS)
async def announcements_pressed(ctx: Context) -> Replies:
    return _set_announcements(ctx, (ctx.incoming.pressed or "").partition(":")[2] == "on")


async def _subscribe(ctx: Context, typed: str) -> Replies:
    if not ctx.incoming.gets_reminders:
        return [calendar_instead(ctx)]
    if typed.lower() in (ANNOUNCEMENTS, "公告"):
        return _set_announcements(ctx, wanted=True)
    if typed.lower() in (ALL, "全部"):
        topic, name = ALL, ctx.t.gettext("all deadlines")
    else:
        track = ctx.services.contest.find_track(typed)
        if track is None:
            return [_unknown_topic(ctx, typed)]
        topic, name = track.key, ctx.t.pick(track.name.as_dict())
    added = await SubscriptionRepository(ctx.session).add(
        ctx.member.id, topic, ctx.services.clock.now()
    )
    text = (
        ctx.t.gettext(
            "I will remind you of {topic} before each deadline, in your timezone "
            "({zone}; /timezone changes it).",
            topic=name,
            zone=ctx.zone_name,
        )
        if added
        else ctx.t.gettext("You are already subscribed to {topic}.", topic=name)
    )
    if not ctx.member.reachable:
        text += "\n" + ctx.t.gettext("Send me a private message once so I can write to you.")
    return [Reply(text, private=True)]


def _set_announcements(ctx: Context, wanted: bool) -> Replies:
    ctx.member.wants_announcements = wanted
    if wanted:
        text = ctx.t.gettext(
            "You will receive organizers' announcements in your private chat "
            "with me. /unsubscribe announcements stops them."
        )
        if not ctx.member.reachable:
            text += "\n" + ctx.t.gettext("Send me a private message once so I can write to you.")
    else:
        text = ctx.t.gettext(
            "You will no longer receive announcements. /subscribe announcements brings them back."
        )
    return [Reply(text, private=True)]


def _unknown_topic(ctx: Context, typed: str) -> Reply:
    options = ctx.t.gettext(", ").join(
        [ALL, ANNOUNCEMENTS, *(track.key for track in ctx.services.contest.tracks)]
    )
    return Reply(
        ctx.t.gettext(
            "I don't know “{typed}”. Choose one of: {options}.", typed=typed[:50], options=options
        ),
        private=True,
    )


@router.command(
    "timezone",
    N_("Your timezone, for deadlines and reminders"),
    argument=Argument("zone", N_("An IANA timezone, e.g. Asia/Shanghai"), ArgumentKind.TIMEZONE),
)
async def timezone(ctx: Context) -> Replies:
    typed = ctx.incoming.args.strip()
    if not typed:
        text = ctx.t.gettext(
            "Your timezone is {zone}. Change it with /timezone followed by a "
            "name like Asia/Shanghai or America/New_York.",
            zone=ctx.zone_name,
        )
        return [Reply(text, private=True)]
    zone = _zones_by_lowercase().get(typed.lower().replace(" ", "_"))
    if zone is None:
        suggestions = difflib.get_close_matches(
            typed.lower(), _zones_by_lowercase(), n=3, cutoff=0.6
        )
        names = ctx.t.gettext(", ").join(_zones_by_lowercase()[s] for s in suggestions)
        text = ctx.t.gettext("“{typed}” is not a timezone I know.", typed=typed[:50])
        if names:
            text += " " + ctx.t.gettext("Did you mean: {names}?", names=names)
        return [Reply(text, private=True)]
    ctx.member.timezone = zone
    return [
        Reply(
            ctx.t.gettext(
                "Your timezone is now {zone}. /deadlines shows the dates in it.", zone=zone
            ),
            private=True,
        )
    ]


@cache
def _zones_by_lowercase() -> dict[str, str]:
    return {zone.lower(): zone for zone in available_timezones()}


def calendar_instead(ctx: Context) -> Reply:
    """Where reminders cannot reach (the web chat): the calendar, with its alarms, instead."""
    text = ctx.t.gettext(
        "Reminders cannot reach this page when it is closed. Put the dates in your calendar "
        "instead: each comes with its reminders as alarms."
    )
    return Reply(text, buttons=(Button(ctx.t.gettext("Calendar"), "run:calendar"),))
