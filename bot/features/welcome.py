"""/start and /help; /start welcome (a group greeting's deep link) welcomes with four choices."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.router import Replies, Router
from bot.features.newcomers import PRIVATE_WELCOME, welcome_buttons
from bot.i18n import N_
from bot.messages import Reply

router = Router()


@router.command("start", N_("Welcome and what I can do"))
async def start(ctx: Context) -> Replies:
    community = ctx.t.pick(ctx.services.contest.contest.community.as_dict())
    if ctx.incoming.args.strip().lower() == PRIVATE_WELCOME:
        welcome = ctx.t.gettext(
            "Welcome, {name}! I am the bot of the {community}. Write your question here and I "
            "will answer it, or choose:",
            name=ctx.incoming.user.display_name or ctx.t.gettext("there"),
            community=community,
        )
        return [Reply(welcome, buttons=welcome_buttons(ctx.t, in_group=False))]
    greeting = ctx.t.gettext(
        "Hello {name}! I am the bot of the {community}. Ask me about the contest, its tracks, "
        "prizes and dates, and the infrastructure the community offers.",
        name=ctx.incoming.user.display_name or ctx.t.gettext("there"),
        community=community,
    )
    return [Reply(f"{greeting}\n\n{_command_list(ctx)}")]


@router.command("help", N_("List the commands"))
async def help_(ctx: Context) -> Replies:
    return [Reply(_command_list(ctx))]


def _command_list(ctx: Context) -> str:
    lines = [ctx.t.gettext("Commands:")]
    lines += [f"/{name} — {ctx.t.gettext(description)}" for name, description in ctx.menu]
    if ctx.incoming.is_private:
        lines.append(ctx.t.gettext("Or just write your question."))
    else:
        lines.append(ctx.t.gettext("In a group, mention me or reply to me to ask a question."))
    return "\n".join(lines)
