"""/tracks, /deadlines and /resources: contest facts straight from contest.toml."""

from __future__ import annotations

from bot.contest_text import deadlines_text, resources_text, tracks_text
from bot.core.context import Context
from bot.core.router import Replies, Router
from bot.deadlines import current_deadlines
from bot.i18n import N_
from bot.messages import Button, Reply

router = Router()


@router.command("tracks", N_("The contest tracks"))
async def tracks(ctx: Context) -> Replies:
    text = tracks_text(ctx.services.contest, ctx.t, next_step=True)
    return [Reply(text, buttons=(Button(ctx.t.gettext("Register interest"), "run:register"),))]


@router.command("deadlines", N_("Contest dates and deadlines in your timezone"))
async def deadlines(ctx: Context) -> Replies:
    deadlines = await current_deadlines(ctx.session, ctx.services.contest)
    text = deadlines_text(deadlines, ctx.t, ctx.zone, ctx.zone_name, ctx.services.clock.now())
    return [Reply(text)]


@router.command("resources", N_("Infrastructure the community offers"))
async def resources(ctx: Context) -> Replies:
    return [Reply(resources_text(ctx.services.contest, ctx.t))]
