"""Deadline reminders: one job per deadline and offset, fanned out to the right subscribers,
exactly once across restarts, moved with their deadline, late-but-sent or skipped after downtime.

The fan-out and reconciling run on the test's clock; the tests that need APScheduler to fire a
job use deadlines a couple of seconds away on the wall clock (APScheduler 3 reads the system
time itself) and wait for an event, never for a fixed time.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.events import (
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from sqlalchemy import func, select

from bot.clock import SystemClock
from bot.config import BUNDLED_CONTENT_DIR, Settings
from bot.core.app import Core
from bot.deadlines import current_deadlines, find
from bot.messages import Reply, SendResult, Target
from bot.outbox.worker import DeliveryWorker
from bot.reminders import jobs
from bot.reminders.fanout import enqueue_reminder
from bot.reminders.scheduler import ReminderScheduler
from bot.runtime import start_core
from bot.storage.models import Broadcast
from tests.conftest import ORGANIZER_ID, ManualClock, Member


def content_with(tmp_path: Path, deadlines: str) -> Path:
    folder = tmp_path / "content"
    if not folder.exists():
        shutil.copytree(BUNDLED_CONTENT_DIR, folder)
    with (folder / "contest.toml").open("a", encoding="utf-8") as handle:
        handle.write(deadlines)
    return folder


def deadline_toml(key: str, at: datetime, remind: str, tracks: str = "[]") -> str:
    return (
        f'\n[[deadlines]]\nkey = "{key}"\ntitle = {{ zh = "作品提交截止", en = "Submission" }}\n'
        f'at = "{at.isoformat()}"\nremind_before = [{remind}]\ntracks = {tracks}\n'
    )


class Inbox:
    """Stands in for the platforms' send(): what each chat received, with an event per message."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.arrived = asyncio.Event()

    async def send(self, target: Target, reply: Reply) -> SendResult:
        self.messages.append((target.chat_id, reply.text))
        self.arrived.set()
        return SendResult.sent(str(len(self.messages)))

    def chats(self) -> list[str]:
        return sorted(chat for chat, _ in self.messages)


async def deliver(core: Core, inbox: Inbox) -> None:
    worker = DeliveryWorker(
        core.services.database, {"telegram": inbox.send}, {}, core.services.clock
    )
    while await worker.run_once():
        pass


@pytest.fixture
async def reminder_core(
    database_url: str, settings: Settings, clock: ManualClock, tmp_path: Path
) -> AsyncIterator[Core]:
    """A core whose contest has a submission deadline for the tech track, on the test clock."""
    at = clock.now() + timedelta(days=10)
    content = content_with(tmp_path, deadline_toml("submission", at, '"7d", "1d"', '["aigc-tech"]'))
    config = settings.model_copy(update={"database_url": database_url, "content_dir": content})
    core = await start_core(config, clock)
    yield core
    await core.services.database.close()


async def fire(core: Core, offset: str = "1d") -> int:
    async with core.services.database.session() as session:
        deadline = find(await current_deadlines(session, core.services.contest), "submission")
    assert deadline is not None
    return await enqueue_reminder(
        core.services.database, deadline, offset, "Asia/Shanghai", "en", core.services.clock.now()
    )


async def test_a_reminder_reaches_exactly_the_subscribers_of_its_track(reminder_core: Core) -> None:
    await Member(reminder_core, user_id="1").says("/subscribe aigc-tech")
    await Member(reminder_core, user_id="2").says("/subscribe all")
    await Member(reminder_core, user_id="3").says("/subscribe aigc-creative")
    await Member(reminder_core, user_id="4").says("hello")  # not subscribed
    inbox = Inbox()

    assert await fire(reminder_core) == 2
    await deliver(reminder_core, inbox)

    assert inbox.chats() == ["1", "2"]
    assert all("Submission" in text and "/unsubscribe" in text for _, text in inbox.messages)


async def test_a_reminder_fired_twice_is_enqueued_once(reminder_core: Core) -> None:
    await Member(reminder_core, user_id="1").says("/subscribe all")
    assert await fire(reminder_core) == 1
    assert await fire(reminder_core) == 0
    inbox = Inbox()
    await deliver(reminder_core, inbox)
    assert inbox.chats() == ["1"]


async def test_member_in_utc_minus_five_reads_local_times(reminder_core: Core) -> None:
    member = Member(reminder_core, user_id="1", locale="zh-CN")
    await member.says("/timezone America/New_York")
    await member.says("/subscribe all")
    shanghai = Member(reminder_core, user_id="2")
    await shanghai.says("/subscribe all")
    await fire(reminder_core)
    inbox = Inbox()
    await deliver(reminder_core, inbox)
    texts = dict(inbox.messages)
    at = reminder_core.services.clock.now() + timedelta(days=10)
    new_york = at.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    assert f"{new_york:%H:%M}" in texts["1"] and "America/New_York" in texts["1"]
    assert "提醒" in texts["1"] and "Reminder" in texts["2"]
    assert "Asia/Shanghai" in texts["2"]


