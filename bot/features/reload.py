"""/reload: the organizers' way to put edited content (contest.toml, knowledge/) live without a
restart. The content is checked first; if the check fails nothing changes and the organizer
gets the report. Otherwise it is loaded, the index rebuilt and swapped, reminders reconcile, and
every other process follows (knowledge.build)."""

from __future__ import annotations

import asyncio

from bot.content.check import check_content
from bot.core.context import Context
from bot.core.router import Replies, Router
from bot.i18n import N_
from bot.knowledge.build import reload_content
from bot.messages import Reply

router = Router()
MAX_PROBLEMS_SHOWN = 20


@router.command(
    "reload",
    N_("Re-read contest.toml and the knowledge base, checked first (organizers)"),
    organizer_only=True,
)
async def reload(ctx: Context) -> Replies:
    problems, summary = await asyncio.to_thread(check_content, ctx.services.settings.content_dir)
    if problems:
        shown = "\n".join(str(problem) for problem in problems[:MAX_PROBLEMS_SHOWN])
        text = ctx.t.gettext(
            "Nothing was reloaded: the content check found {count} problem(s).\n{problems}",
            count=len(problems),
            problems=shown,
        )
        return [Reply(text, private=True)]
    services = ctx.services
    # Once this handler's transaction is over: the reload writes to the database too.
    ctx.after_commit.append(lambda: reload_content(services))
    text = ctx.t.gettext(
        "Content checked ({summary}); it answers within seconds, in every process.",
        summary=summary,
    )
    return [Reply(text, private=True)]
