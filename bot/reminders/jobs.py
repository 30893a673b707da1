"""Functions the scheduler runs. APScheduler stores jobs as `module:function` references with
plain arguments, so these find the running bot through a context set when the scheduler starts."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.deadlines import current_deadlines, find
from bot.housekeeping import tidy
from bot.reminders.fanout import enqueue_reminder

if TYPE_CHECKING:
    from bot.core.context import Services
    from bot.reminders.scheduler import ReminderScheduler

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    services: Services
    scheduler: ReminderScheduler


_context: JobContext | None = None
# Jobs running now. Stopping the scheduler cancels them; their database work must not be cut
# off mid-transaction (a connection left open keeps the process from exiting), so it runs on
# shielded and `finish_running_jobs` waits for it before the database closes.
_in_flight: set[asyncio.Future[None]] = set()


def _finished_even_if_stopped(
    job: Callable[..., Awaitable[None]],
) -> Callable[..., Awaitable[None]]:
    @functools.wraps(job)
    async def run(*args: str) -> None:
        work = asyncio.ensure_future(job(*args))
        _in_flight.add(work)
        work.add_done_callback(_in_flight.discard)
        try:
            await asyncio.shield(work)
        except asyncio.CancelledError:
            # The scheduler is stopping: the work goes on, shielded, and `finish_running_jobs`
            # waits for it. Not a failure, so the scheduler has nothing to report.
            log.info("%s goes on while the scheduler stops", job.__name__)

    return run


JOBS_FINISH_WITHIN = 30.0  # seconds a stopping process gives the jobs it was running


async def finish_running_jobs() -> None:
    """Wait (a while) for jobs that were running when the scheduler stopped."""
    if _in_flight:
        await asyncio.wait(set(_in_flight), timeout=JOBS_FINISH_WITHIN)


def install(context: JobContext | None) -> None:
    global _context
    _context = context


@_finished_even_if_stopped
async def fire_reminder(deadline_key: str, offset: str, at_iso: str) -> None:
    """A reminder is due: enqueue it for the deadline's subscribers (once, however often run)."""
    if _context is None:
        log.error("reminder %s/%s fired with no running bot", deadline_key, offset)
        return
    services = _context.services
    async with services.database.session() as session:
        deadlines = await current_deadlines(session, services.contest)
    deadline = find(deadlines, deadline_key)
    if deadline is None or deadline.at is None or deadline.at != datetime.fromisoformat(at_iso):
        log.info(
            "reminder %s/%s is stale (deadline moved or removed); skipped", deadline_key, offset
        )
        return
    settings = services.settings
    count = await enqueue_reminder(
        services.database,
        deadline,
        offset,
        settings.timezone,
        settings.default_language,
        services.clock.now(),
    )
    log.info("reminder %s/%s enqueued %s deliveries", deadline_key, offset, count)


@_finished_even_if_stopped
async def reconcile() -> None:
    """Pick up deadline changes made by other processes (organizers' /deadline commands)."""
    if _context is not None:
        await _context.scheduler.reconcile()


@_finished_even_if_stopped
async def housekeeping() -> None:
    """Delete what is kept only for a while (see bot.housekeeping)."""
    if _context is None:
        return
    services = _context.services
    await tidy(services.database, services.settings, services.clock.now())
