"""/announce and /broadcasts: organizers write once, preview, confirm, and see what was sent.

Nothing is sent from here: confirming schedules the broadcast (now or later) and the delivery
worker turns it into outbox rows and sends them.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.content.models import Contest
from bot.core.context import Context
from bot.core.router import Argument, Replies, Router
from bot.i18n import N_, Translator
from bot.messages import Button, Reply
from bot.outbox.audience import (
    CHANNELS,
    EVERYONE,
    SMALL_TEAMS,
    SOLO,
    SUBSCRIBERS,
    TRACK,
    UNREGISTERED,
    WEB,
    audience_size,
    is_valid,
    narrowed,
    offered,
    resized,
    split,
)
from bot.outbox.broadcasts import BroadcastRepository
from bot.storage.models import Broadcast
from bot.timeparse import parse_local_time

router = Router()
MAX_ANNOUNCEMENT_CHARACTERS = 4000
SMALL_TEAM_SIZES_WITHOUT_LIMIT = 5  # "teams of fewer than 2…5" while no size limit is announced
_AT = re.compile(r"^--at\s+(\d{4}-\d{1,2}-\d{1,2})[ T](\d{1,2}:\d{2})\s*(.*)$", re.S)
_MANAGE = re.compile(r"^(cancel|edit)\s+#?(\d+)\s*(.*)$", re.S | re.I)
_MANAGE_WORD = re.compile(r"^(cancel|edit)(\s+\S+)?\s*$", re.I)


@router.command(
    "announce",
    N_("Announce to the community (organizers)"),
    organizer_only=True,
    argument=Argument(
        "text",
        N_("The announcement; start with --at YYYY-MM-DD HH:MM to schedule it"),
        required=True,
        long_text=True,
    ),
)
async def announce(ctx: Context) -> Replies:
    args = ctx.incoming.args.strip()
    if (manage := _MANAGE.match(args)) is not None:
        return await _manage(ctx, manage[1].lower(), int(manage[2]), manage[3].strip())
    if _MANAGE_WORD.match(args):  # "cancel"/"edit" without a number: surely not an announcement
        return [_usage(ctx)]
    at: datetime | None = None
    if (timed := _AT.match(args)) is not None:
        at = parse_local_time(f"{timed[1]} {timed[2]}", ctx.zone)
        if at is None:
            return [_usage(ctx)]
        if at <= ctx.services.clock.now():
            return [Reply(ctx.t.gettext("That time has already passed."), private=True)]
        args = timed[3].strip()
    elif args.startswith("--at"):
        return [_usage(ctx)]
    if not args:
        return [_usage(ctx)]
    if len(args) > MAX_ANNOUNCEMENT_CHARACTERS:
        text = ctx.t.gettext(
            "An announcement can have at most {limit} characters; this one has {length}.",
            limit=MAX_ANNOUNCEMENT_CHARACTERS,
            length=len(args),
        )
        return [Reply(text, private=True)]
    return [await draft_announcement(ctx, args, at)]


async def draft_announcement(ctx: Context, text: str, at: datetime | None = None) -> Reply:
    """An announcement waiting for its author's confirmation: the preview, with its buttons."""
    broadcast = Broadcast(
        text=text,
        audience=EVERYONE,
        status="draft",
        author_platform=ctx.incoming.platform,
        author_user_id=ctx.incoming.user.id,
        # The delivery report concerns the organizer alone: privately, not in the channel.
        author_chat_id=ctx.member.private_chat_id or ctx.incoming.private_target,
        author_language=ctx.t.language,
        scheduled_at=at,
        created_at=ctx.services.clock.now(),
    )
    await BroadcastRepository(ctx.session).add(broadcast)
    return await _preview(ctx, broadcast)