async def test_reconcile_schedules_moves_and_drops_jobs(reminder_core: Core) -> None:
    scheduler = ReminderScheduler(reminder_core.services)
    scheduler.scheduler.start(paused=True)  # jobs are stored, nothing runs
    try:
        actions = await scheduler.reconcile()
        assert actions == {
            "reminder:submission:7d": "scheduled",
            "reminder:submission:1d": "scheduled",
        }
        assert await scheduler.reconcile() == {}  # a restart changes nothing

        organizer = Member(reminder_core, user_id=ORGANIZER_ID)
        reminder_core.services.reminders = scheduler
        moved = await organizer.says("/deadline move submission 2024-06-20 12:00")
        assert "rescheduled" in moved[0].text
        job = scheduler.scheduler.get_job("reminder:submission:1d")
        assert job is not None
        assert job.next_run_time == datetime(2024, 6, 19, 4, 0, tzinfo=UTC)

        await organizer.says("/deadline remove submission")
        assert [j.id for j in scheduler.scheduler.get_jobs() if j.id.startswith("reminder:")] == []
    finally:
        scheduler.shutdown()


async def test_past_offsets_are_not_scheduled(
    database_url: str, settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    at = clock.now() + timedelta(hours=1)
    content = content_with(tmp_path, deadline_toml("submission", at, '"7d", "1d", "30m"'))
    core = await start_core(
        settings.model_copy(update={"database_url": database_url, "content_dir": content}), clock
    )
    scheduler = ReminderScheduler(core.services)
    scheduler.scheduler.start(paused=True)
    try:
        assert set(await scheduler.reconcile()) == {"reminder:submission:30m"}
    finally:
        scheduler.shutdown()
        await core.services.database.close()


# --- with APScheduler firing on the wall clock -------------------------------------------------


async def running_bot(
    settings: Settings, database_url: str, content: Path, inbox: Inbox
) -> tuple[Core, ReminderScheduler, asyncio.Event, asyncio.Task[None]]:
    config = settings.model_copy(update={"database_url": database_url, "content_dir": content})
    core = await start_core(config, SystemClock())
    scheduler = ReminderScheduler(core.services)
    await scheduler.start()
    stopping = asyncio.Event()
    worker = DeliveryWorker(
        core.services.database, {"telegram": inbox.send}, {}, core.services.clock, idle_wait=0.05
    )
    return core, scheduler, stopping, asyncio.create_task(worker.run(stopping))


async def stop_bot(
    core: Core, scheduler: ReminderScheduler, stopping: asyncio.Event, task: asyncio.Task[None]
) -> None:
    stopping.set()
    await task
    scheduler.shutdown()
    await core.services.database.close()


async def subscribe(settings: Settings, database_url: str, content: Path, *users: str) -> None:
    config = settings.model_copy(update={"database_url": database_url, "content_dir": content})
    core = await start_core(config, SystemClock())
    for user in users:
        await Member(core, user_id=user).says("/subscribe all")
    await core.services.database.close()


async def broadcasts(database_url: str, settings: Settings, content: Path) -> int:
    config = settings.model_copy(update={"database_url": database_url, "content_dir": content})
    core = await start_core(config, SystemClock())
    async with core.services.database.session() as session:
        count = await session.scalar(select(func.count()).select_from(Broadcast))
    await core.services.database.close()
    return count or 0


async def test_restart_between_scheduling_and_firing_fires_once_and_never_again(
    database_url: str, settings: Settings, tmp_path: Path
) -> None:
    # The 1m reminder 6 s away: the first run must start and stop before it is due, also on a
    # loaded machine.
    at = datetime.now(UTC) + timedelta(minutes=1, seconds=6)
    content = content_with(tmp_path, deadline_toml("submission", at, '"1m"'))
    await subscribe(settings, database_url, content, "1", "2")
    inbox = Inbox()

    bot = await running_bot(settings, database_url, content, inbox)  # schedules the job
    await stop_bot(*bot)  # … and goes down before it is due
    assert inbox.messages == []

    bot = await running_bot(settings, database_url, content, inbox)
    try:
        while len(inbox.messages) < 2:
            inbox.arrived.clear()
            await asyncio.wait_for(inbox.arrived.wait(), timeout=15)
    finally:
        await stop_bot(*bot)
    assert inbox.chats() == ["1", "2"]

    bot = await running_bot(settings, database_url, content, inbox)  # a restart after firing
    await asyncio.sleep(0.2)
    await stop_bot(*bot)
    assert inbox.chats() == ["1", "2"]
    assert await broadcasts(database_url, settings, content) == 1


async def test_reminder_due_while_down_is_sent_late_within_grace_and_skipped_after(
    database_url: str, settings: Settings, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    deadlines = (
        deadline_toml("recent", now + timedelta(minutes=50), '"1h"')  # due 10 min ago
        + deadline_toml("old", now + timedelta(minutes=30), '"3h"').replace('"recent"', '"old"')
    )  # due 2.5 h ago: past the 1 h grace
    content = content_with(tmp_path, deadlines)
    await subscribe(settings, database_url, content, "1")
    inbox = Inbox()
    bot = await running_bot(settings, database_url, content, inbox)
    try:
        await asyncio.wait_for(inbox.arrived.wait(), timeout=15)
        await asyncio.sleep(0.3)
    finally:
        await stop_bot(*bot)
    [(chat, text)] = inbox.messages
    assert chat == "1" and "late" in text


async def test_moved_deadline_fires_at_the_new_time_only(
    database_url: str, settings: Settings, tmp_path: Path
) -> None:
    far = datetime.now(UTC) + timedelta(days=3)
    content = content_with(tmp_path, deadline_toml("submission", far, '"1m"'))
    await subscribe(settings, database_url, content, "1")
    inbox = Inbox()
    core, scheduler, stopping, task = await running_bot(settings, database_url, content, inbox)
    try:
        old_job = scheduler.scheduler.get_job("reminder:submission:1m")
        assert old_job is not None and old_job.next_run_time > datetime.now(UTC) + timedelta(days=2)
        soon = (datetime.now(UTC) + timedelta(minutes=1, seconds=2)).astimezone(
            core.services.settings.zone
        )
        # minute precision in the command, so move by the content's own override path
        from bot.storage.models import DeadlineOverride

        async with core.services.database.session() as session:
            session.add(
                DeadlineOverride(
                    key="submission",
                    at=soon,
                    removed=False,
                    changed_by=ORGANIZER_ID,
                    changed_at=datetime.now(UTC),
                )
            )
        await scheduler.reconcile()
        await asyncio.wait_for(inbox.arrived.wait(), timeout=15)
        await asyncio.sleep(0.3)
    finally:
        await stop_bot(core, scheduler, stopping, task)
    assert inbox.chats() == ["1"]
    assert soon.strftime("%H:%M") in inbox.messages[0][1]


async def test_housekeeping_left_due_by_the_last_process_runs_once_on_start(
    database_url: str, settings: Settings, tmp_path: Path
) -> None:
    """A bot down longer than the housekeeping interval finds that job due when it starts; it
    must run once, not once for the stored time and again for the start (the second skipped
    with a warning a member running the console chat would read)."""
    config = settings.model_copy(update={"database_url": database_url})
    core = await start_core(config, SystemClock())
    first = ReminderScheduler(core.services)
    await first.start()
    first.scheduler.pause()
    first.scheduler.modify_job(
        "housekeeping", next_run_time=datetime.now(UTC) - timedelta(minutes=5)
    )
    first.shutdown()

    submitted: list[str] = []
    skipped: list[str] = []
    ran = asyncio.Event()

    def seen(event: JobEvent) -> None:
        if event.job_id != "housekeeping":
            return
        if event.code == EVENT_JOB_SUBMITTED:
            submitted.append(event.job_id)
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            skipped.append(event.job_id)
        else:
            ran.set()

    second = ReminderScheduler(core.services)
    second.scheduler.add_listener(
        seen, EVENT_JOB_SUBMITTED | EVENT_JOB_MAX_INSTANCES | EVENT_JOB_EXECUTED
    )
    try:
        await second.start()
        await asyncio.wait_for(ran.wait(), timeout=15)
        # Both runs were submitted together before the fix; let a late one show itself.
        await asyncio.sleep(0.5)
    finally:
        second.shutdown()
        await jobs.finish_running_jobs()
        await core.services.database.close()
    assert (submitted, skipped) == (["housekeeping"], [])


async def test_a_scheduler_that_fails_to_start_is_not_left_holding_its_jobs(
    database_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = settings.model_copy(update={"database_url": database_url})
    core = await start_core(config, SystemClock())
    scheduler = ReminderScheduler(core.services)

    async def broken_reconcile() -> dict[str, str]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(scheduler, "reconcile", broken_reconcile)
    try:
        with pytest.raises(RuntimeError):
            await scheduler.start()
        await asyncio.sleep(0)  # AsyncIOScheduler.shutdown() runs on the loop's next turn
        assert not scheduler.scheduler.running
    finally:
        await core.services.database.close()
