"""/import: an organizer sends the bot a document (PDF, Word, web page, Markdown) in a private
chat, or a web address, sees the sections found, and confirms; the knowledge file is written
and the content reloaded live. The same steps as `communitybot content import`.
"""

from __future__ import annotations

import asyncio
import logging

from bot.content.imports.extract import ImportRefused
from bot.content.imports.fetch import Source, download, is_address, megabytes, too_big
from bot.content.imports.plan import apply, describe
from bot.content.imports.steps import forget, keep, kept, max_bytes, plan_source
from bot.core.context import Context, Services
from bot.core.router import Argument, Replies, Router
from bot.i18n import N_
from bot.knowledge.build import reload_content
from bot.messages import Button, ReceivedFile, Reply

log = logging.getLogger(__name__)
router = Router()
CONFIRM, CANCEL = "import-ok", "import-no"


@router.command(
    "import",
    N_("Import a document into the knowledge base (organizers)"),
    organizer_only=True,
    argument=Argument("address", N_("A web page's address (or send the file itself)")),
)
async def import_document(ctx: Context) -> Replies:
    t, settings = ctx.t, ctx.services.settings
    limit = max_bytes(settings)
    received, address = ctx.incoming.received_file, ctx.incoming.args.strip()
    if not ctx.incoming.is_private:
        return [Reply(t.gettext("Send documents to me in our private chat."), private=True)]
    if received is None and not is_address(address):
        text = t.gettext(
            "Send me the document here: a PDF, a Word (.docx) file, a web page (.html) or a "
            "Markdown file, up to {limit} MB. Or send /import with a web page's address.",
            limit=megabytes(limit),
        )
        return [Reply(text, private=True)]
    try:
        if received is not None:
            if received.size > limit:
                raise too_big(received.size, limit)
            source = Source(received.name, await _downloaded(received), received.media_type)
        else:
            source = await download(address, limit)
        plan = await plan_source(settings, source, ctx.services.clock.now().date())
    except ImportRefused as refused:
        return [Reply(refused.told(t), private=True)]
    key = keep(settings, source)
    text = describe(plan, t) + "\n\n" + t.gettext("Import it into the knowledge base?")
    buttons = (
        Button(t.gettext("Import"), f"{CONFIRM}:{key}"),
        Button(t.gettext("Cancel"), f"{CANCEL}:{key}"),
    )
    return [Reply(text, buttons, private=True)]


@router.button(CONFIRM, organizer_only=True)
async def confirmed(ctx: Context) -> Replies:
    t = ctx.t
    pending = kept(ctx.services.settings, _pressed_key(ctx))
    if pending is None:
        return [Reply(t.gettext("That import is no longer waiting: send the document again."))]
    try:
        plan = await plan_source(
            ctx.services.settings, pending.source, ctx.services.clock.now().date()
        )
        await asyncio.to_thread(apply, plan)
    except ImportRefused as refused:  # the content changed since the preview, or is read-only
        return [Reply(refused.told(t), private=True)]
    forget(ctx.services.settings, _pressed_key(ctx))
    services = ctx.services
    ctx.after_commit.append(lambda: _reload(services))
    text = t.gettext(
        "Imported {file}: {count} section(s). The bot answers from it within seconds.",
        file=plan.path.name,
        count=len(plan.passages),
    )
    return [Reply(text, private=True)]


@router.button(CANCEL, organizer_only=True)
async def cancelled(ctx: Context) -> Replies:
    forget(ctx.services.settings, _pressed_key(ctx))
    return [Reply(ctx.t.gettext("Nothing was imported."), private=True)]


async def _reload(services: Services) -> None:
    problems, _summary = await reload_content(services)
    if problems:  # checked a moment ago; only a concurrent edit gets here
        raise RuntimeError(f"the imported content did not reload: {problems[0]}")


async def _downloaded(received: ReceivedFile) -> bytes:
    """The file's bytes from the platform; a failed download is a refusal to send again."""
    try:
        return await received.read()
    except Exception:  # the platform library's own errors: the core knows none of them
        log.warning("downloading %s from the platform failed", received.name, exc_info=True)
        raise ImportRefused(
            N_("The file could not be fetched from the chat platform; please send it again.")
        ) from None


def _pressed_key(ctx: Context) -> str:
    return (ctx.incoming.pressed or "").partition(":")[2]
