"""/announcehere: organizers mark the group or channel that receives announcements."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.router import Argument, ArgumentKind, Replies, Router
from bot.i18n import N_
from bot.messages import Reply
from bot.storage.channels import AnnouncementChannelRepository

router = Router()
ANNOUNCE_CHOICES = (
    ("on", N_("Mark this chat for announcements")),
    ("off", N_("Stop announcements here")),
)


@router.command(
    "announcehere",
    N_("Receive announcements in this chat (organizers)"),
    organizer_only=True,
    argument=Argument(
        "action", N_("Announcements in this chat: on or off"), ArgumentKind.CHOICE, ANNOUNCE_CHOICES
    ),
)
async def announce_here(ctx: Context) -> Replies:
    incoming = ctx.incoming
    if incoming.is_private:
        explanation = ctx.t.gettext(
            "Send this in the group or channel that should receive announcements."
        )
        return [Reply(explanation, private=True)]
    action = incoming.args.strip().lower() or "on"
    channels = AnnouncementChannelRepository(ctx.session)
    if action == "on":
        await channels.mark(
            incoming.platform, incoming.chat.id, incoming.user.id, ctx.services.clock.now()
        )
        return [Reply(ctx.t.gettext("This chat will receive announcements."))]
    if action == "off":
        if await channels.unmark(incoming.platform, incoming.chat.id):
            return [Reply(ctx.t.gettext("This chat will no longer receive announcements."))]
        return [Reply(ctx.t.gettext("This chat was not marked for announcements."))]
    return [Reply(ctx.t.gettext("Use /announcehere on or /announcehere off."), private=True)]