@router.button("broadcast", organizer_only=True)
async def broadcast_button(ctx: Context) -> Replies:
    """Payloads: broadcast:<id>:confirm | cancel | audience=<audience>."""
    parts = (ctx.incoming.pressed or "").split(":", 2)
    number, action = [*parts, "", ""][1:3]
    broadcasts = BroadcastRepository(ctx.session)
    broadcast = await broadcasts.get(int(number)) if number.isdigit() else None
    if broadcast is None or broadcast.status != "draft":
        return [
            Reply(
                ctx.t.gettext(
                    "This announcement was already confirmed or cancelled; /broadcasts shows it."
                ),
                private=True,
            )
        ]
    now = ctx.services.clock.now()
    if action == "cancel":
        await broadcasts.cancel(broadcast, now)
        return [Reply(ctx.t.gettext("Cancelled; nothing was sent."), private=True)]
    if action.startswith("audience="):
        audience = action.removeprefix("audience=")
        if is_valid(audience, (track.key for track in ctx.services.contest.tracks)):
            broadcast.audience = audience
        return [await _preview(ctx, broadcast)]
    if action == "confirm":
        broadcast.status = "scheduled"
        broadcast.scheduled_at = broadcast.scheduled_at or now
        if broadcast.scheduled_at > now:
            when = ctx.t.datetime(broadcast.scheduled_at, ctx.zone)
            text = ctx.t.gettext(
                "Announcement #{number} will be sent at {when} ({zone}). "
                "/announce cancel {number} stops it.",
                number=broadcast.id,
                when=when,
                zone=ctx.zone_name,
            )
        else:
            text = ctx.t.gettext(
                "Announcement #{number} is on its way. I'll tell you when it "
                "has been delivered; /broadcasts shows progress.",
                number=broadcast.id,
            )
        return [Reply(text, private=True)]
    return [_usage(ctx)]


@router.command(
    "broadcasts", N_("Recent announcements and their delivery (organizers)"), organizer_only=True
)
async def list_broadcasts(ctx: Context) -> Replies:
    broadcasts = BroadcastRepository(ctx.session)
    recent = await broadcasts.recent()
    if not recent:
        return [Reply(ctx.t.gettext("No announcements yet. /announce writes one."), private=True)]
    lines = [ctx.t.gettext("Recent announcements:")]
    for broadcast in recent:
        counts = await broadcasts.counts(broadcast.id)
        status = _status_label(ctx.t, broadcast.status)
        summary = ctx.t.gettext(
            "#{number} {status} — {sent} sent, {queued} waiting, {unreachable} unreachable, "
            "{failed} failed",
            number=broadcast.id,
            status=status,
            sent=counts.sent,
            queued=counts.queued,
            unreachable=counts.unreachable,
            failed=counts.failed,
        )
        if broadcast.status == "scheduled" and broadcast.scheduled_at is not None:
            summary += " · " + ctx.t.datetime(broadcast.scheduled_at, ctx.zone)
        if broadcast.finished_at and broadcast.enqueued_at:
            summary += " · " + ctx.t.elapsed(broadcast.finished_at - broadcast.enqueued_at)
        lines.append(f"{summary}\n   {_excerpt(broadcast.text)}")
    return [Reply("\n".join(lines), private=True)]


async def _manage(ctx: Context, action: str, number: int, text: str) -> Replies:
    broadcasts = BroadcastRepository(ctx.session)
    broadcast = await broadcasts.get(number)
    if broadcast is None or broadcast.kind != "announcement":
        return [
            Reply(ctx.t.gettext("There is no announcement #{number}.", number=number), private=True)
        ]
    if action == "cancel":
        if broadcast.status in ("done", "cancelled"):
            return [
                Reply(
                    ctx.t.gettext("Announcement #{number} has already ended.", number=number),
                    private=True,
                )
            ]
        stopped = await broadcasts.cancel(broadcast, ctx.services.clock.now())
        return [
            Reply(
                ctx.t.gettext(
                    "Announcement #{number} cancelled; {stopped} messages will not be sent.",
                    number=number,
                    stopped=stopped,
                ),
                private=True,
            )
        ]
    if broadcast.status not in ("draft", "scheduled") or not text:
        return [
            Reply(
                ctx.t.gettext(
                    "Only an announcement that has not started can be edited: "
                    "/announce edit <number> <new text>."
                ),
                private=True,
            )
        ]
    broadcast.text = text
    return [await _preview(ctx, broadcast)]


