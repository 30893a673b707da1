"""APScheduler 3 with a persistent job store: one job per deadline and offset, never per member.

Start-up reconciles the stored jobs with the deadlines in force: new ones are scheduled, moved
ones rescheduled, removed ones dropped, and offsets already past (beyond the grace period) or
already sent are left alone. A job due while the bot was down runs on start if it is within the
grace period (`BOT_REMINDER_GRACE_MINUTES`, default 60) and is reported as missed otherwise.
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from sqlalchemy.engine import make_url

from bot.content.models import parse_offset
from bot.deadlines import current_deadlines
from bot.reminders import jobs
from bot.reminders.fanout import dedupe_prefix, fired_prefixes

if TYPE_CHECKING:
    from bot.core.context import Services

log = logging.getLogger(__name__)
JOB_PREFIX = "reminder:"
RECONCILE_EVERY = timedelta(minutes=1)
HOUSEKEEPING_EVERY = timedelta(hours=1)
_SYNC_DRIVERS = {"sqlite+aiosqlite": "sqlite", "postgresql+asyncpg": "postgresql+psycopg"}


def job_store_url(async_url: str) -> str:
    """Where APScheduler 3 keeps its jobs, through a synchronous driver (it has no async one).

    PostgreSQL: the bot's own database. SQLite: a sibling file (`bot.db` → `bot.jobs.db`).
    APScheduler writes its jobs from the event loop's thread; on one SQLite file that write
    would wait for the bot's own open write transactions, which wait for the event loop:
    a deadlock until SQLite's timeout. Separate files have separate locks.
    """
    url = make_url(async_url)
    sync = url.set(drivername=_SYNC_DRIVERS[url.drivername])
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        sync = sync.set(database=str(path.with_name(f"{path.stem}.jobs{path.suffix or '.db'}")))
    return sync.render_as_string(hide_password=False)


class ReminderScheduler:
    def __init__(self, services: Services) -> None:
        self.services = services
        grace = int(services.settings.reminder_grace_minutes * 60)
        self.scheduler = AsyncIOScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=job_store_url(services.database.url))},
            job_defaults={"misfire_grace_time": grace, "coalesce": True, "max_instances": 1},
            timezone=UTC,
        )
        self.scheduler.add_listener(self._missed, EVENT_JOB_MISSED)

    async def start(self) -> None:
        jobs.install(jobs.JobContext(self.services, self))
        # Paused until its jobs are in place: a housekeeping run left due by the last
        # process would otherwise start at once and then again for the `now` it is given,
        # and the second would be skipped with a warning in the member's console.
        self.scheduler.start(paused=True)
        try:
            await self._install_jobs()
        except BaseException:
            # Left paused, it would hold its job store and never fire: stop it whole.
            self.shutdown()
            raise
        self.scheduler.resume()

    async def _install_jobs(self) -> None:
        await self.reconcile()
        self.scheduler.add_job(
            "bot.reminders.jobs:reconcile",
            "interval",
            id="reminders-reconcile",
            seconds=RECONCILE_EVERY.total_seconds(),
            replace_existing=True,
        )
        # The scheduling process is the one of the deployment: tidying once is enough.
        self.scheduler.add_job(
            "bot.reminders.jobs:housekeeping",
            "interval",
            id="housekeeping",
            seconds=HOUSEKEEPING_EVERY.total_seconds(),
            next_run_time=self.services.clock.now(),
            replace_existing=True,
        )

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        jobs.install(None)

    async def reconcile(self) -> dict[str, str]:
        """Make the stored jobs match the deadlines in force; returns {job id: action}."""
        services = self.services
        now = services.clock.now()
        grace = timedelta(minutes=services.settings.reminder_grace_minutes)
        async with services.database.session() as session:
            deadlines = await current_deadlines(session, services.contest)
            fired = await fired_prefixes(session)
        wanted: dict[str, tuple[object, list[str]]] = {}
        for deadline in deadlines:
            if deadline.at is None:
                continue
            for offset in deadline.remind_before:
                run_at = deadline.at - parse_offset(offset)
                if run_at < now - grace or dedupe_prefix(deadline, offset) in fired:
                    continue
                wanted[f"{JOB_PREFIX}{deadline.key}:{offset}"] = (
                    run_at,
                    [deadline.key, offset, deadline.at.isoformat()],
                )
        actions: dict[str, str] = {}
        stored = {job.id: job for job in self.scheduler.get_jobs()}
        for job_id, job in stored.items():
            if job_id.startswith(JOB_PREFIX) and job_id not in wanted:
                job.remove()
                actions[job_id] = "removed"
        for job_id, (run_at, args) in wanted.items():
            existing = stored.get(job_id)
            if existing is not None and list(existing.args) == args:
                continue
            self.scheduler.add_job(
                "bot.reminders.jobs:fire_reminder",
                DateTrigger(run_date=run_at),
                args=args,
                id=job_id,
                replace_existing=True,
            )
            actions[job_id] = "moved" if existing is not None else "scheduled"
        if actions:
            log.info("reminder jobs reconciled: %s", actions)
        return actions

    def _missed(self, event: JobExecutionEvent) -> None:
        log.warning(
            "reminder job %s was due at %s, past the grace period: not sent",
            event.job_id,
            event.scheduled_run_time,
        )
