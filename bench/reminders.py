"""Reminder figures: the fan-out of one reminder, and the scheduler's start-up.

    .venv/bin/python bench/reminders.py [--postgres postgresql+asyncpg://postgres@127.0.0.1/test]

1. Enqueueing one reminder for 100,000 subscribers (their deliveries written to the outbox).
2. The scheduler's start-up with 1,000 deadlines (one reminder each): the first start, which
   schedules every job, and a restart, which finds them in the job store.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy import insert, select
from sqlalchemy.engine import make_url

from bot.clock import SystemClock
from bot.config import BUNDLED_CONTENT_DIR, load_settings
from bot.content.models import Bilingual, Deadline
from bot.reminders.fanout import enqueue_reminder
from bot.reminders.scheduler import ReminderScheduler
from bot.runtime import build_services
from bot.storage.database import Database
from bot.storage.models import Member, Subscription

SUBSCRIBERS = 100_000
DEADLINES = 1_000


async def add_subscribers(database: Database, count: int) -> None:
    now = datetime.now(UTC)
    batch = 10_000
    for start in range(0, count, batch):
        members = [
            {
                "platform": "telegram",
                "platform_user_id": str(n),
                "display_name": "",
                "private_chat_id": str(n),
                "reachable": True,
                "first_seen": now,
                "last_seen": now,
                "language": "zh" if n % 2 else "en",
                "timezone": None if n % 3 else "Europe/Paris",
            }
            for n in range(start, min(count, start + batch))
        ]
        async with database.session() as session:
            await session.execute(insert(Member), members)
            ids = (
                await session.scalars(
                    select(Member.id).where(
                        Member.platform_user_id.in_([m["platform_user_id"] for m in members])
                    )
                )
            ).all()
            await session.execute(
                insert(Subscription),
                [{"member_id": member_id, "topic": "all", "created_at": now} for member_id in ids],
            )


async def fan_out(url: str, label: str) -> None:
    database = Database(url)
    await database.upgrade()
    await add_subscribers(database, SUBSCRIBERS)
    deadline = Deadline(
        key="submission",
        title=Bilingual(zh="作品提交截止", en="Submission"),
        at=datetime.now(UTC) + timedelta(days=1),
        remind_before=["1d"],
    )
    started = time.perf_counter()
    count = await enqueue_reminder(
        database, deadline, "1d", "Asia/Shanghai", "zh", datetime.now(UTC)
    )
    print(
        f"{label}: one reminder to {count:,} subscribers enqueued in "
        f"{time.perf_counter() - started:.2f} s"
    )
    await database.close()


async def scheduler_start(folder: Path) -> None:
    content = folder / "content"
    shutil.copytree(BUNDLED_CONTENT_DIR, content)
    first = datetime.now(UTC) + timedelta(days=30)
    with (content / "contest.toml").open("a", encoding="utf-8") as handle:
        for n in range(DEADLINES):
            at = (first + timedelta(hours=n)).isoformat()
            handle.write(
                f'\n[[deadlines]]\nkey = "d{n}"\ntitle = {{ zh = "截止{n}", en = "D{n}" }}\n'
                f'at = "{at}"\nremind_before = ["1d"]\n'
            )
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{folder}/sched.db", content_dir=content
    )
    for label in ("first start (schedules 1,000 jobs)", "restart (jobs already stored)"):
        services = build_services(settings, SystemClock())
        await services.database.upgrade()
        scheduler = ReminderScheduler(services)
        started = time.perf_counter()
        await scheduler.start()
        print(f"scheduler {label}: {time.perf_counter() - started:.2f} s")
        scheduler.shutdown()
        await services.database.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="an asyncpg URL of a server to create a database on")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    await fan_out(f"sqlite+aiosqlite:///{folder}/fanout.db", "SQLite")
    if options.postgres:
        server = make_url(options.postgres)
        name = f"bench_{uuid.uuid4().hex[:10]}"
        connection = await asyncpg.connect(
            host=server.host,
            port=server.port or 5432,
            user=server.username,
            database=server.database,
        )
        await connection.execute(f'CREATE DATABASE "{name}"')
        await connection.close()
        await fan_out(server.set(database=name).render_as_string(hide_password=False), "PostgreSQL")
    await scheduler_start(folder)


if __name__ == "__main__":
    asyncio.run(main())
