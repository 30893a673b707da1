"""The `communitybot` command line."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.clock import SystemClock
from bot.config import ConfigError, Settings, load_settings
from bot.content.loader import ContentError, load_contest
from bot.export import registrations_csv
from bot.features.questions import format_answer
from bot.i18n import normalize_language
from bot.knowledge.answer import RetrievalAnswerer
from bot.ops.logs import configure_logging
from bot.ops.roles import RoleError, parse_roles
from bot.reminders.jobs import finish_running_jobs

if TYPE_CHECKING:
    from aiohttp import web

    from bot.content.models import Contest
    from bot.core.app import Core
    from bot.knowledge.index import KnowledgeIndex
from bot.runtime import build_index, delivery_workers, start_core, start_reminders
from bot.service import serve_platforms
from bot.storage.database import Database

log = logging.getLogger("communitybot")


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        click.echo(str(error), err=True)
        raise SystemExit(2) from None


def _run(coroutine_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    try:
        asyncio.run(coroutine_factory())
    except ContentError as error:
        click.echo("content problems:\n" + str(error), err=True)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        pass


def _terminal_locale() -> str | None:
    # Read once here, at start-up, like every other setting.
    return os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log more (to stderr).")
def main(verbose: bool) -> None:
    """Chat bot of the Global Audio/Video Developer and Creator Community."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )


@main.command()
@click.option(
    "--roles",
    default="receive,schedule,deliver",
    show_default=True,
    help="What this process does; several processes on PostgreSQL share the work.",
)
def run(roles: str) -> None:
    """Run every configured adapter; with no platform token, open the console chat."""
    settings = _settings()
    try:
        chosen = parse_roles(roles)
    except RoleError as error:
        click.echo(str(error), err=True)
        raise SystemExit(2) from None
    if settings.telegram_token is None and settings.discord_token is None:
        click.echo(
            "No BOT_TELEGRAM_TOKEN or BOT_DISCORD_TOKEN is set, so this is the console chat "
            "(set a token to go live; see README). Type /help, or /quit to leave.\n"
        )
        _run(lambda: _console_chat(settings))
        return
    configure_logging(_log_level(), settings.log_format == "json", settings.secrets())
    try:
        _run(lambda: serve_platforms(settings, chosen))
    except* RoleError as refused:
        click.echo(str(refused.exceptions[0]), err=True)
        raise SystemExit(2) from None
    except* Exception as failures:  # e.g. a wrong token: one line each, no secret in them
        for failure in failures.exceptions:
            click.echo(f"stopped: {type(failure).__name__}: {failure}", err=True)
        raise SystemExit(1) from None


def _log_level() -> int:
    return logging.getLogger().level or logging.WARNING


@main.command()
def chat() -> None:
    """Chat with the bot in this terminal."""
    settings = _settings()
    click.echo("Console chat. Type /help, or /quit to leave.\n")
    _run(lambda: _console_chat(settings))


async def _console_chat(settings: Settings) -> None:
    from adapters.console import ConsoleAdapter

    # The first start embeds the knowledge base (some seconds); later starts read the cache.
    click.echo("Loading the knowledge base…", err=True)
    core = await start_core(settings)
    console = ConsoleAdapter(_terminal_locale(), files_dir=settings.console_files_dir)
    http = await _web_chat_beside(settings, core)
    reminders = await start_reminders(core)
    stopping = asyncio.Event()
    # Reminders for the console member, and organizers' summaries, appear in the chat.
    workers = delivery_workers(core, {"console": console.send})
    sending = [asyncio.create_task(worker.run(stopping)) for worker in workers]
    try:
        await console.start(core)
    finally:
        stopping.set()
        await asyncio.gather(*sending)
        reminders.shutdown()
        await finish_running_jobs()
        if http is not None:
            await http.cleanup()
        await core.services.database.close()


async def _web_chat_beside(settings: Settings, core: Core) -> web.AppRunner | None:
    """The web chat on the HTTP port next to the console (BOT_WEB_CHAT), its address printed."""
    if not settings.web_chat_on:
        return None
    from bot.calendars.feed import add_calendar_feeds
    from bot.ops.http import serve, service_app
    from bot.service import web_chat

    app = service_app(core.services.database, {})
    add_calendar_feeds(app, core.services)
    adapter = web_chat(settings, app)
    try:
        runner = await serve(app, settings.http_host, settings.http_port)
    except OSError as error:  # the port is taken: the console works without it
        click.echo(f"Web chat off: port {settings.http_port}: {error.strerror}", err=True)
        return None
    await adapter.start(core)
    host = "127.0.0.1" if settings.http_host in ("0.0.0.0", "::") else settings.http_host
    click.echo(f"Web chat: http://{host}:{settings.http_port}/chat/\n")
    return runner


def _indexed_or_exit(settings: Settings, clock: SystemClock) -> tuple[Contest, KnowledgeIndex]:
    """The contest and its knowledge index; on content problems, the problems and exit code 1
    (an organizer who edited the content reads what to fix, not a traceback)."""
    try:
        contest = load_contest(settings.content_dir)
        return contest, build_index(settings, contest, clock)
    except ContentError as error:
        click.echo("content problems:\n" + str(error), err=True)
        raise SystemExit(1) from None


