"""Functions the scheduler runs. APScheduler stores jobs as `module:function` references with
plain arguments, so these find the running bot through a context set when the scheduler starts."""

from __future__ import annotations

import logging
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


def install(context: JobContext | None) -> None:
    global _context
    _context = context


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


async def reconcile() -> None:
    """Pick up deadline changes made by other processes (organizers' /deadline commands)."""
    if _context is not None:
        await _context.scheduler.reconcile()


async def housekeeping() -> None:
    """Delete what is kept only for a while (see bot.housekeeping)."""
    if _context is None:
        return
    services = _context.services
    await tidy(services.database, services.settings, services.clock.now())
