"""`communitybot run` with platform tokens: the roles of this process, until SIGTERM.

Shutdown order: stop receiving, let each delivery worker finish the message in hand (the rest
stays queued), stop the scheduler, close the adapters and the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web
from sqlalchemy.engine import make_url

from adapters.base import Adapter
from bot.calendars.feed import add_calendar_feeds
from bot.config import Settings
from bot.core.context import Services
from bot.dashboard.app import add_dashboard
from bot.features.newcomers import send_due_welcomes
from bot.knowledge.build import reload_content
from bot.ops.http import serve, service_app
from bot.ops.roles import Role, SqliteProcessLock, lead_scheduling
from bot.reminders.jobs import finish_running_jobs
from bot.reminders.scheduler import ReminderScheduler
from bot.runtime import delivery_workers, follow_knowledge, start_core

log = logging.getLogger(__name__)


def platform_adapters(settings: Settings) -> list[Adapter]:
    adapters: list[Adapter] = []
    if settings.telegram_token is not None:
        from adapters.telegram import TelegramAdapter

        adapters.append(TelegramAdapter(settings))
    if settings.discord_token is not None:
        from adapters.discord import DiscordAdapter

        adapters.append(DiscordAdapter(settings))
    return adapters


def web_chat(settings: Settings, app: web.Application) -> Adapter:
    """The web chat's adapter, its pages mounted on the HTTP app."""
    from adapters.web import WebAdapter

    adapter = WebAdapter(settings)
    adapter.mount(app)
    return adapter


def web_keeper(settings: Settings, services: Services) -> Adapter:
    """The web chat's sending side alone: it keeps messages for members' pages."""
    from adapters.web import WebAdapter

    return WebAdapter(settings, database=services.database, clock=services.clock)


async def serve_platforms(settings: Settings, roles: frozenset[Role]) -> None:
    sqlite_lock = None
    # Refused before the knowledge base is loaded: a second process says why at once.
    on_sqlite = make_url(settings.database_url).get_backend_name() == "sqlite"
    if on_sqlite and roles & {Role.SCHEDULE, Role.DELIVER}:
        sqlite_lock = SqliteProcessLock(settings.database_url)
        sqlite_lock.acquire()
    try:
        core = await start_core(settings)
    except BaseException:
        if sqlite_lock is not None:
            sqlite_lock.release()
        raise
    database = core.services.database
    for warning in settings.startup_warnings():
        log.warning("%s", warning)
    adapters = platform_adapters(settings)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stopping.set)
    reloading: set[asyncio.Task[None]] = set()

    def reload_on_signal() -> None:
        task = asyncio.create_task(_reload(core.services))
        reloading.add(task)
        task.add_done_callback(reloading.discard)

    loop.add_signal_handler(signal.SIGHUP, reload_on_signal)
    checks = (
        {a.platform: (lambda a=a: a.connected) for a in adapters} if Role.RECEIVE in roles else {}
    )
    http = None
    if settings.http_port:
        metrics_token = (
            settings.metrics_token.get_secret_value() if settings.metrics_token else None
        )
        app = service_app(database, checks, metrics_token)
        add_calendar_feeds(app, core.services)
        if settings.dashboard_token is not None:
            add_dashboard(app, core.services, settings.dashboard_token.get_secret_value())
        if settings.web_chat_on and Role.RECEIVE in roles:
            adapters.append(web_chat(settings, app))
        http = await serve(app, settings.http_host, settings.http_port)
    try:
        async with asyncio.TaskGroup() as group:
            receiving = []
            if Role.RECEIVE in roles:
                receiving = [group.create_task(adapter.start(core)) for adapter in adapters]
            elif Role.DELIVER in roles:
                for adapter in adapters:
                    await adapter.open_for_sending()
            sending = []
            if Role.DELIVER in roles:
                senders = {adapter.platform: adapter.send for adapter in adapters}
                # Messages for web chat members are kept for their pages by whichever process
                # delivers, whether or not it serves the pages.
                senders.setdefault("web", web_keeper(settings, core.services).send)
                sending = [
                    group.create_task(worker.run(stopping))
                    for worker in delivery_workers(core, senders)
                ]
            if Role.SCHEDULE in roles:
                group.create_task(_schedule(core.services, stopping))
            # Every process follows the FAQ and the content another one reloaded: the one that
            # schedules needs the new dates (it reconciles the reminders), the one that
            # delivers the new contest, the ones that answer the new index.
            group.create_task(_follow_knowledge(core.services, stopping))
            if Role.RECEIVE in roles:
                group.create_task(_greet_newcomers(core.services, stopping))
            await stopping.wait()
            log.info("stopping: finishing the messages in hand")
            await asyncio.gather(*sending)
            for adapter in adapters:
                await adapter.stop()
            await asyncio.gather(*receiving)
    finally:
        for adapter in adapters:  # after a failure too: close their HTTP sessions
            with contextlib.suppress(Exception):
                await adapter.stop()
        if core.services.reminders is not None:
            core.services.reminders.shutdown()
        await finish_running_jobs()
        if http is not None:
            await http.cleanup()
        if sqlite_lock is not None:
            sqlite_lock.release()
        await database.close()


async def _reload(services: Services) -> None:
    """SIGHUP: reload the content as /reload does; a content that fails the check is logged."""
    problems, summary = await reload_content(services)
    for problem in problems:
        log.warning("content check: %s", problem)
    if problems:
        log.warning("SIGHUP: nothing was reloaded (%d problems)", len(problems))
    else:
        log.info("SIGHUP: content reloaded (%s)", summary)


async def _follow_knowledge(services: Services, stopping: asyncio.Event) -> None:
    """Pick up FAQ entries published, edited or retired, and content reloaded, elsewhere."""
    while not stopping.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), services.settings.follow_changes_seconds)
        if stopping.is_set():
            return
        try:
            await follow_knowledge(services)
        except Exception:  # the old index keeps answering; the next round tries again
            log.exception("following an FAQ or content change failed")


async def _greet_newcomers(services: Services, stopping: asyncio.Event) -> None:
    """Send the batched welcomes whose interval is over (joins greet at once when it is)."""
    every = max(min(services.settings.welcome_interval_seconds / 4, 15), 1)
    while not stopping.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), every)
        if stopping.is_set():
            return
        try:
            await send_due_welcomes(services)
        except Exception:  # the newcomers wait for the next round
            log.exception("sending welcomes failed")


async def _schedule(services: Services, stopping: asyncio.Event) -> None:
    """Run the reminder scheduler whenever this process is the elected one."""
    running: list[ReminderScheduler] = []

    async def start() -> None:
        scheduler = ReminderScheduler(services)  # a fresh one per election
        await scheduler.start()
        running.append(scheduler)
        services.reminders = scheduler

    def stop() -> None:
        services.reminders = None
        while running:
            running.pop().shutdown()

    if services.database.engine.dialect.name == "sqlite":  # one process per file: it leads
        await start()
        await stopping.wait()
        stop()
        return
    await lead_scheduling(services.database, start, stop, stopping)