@main.command()
@click.argument("question")
@click.option(
    "--lang",
    "language",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Answer in this language (default: the question's).",
)
@click.option("--json", "as_json", is_flag=True, help="Print {answer, sources, language} as JSON.")
def ask(question: str, language: str | None, as_json: bool) -> None:
    """Answer one question and print it with its sources."""
    settings = _settings()
    clock = SystemClock()
    contest, index = _indexed_or_exit(settings, clock)
    answerer = RetrievalAnswerer(index, contest)
    fallback = normalize_language(_terminal_locale(), settings.default_language)
    answer = answerer.answer(question, fallback, settings.timezone, clock.now(), language)
    if as_json:
        payload = {
            "answer": answer.text,
            "sources": [{"doc": s.doc, "heading": s.heading} for s in answer.sources],
            "language": answer.language,
        }
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        click.echo(format_answer(answer))


@main.group()
def content() -> None:
    """Work with the contest content (contest.toml and knowledge/)."""


@content.command("check")
def content_check() -> None:
    """Validate contest.toml and the knowledge base; list every problem found."""
    from bot.content.check import check_content
    from bot.core.app import build_router

    settings = _settings()
    problems, summary = check_content(settings.content_dir, set(build_router().commands))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {settings.content_dir}", err=True)
        raise SystemExit(1)
    click.echo(f"content OK: {summary}")


@content.command("vectors")
def content_vectors() -> None:
    """Compute the embeddings of the content and store them beside it (`<content>/embeddings/`),
    so a fresh install starts without embedding anything. Run it after editing the content."""
    import shutil
    import tempfile

    from bot.knowledge.dense import SHIPPED_VECTORS

    settings = _settings()
    target = settings.content_dir / SHIPPED_VECTORS
    with tempfile.TemporaryDirectory() as folder:
        # Into an empty folder: exactly the vectors of today's texts, none of past versions.
        fresh = settings.model_copy(update={"cache_dir": Path(folder)})
        _, index = _indexed_or_exit(fresh, SystemClock())
        if not index.hybrid:
            raise click.ClickException("no embedding model is configured or it cannot load")
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for computed in Path(folder).glob("*.npz"):
            shutil.copyfile(computed, target / computed.name)  # readable by any user
    click.echo(f"vectors written to {target}")


@content.command("import")
@click.argument("location")
@click.option(
    "--lang", "language", type=click.Choice(["zh", "en"]), help="The document's language."
)
@click.option("--doc", help="The knowledge file's name (default: from the source's name).")
@click.option("--dry-run", is_flag=True, help="Show the sections found; write nothing.")
@click.option(
    "--translate",
    is_flag=True,
    help="Also write the other language's file, translated by the configured model, to review.",
)
def content_import(
    location: str, language: str | None, doc: str | None, dry_run: bool, translate: bool
) -> None:
    """Import a PDF, a Word (.docx) file, a web page (a file or an http(s) address) or a Markdown
    file into the knowledge base, as content/knowledge/<doc>.<lang>.md. Nothing is written
    unless `content check` passes with it; a running bot takes it up on /reload or SIGHUP."""
    from bot.content.imports.extract import ImportRefused
    from bot.content.imports.fetch import download, is_address, read_file
    from bot.content.imports.plan import apply, describe, plan_import, plan_translation
    from bot.content.imports.steps import max_bytes as import_limit
    from bot.content.imports.translate import translate_document
    from bot.i18n import Translator

    settings = _settings()
    max_bytes = import_limit(settings)
    plan_today = SystemClock().now().date()
    try:
        if is_address(location):
            source = asyncio.run(download(location, max_bytes))
        else:
            source = read_file(Path(location), max_bytes)
        plan = plan_import(
            settings.content_dir,
            source.name,
            source.data,
            media_type=source.media_type,
            language=language,  # type: ignore[arg-type]
            doc=doc,
            max_bytes=max_bytes,
            max_pages=settings.import_max_pages,
            today=plan_today,
        )
    except ImportRefused as refused:
        raise click.ClickException(f"nothing imported: {refused}") from None
    english = Translator("en")
    click.echo(describe(plan, english))
    if dry_run:
        click.echo("dry run: nothing written")
        return
    if plan.replaces and not plan.changes.any and not translate:
        click.echo(f"{plan.path} is already up to date")
        return
    try:
        apply(plan)
    except ImportRefused as refused:
        raise click.ClickException(f"nothing imported: {refused}") from None
    click.echo(f"written to {plan.path}")
    if translate:
        try:
            translated = asyncio.run(translate_document(settings, plan))
            other = plan_translation(settings.content_dir, plan, translated, plan_today)
        except ImportRefused as refused:
            raise click.ClickException(f"not translated: {refused}") from None
        apply(other)
        click.echo(describe(other, english))
        click.echo(f"machine translation written to {other.path}: review it before it goes live")
    click.echo("send /reload (or SIGHUP) to a running bot")


@main.group()
def export() -> None:
    """Export data for organizers."""


@export.command("registrations")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to this file (default: standard output).",
)
def export_registrations(output: str | None) -> None:
    """Registrations as CSV (UTF-8 with BOM, so Excel shows Chinese correctly)."""
    settings = _settings()
    result: list[bytes] = []

    async def collect() -> None:
        database = Database(settings.database_url)
        try:
            await database.upgrade()
            async with database.session() as session:
                content, count = await registrations_csv(session)
            result.append(content)
            click.echo(f"{count} registrations", err=True)
        finally:
            await database.close()

    _run(collect)
    if output is None:
        sys.stdout.buffer.write(result[0])
        sys.stdout.flush()
    else:
        with open(output, "wb") as handle:
            handle.write(result[0])


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (also done automatically on start)."""
    settings = _settings()

    async def upgrade() -> None:
        database = Database(settings.database_url)
        try:
            await database.upgrade()
        finally:
            await database.close()

    _run(upgrade)
    click.echo("database is up to date")


if __name__ == "__main__":
    main()
