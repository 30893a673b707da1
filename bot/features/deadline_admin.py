"""/deadline add|move|remove: organizers change deadlines at run time; reminders follow at once."""

from __future__ import annotations

import re

from bot.core.context import Context
from bot.core.router import Argument, Replies, Router
from bot.deadlines import current_deadlines, find
from bot.i18n import N_
from bot.messages import Reply
from bot.storage.models import DeadlineOverride
from bot.timeparse import parse_local_time

router = Router()
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_TIME = r"(\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2})"
_ADD = re.compile(rf"^add\s+(\S+)\s+{_TIME}\s+(.+)$", re.I | re.S)
_MOVE = re.compile(rf"^move\s+(\S+)\s+{_TIME}\s*$", re.I)
_REMOVE = re.compile(r"^remove\s+(\S+)\s*$", re.I)


@router.command(
    "deadline",
    N_("Add, move or remove a deadline (organizers)"),
    organizer_only=True,
    argument=Argument(
        "change",
        N_("add <key> <YYYY-MM-DD HH:MM> <title> | move <key> <time> | remove <key>"),
        required=True,
    ),
)
async def change_deadline(ctx: Context) -> Replies:
    args = ctx.incoming.args.strip()
    now = ctx.services.clock.now()
    deadlines = await current_deadlines(ctx.session, ctx.services.contest)
    if match := _ADD.match(args):
        key, when, title = match[1].lower(), match[2], match[3].strip()[:200]
        if not _KEY.match(key):
            return [_reply(ctx, ctx.t.gettext("A key uses a-z, 0-9 and -, like final-round."))]
        if find(deadlines, key) is not None:
            return [
                _reply(ctx, ctx.t.gettext("“{key}” exists already; use /deadline move.", key=key))
            ]
        at = parse_local_time(when, ctx.zone)
        if at is None:
            return [_usage(ctx)]
        override = await _override(ctx, key)
        override.at, override.title, override.removed = at, title, False
    elif match := _MOVE.match(args):
        key = match[1].lower()
        at = parse_local_time(match[2], ctx.zone)
        if find(deadlines, key) is None:
            return [_unknown(ctx, key, deadlines)]
        if at is None:
            return [_usage(ctx)]
        override = await _override(ctx, key)
        override.at, override.removed = at, False
    elif match := _REMOVE.match(args):
        key = match[1].lower()
        if find(deadlines, key) is None:
            return [_unknown(ctx, key, deadlines)]
        override = await _override(ctx, key)
        override.removed = True
    else:
        return [_usage(ctx)]
    if override.at is not None and not override.removed and override.at <= now:
        return [_reply(ctx, ctx.t.gettext("That time has already passed."))]
    override.changed_by, override.changed_at = ctx.incoming.user.id, now
    if (reminders := ctx.services.reminders) is not None:  # this process schedules
        ctx.after_commit.append(reminders.reconcile)  # at once, once the change is stored
    verb = {
        "add": ctx.t.gettext("added"),
        "move": ctx.t.gettext("moved"),
        "remove": ctx.t.gettext("removed"),
    }[args.split()[0].lower()]
    return [
        _reply(
            ctx,
            ctx.t.gettext(
                "Deadline “{key}” {verb}; reminders are rescheduled. /deadlines shows the dates.",
                key=key,
                verb=verb,
            ),
        )
    ]


async def _override(ctx: Context, key: str) -> DeadlineOverride:
    override = await ctx.session.get(DeadlineOverride, key)
    if override is None:
        override = DeadlineOverride(key=key, removed=False)
        ctx.session.add(override)
    return override


def _reply(ctx: Context, text: str) -> Reply:
    return Reply(text, private=True)


def _unknown(ctx: Context, key: str, deadlines: list) -> Reply:  # type: ignore[type-arg]
    keys = ", ".join(d.key for d in deadlines) or "-"
    return _reply(
        ctx,
        ctx.t.gettext("There is no deadline “{key}”. Deadlines: {keys}.", key=key[:64], keys=keys),
    )


def _usage(ctx: Context) -> Reply:
    return _reply(
        ctx,
        ctx.t.gettext(
            "Usage: /deadline add <key> <YYYY-MM-DD HH:MM> <title>, /deadline move <key> "
            "<YYYY-MM-DD HH:MM>, /deadline remove <key>. Times are in your timezone ({zone}).",
            zone=ctx.zone_name,
        ),
    )
