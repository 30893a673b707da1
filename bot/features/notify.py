"""Telling a member something privately, in their language, through the outbox; and naming
them to others."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.context import Context
from bot.i18n import Translator
from bot.outbox.direct import tell_member
from bot.storage.models import Member


async def tell(ctx: Context, member: Member, text: Callable[[Translator], str], kind: str) -> bool:
    """Queue `text(t)` for the member's private chat; False when there is none."""
    return await tell_member(
        ctx.session,
        member,
        lambda t: (text(t), ()),
        ctx.services.clock.now(),
        kind=kind,
        default_language=ctx.services.settings.default_language,
    )


def display_name(t: Translator, member: Member) -> str:
    """How a member is named to others: their display name, else "a member"."""
    return member.display_name or t.gettext("a member")
