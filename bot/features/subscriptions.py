"""/subscribe and /unsubscribe: which messages a member receives unasked."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.router import Argument, ArgumentKind, Replies, Router
from bot.i18n import N_
from bot.messages import Reply

router = Router()
TOPICS = (("announcements", N_("Organizers' announcements")),)


@router.command(
    "subscribe",
    N_("Receive announcements"),
    argument=Argument("topic", N_("What to receive"), ArgumentKind.CHOICE, TOPICS),
)
async def subscribe(ctx: Context) -> Replies:
    return _set_announcements(ctx, wanted=True)


@router.command(
    "unsubscribe",
    N_("Stop receiving announcements"),
    argument=Argument("topic", N_("What to stop"), ArgumentKind.CHOICE, TOPICS),
)
async def unsubscribe(ctx: Context) -> Replies:
    return _set_announcements(ctx, wanted=False)


@router.button("announcements")
async def announcements_button(ctx: Context) -> Replies:
    wanted = (ctx.incoming.pressed or "").partition(":")[2] == "on"
    return _set_announcements(ctx, wanted)


def _set_announcements(ctx: Context, wanted: bool) -> Replies:
    topic = ctx.incoming.args.strip().lower() if ctx.incoming.command else "announcements"
    if topic not in ("", "announcements", "公告"):
        text = ctx.t.gettext("I can (un)subscribe you to: announcements.")
        return [Reply(text, private=True)]
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