async def _preview(ctx: Context, broadcast: Broadcast) -> Reply:
    t = ctx.t
    sizes = await audience_size(ctx.session, broadcast.audience)
    reach = t.gettext("; ").join(
        t.gettext(
            "{platform}: {members} members, {channels} channels",
            platform=platform.capitalize(),
            members=members,
            channels=channels,
        )
        for platform, (members, channels) in sizes.items()
    )
    when = (
        t.datetime(broadcast.scheduled_at, ctx.zone) + f" ({ctx.zone_name})"
        if broadcast.scheduled_at
        else t.gettext("right after you confirm")
    )
    text = t.gettext(
        "Preview of announcement #{number}:\n\n{text}\n\nAudience: {audience} — {reach}\n"
        "When: {when}\nNothing is sent until you confirm.",
        number=broadcast.id,
        text=broadcast.text,
        audience=audience_label(t, broadcast.audience, ctx.services.contest),
        reach=reach,
        when=when,
    )
    prefix, contest = f"broadcast:{broadcast.id}:", ctx.services.contest
    buttons = (
        Button(t.gettext("Confirm"), prefix + "confirm"),
        Button(t.gettext("Cancel"), prefix + "cancel"),
        *(
            Button(audience_label(t, audience, contest), prefix + f"audience={audience}")
            for audience in dict.fromkeys(
                (
                    *narrowed(broadcast.audience),
                    *resized(broadcast.audience, small_team_sizes(contest)),
                    *offered_audiences(contest),
                )
            )
            if audience != broadcast.audience
        ),
    )
    return Reply(text, buttons=buttons, private=True)


def offered_audiences(contest: Contest) -> list[str]:
    """The audiences offered as buttons; "teams below a size" means not full yet (or below 3
    while no size limit is announced); once chosen, the other sizes are offered."""
    size = max(contest.contest.team_max_size or 3, 2)
    return offered((track.key for track in contest.tracks), size)


def small_team_sizes(contest: Contest) -> list[int]:
    """The sizes "teams of fewer than N" can take: 2 up to the size limit (not full yet), or
    up to 5 while none is announced; at most 10 of them, so they fit as buttons."""
    largest = max(contest.contest.team_max_size or SMALL_TEAM_SIZES_WITHOUT_LIMIT, 2)
    return [*range(2, min(largest, 10)), largest]


def audience_label(t: Translator, audience: str, contest: Contest) -> str:
    """An audience as an organizer reads it: "solo@discord" → "registered, without a team, on
    Discord"."""
    if audience == EVERYONE:
        return t.gettext("everyone")
    if audience == CHANNELS:
        return t.gettext("announcement channels only")
    kind, value, platform = split(audience)
    if kind == "platform" and value == WEB:
        return t.gettext("web chat page only (nobody is messaged)")
    if kind == "platform":
        return t.gettext("{platform} only", platform=value.capitalize())
    if kind == TRACK and (track := contest.track(value)) is not None:
        label = t.gettext("registrants of {track}", track=t.pick(track.name.as_dict()))
    elif kind == SOLO:
        label = t.gettext("registered, without a team")
    elif kind == SMALL_TEAMS:
        label = t.gettext("teams of fewer than {size}", size=value)
    elif kind == SUBSCRIBERS:
        label = t.gettext("reminder subscribers")
    elif kind == UNREGISTERED:
        label = t.gettext("members with no registration")
    else:
        label = audience
    if platform is None:
        return label
    return t.gettext("{audience}, on {platform}", audience=label, platform=platform.capitalize())


def _status_label(t: Translator, status: str) -> str:
    labels = {
        "scheduled": t.gettext("scheduled"),
        "queued": t.gettext("sending"),
        "done": t.gettext("done"),
        "cancelled": t.gettext("cancelled"),
    }
    return labels.get(status, status)


def _usage(ctx: Context) -> Reply:
    return Reply(
        ctx.t.gettext(
            "Usage: /announce <text>, or /announce --at 2024-10-01 18:00 <text> to send it later "
            "(your timezone). /announce cancel <number> and /announce edit <number> <text> change "
            "one that has not been sent."
        ),
        private=True,
    )


def _excerpt(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
