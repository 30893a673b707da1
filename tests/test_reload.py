"""/reload and SIGHUP put edited content live without a restart, checked first; every process
follows."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import BUNDLED_CONTENT_DIR, Settings
from bot.core.app import Core
from bot.knowledge.build import follow_knowledge
from bot.reminders.scheduler import ReminderScheduler
from bot.runtime import start_core
from tests.conftest import ORGANIZER_ID, ManualClock, Member, only_text
from tests.test_reminders import content_with, deadline_toml

MASCOT_EN = "\n## Mascot\n\nThe contest's mascot is a panda named Xiaoxiang.\n"
MASCOT_ZH = "\n## 吉祥物\n\n大赛的吉祥物是一只名叫小湘的熊猫。\n"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return Path(shutil.copytree(BUNDLED_CONTENT_DIR, tmp_path / "content"))


@pytest.fixture
async def bot(settings: Settings, clock: ManualClock, content: Path) -> AsyncIterator[Core]:
    core = await start_core(settings.model_copy(update={"content_dir": content}), clock)
    yield core
    await core.services.database.close()


def add_mascot(content: Path) -> None:
    for name, section in (("community.en.md", MASCOT_EN), ("community.zh.md", MASCOT_ZH)):
        page = content / "knowledge" / name
        page.write_text(page.read_text("utf-8") + section, "utf-8")


async def test_edited_content_answers_after_reload(bot: Core, content: Path) -> None:
    member = Member(bot, user_id="701")
    assert "Xiaoxiang" not in (await member.says("What is the contest's mascot?"))[0].text
    add_mascot(content)
    reloaded = only_text(await Member(bot, user_id=ORGANIZER_ID).says("/reload"))
    assert "Content checked" in reloaded
    assert "Xiaoxiang" in (await member.says("What is the contest's mascot?"))[0].text


async def test_content_that_fails_the_check_changes_nothing(bot: Core, content: Path) -> None:
    add_mascot(content)
    (content / "knowledge" / "community.zh.md").write_text("no title, no sections", "utf-8")
    report = only_text(await Member(bot, user_id=ORGANIZER_ID).says("/reload"))
    assert "Nothing was reloaded" in report and "community.zh.md" in report
    member = Member(bot, user_id="702")
    [answer] = await member.says("What is the contest's mascot?")
    assert "Xiaoxiang" not in answer.text
    assert "AIGC Creative Works" in (await member.says("Which tracks are there?"))[0].text


async def test_a_moved_date_in_contest_toml_shows_after_reload(bot: Core, content: Path) -> None:
    toml = content / "contest.toml"
    toml.write_text(toml.read_text("utf-8").replace("2024年10月", "2024年11月"), "utf-8")
    await Member(bot, user_id=ORGANIZER_ID).says("/reload")
    assert "2024年11月" in only_text(
        await Member(bot, user_id="703", locale="zh").says("/deadlines")
    )


async def test_every_process_follows_a_reload(bot: Core, content: Path, clock: ManualClock) -> None:
    other = await start_core(bot.services.settings, clock)  # same database, same content
    try:
        add_mascot(content)
        await Member(bot, user_id=ORGANIZER_ID).says("/reload")
        assert await follow_knowledge(other.services)
        answer = (await Member(other, user_id="704").says("What is the contest's mascot?"))[0]
        assert "Xiaoxiang" in answer.text
    finally:
        await other.services.database.close()


async def test_the_scheduling_process_moves_reminders_when_it_follows_a_reload(
    settings: Settings, clock: ManualClock, tmp_path: Path, database_url: str
) -> None:
    """Two processes on one database: one answers (and reloads), the other only schedules. Once
    the scheduling one follows the reload, the moved deadline's reminder moves with it."""
    at = clock.now() + timedelta(days=10)
    content = content_with(tmp_path, deadline_toml("submission", at, '"1d"'))
    config = settings.model_copy(update={"database_url": database_url, "content_dir": content})
    answering, scheduling = await start_core(config, clock), await start_core(config, clock)
    scheduler = ReminderScheduler(scheduling.services)
    scheduler.scheduler.start(paused=True)  # jobs are stored, nothing runs
    scheduling.services.reminders = scheduler
    try:
        await scheduler.reconcile()
        job = scheduler.scheduler.get_job("reminder:submission:1d")
        assert job is not None and job.next_run_time == at - timedelta(days=1)
        toml = content / "contest.toml"
        later = at + timedelta(days=2)
        toml.write_text(toml.read_text("utf-8").replace(at.isoformat(), later.isoformat()), "utf-8")
        assert "Content checked" in only_text(
            await Member(answering, user_id=ORGANIZER_ID).says("/reload")
        )
        assert await follow_knowledge(scheduling.services)
        job = scheduler.scheduler.get_job("reminder:submission:1d")
        assert job is not None and job.next_run_time == later - timedelta(days=1)
    finally:
        scheduler.shutdown()
        await scheduling.services.database.close()
        await answering.services.database.close()


async def test_members_cannot_reload(bot: Core) -> None:
    assert "organizers only" in only_text(await Member(bot, user_id="705").says("/reload"))


async def test_sighup_reloads_a_running_bot(content: Path, tmp_path: Path) -> None:
    import asyncio
    import signal
    import sys

    from tests.conftest import child_environment
    from tests.fakes.telegram_api import FakeTelegramServer

    telegram = FakeTelegramServer()
    await telegram.start()
    environment = child_environment(
        BOT_TELEGRAM_TOKEN=telegram.token,
        BOT_TELEGRAM_API_BASE=telegram.base_url,
        BOT_CONTENT_DIR=str(content),
        BOT_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        BOT_HTTP_PORT="0",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await telegram.wait_for("getUpdates", timeout=30)
        add_mascot(content)
        process.send_signal(signal.SIGHUP)
        # The reload runs in the background (it embeds the new section): ask now and then
        # until the answer changes, for a minute at most on a busy machine.
        for attempt in range(1, 61):
            telegram.message_update("What is the contest's mascot?", user_id=900 + attempt)
            [answer] = await telegram.wait_for(
                "sendMessage", timeout=30, predicate=lambda p, a=attempt: p["chat_id"] == 900 + a
            )
            if "Xiaoxiang" in answer["text"]:
                break
            await asyncio.sleep(1)
        assert "Xiaoxiang" in answer["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        await telegram.stop()
    assert process.returncode == 0, stderr.decode()
