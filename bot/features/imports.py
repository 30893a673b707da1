"""/import: an organizer sends the bot a document (PDF, Word, web page, Markdown) in a private
chat, or a web address, sees the sections found, and confirms; the knowledge file is written
and the content reloaded live. The same steps as `communitybot content import`.

Between the preview and the confirmation the document waits in the cache folder under its
hash, so the confirmation re-reads exactly what was previewed, checked again against the
content as it is then."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

from bot.content.imports.extract import ImportRefused
from bot.content.imports.fetch import Source, download, is_address, megabytes
from bot.content.imports.plan import ImportPlan, apply, describe, plan_import
from bot.core.context import Context, Services
from bot.core.router import Argument, Replies, Router
from bot.i18n import N_, Translator
from bot.knowledge.build import reload_content
from bot.messages import Button, Reply

router = Router()
CONFIRM, CANCEL = "import-ok", "import-no"
PENDING_DIR = "imports"


@router.command(
    "import",
    N_("Import a document into the knowledge base (organizers)"),
    organizer_only=True,
    argument=Argument("address", N_("A web page's address (or send the file itself)")),
)
async def import_document(ctx: Context) -> Replies:
    t, settings = ctx.t, ctx.services.settings
    max_bytes = int(settings.import_max_megabytes * 1_000_000)
    received, address = ctx.incoming.received_file, ctx.incoming.args.strip()
    if not ctx.incoming.is_private:
        return [Reply(t.gettext("Send documents to me in our private chat."), private=True)]
    if received is None and not is_address(address):
        text = t.gettext(
            "Send me the document here: a PDF, a Word (.docx) file, a web page (.html) or a "
            "Markdown file, up to {limit} MB. Or send /import with a web page's address.",
            limit=megabytes(max_bytes),
        )
        return [Reply(text, private=True)]
    try:
        if received is not None:
            if received.size > max_bytes:
                raise ImportRefused(
                    N_("The file is {size} MB; the limit is {limit} MB."),
                    size=megabytes(received.size),
                    limit=megabytes(max_bytes),
                )
            source = Source(received.name, await received.read(), received.media_type)
        else:
            source = await download(address, max_bytes)
        plan = await _plan(ctx, source)
    except ImportRefused as refused:
        return [Reply(_refusal(t, refused), private=True)]
    key = _keep(ctx, source)
    text = describe(plan, t) + "\n\n" + t.gettext("Import it into the knowledge base?")
    buttons = (
        Button(t.gettext("Import"), f"{CONFIRM}:{key}"),
        Button(t.gettext("Cancel"), f"{CANCEL}:{key}"),
    )
    return [Reply(text, buttons, private=True)]


@router.button(CONFIRM, organizer_only=True)
async def confirmed(ctx: Context) -> Replies:
    t = ctx.t
    source = _kept(ctx)
    if source is None:
        return [Reply(t.gettext("That import is no longer waiting: send the document again."))]
    try:
        plan = await _plan(ctx, source)
    except ImportRefused as refused:  # the content changed since the preview
        return [Reply(_refusal(t, refused), private=True)]
    await asyncio.to_thread(apply, plan)
    _forget(ctx)
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
    _forget(ctx)
    return [Reply(ctx.t.gettext("Nothing was imported."), private=True)]


async def _plan(ctx: Context, source: Source) -> ImportPlan:
    settings = ctx.services.settings
    return await asyncio.to_thread(
        plan_import,
        settings.content_dir,
        source.name,
        source.data,
        media_type=source.media_type,
        max_bytes=int(settings.import_max_megabytes * 1_000_000),
        max_pages=settings.import_max_pages,
        today=ctx.services.clock.now().date(),
    )


async def _reload(services: Services) -> None:
    problems, _summary = await reload_content(services)
    if problems:  # checked a moment ago; only a concurrent edit gets here
        raise RuntimeError(f"the imported content did not reload: {problems[0]}")


def _refusal(t: Translator, refused: ImportRefused) -> str:
    reason = t.gettext(refused.message, **refused.details)
    return t.gettext("Nothing was imported: {reason}", reason=reason)


def _pending(ctx: Context) -> Path:
    return ctx.services.settings.cache_dir / PENDING_DIR


def _keep(ctx: Context, source: Source) -> str:
    key = hashlib.sha256(source.data).hexdigest()[:20]
    folder = _pending(ctx)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{key}.bin").write_bytes(source.data)
    about = {"name": source.name, "media_type": source.media_type}
    (folder / f"{key}.json").write_text(json.dumps(about), encoding="utf-8")
    return key


def _pressed_key(ctx: Context) -> str:
    key = (ctx.incoming.pressed or "").partition(":")[2]
    return key if key.isalnum() else ""


def _kept(ctx: Context) -> Source | None:
    key = _pressed_key(ctx)
    folder = _pending(ctx)
    try:
        about = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        data = (folder / f"{key}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    return Source(str(about["name"]), data, about.get("media_type"))


def _forget(ctx: Context) -> None:
    key = _pressed_key(ctx)
    for suffix in (".bin", ".json"):
        (_pending(ctx) / f"{key}{suffix}").unlink(missing_ok=True)
