"""Outbox figures: enqueueing, the delivery pipeline's own ceiling, and the Telegram limiter.

    .venv/bin/python bench/broadcast.py [--postgres postgresql+asyncpg://postgres@127.0.0.1/test]

1. Time to enqueue one announcement to 100,000 members (INSERT … SELECT in batches).
2. Deliveries per second with an instant sender (no platform at all): the pipeline's ceiling,
   with 1 and 4 workers, on SQLite and, when given, PostgreSQL.
3. With the Telegram limiter at its defaults (25 messages/s), the achieved rate as a share of
   the configured limit.
4. A broadcast to 300 members whose process dies a third of the way through, at the limiter's
   pace: the time from the restart until the last message, against the lease it need not wait
   out, and the duplicates.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime

import asyncpg
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bot.clock import SystemClock
from bot.messages import Reply, SendResult, Target
from bot.outbox.broadcasts import enqueue_broadcast
from bot.outbox.instances import LEASE, DeliveryInstance
from bot.outbox.limits import TELEGRAM_DEFAULTS, PlatformLimiter
from bot.outbox.worker import DeliveryWorker
from bot.storage.database import Database
from bot.storage.models import Broadcast, Member

ENQUEUE_MEMBERS = 100_000
THROUGHPUT_DELIVERIES = 10_000
LIMITED_DELIVERIES = 250
RESTART_MEMBERS = 300


async def instant_send(target: Target, reply: Reply) -> SendResult:
    return SendResult.sent("1")


async def add_members(database: Database, count: int) -> None:
    now = datetime.now(UTC)
    batch = 10_000
    for start in range(0, count, batch):
        rows = [
            {
                "platform": "telegram",
                "platform_user_id": str(n),
                "display_name": "",
                "private_chat_id": str(n),
                "reachable": True,
                "first_seen": now,
                "last_seen": now,
            }
            for n in range(start, min(count, start + batch))
        ]
        async with database.session() as session:
            await session.execute(insert(Member), rows)


async def new_broadcast(database: Database) -> int:
    now = datetime.now(UTC)
    async with database.session() as session:
        broadcast = Broadcast(
            text="Hello",
            audience="everyone",
            status="queued",
            author_platform="telegram",
            author_user_id="0",
            author_chat_id="0",
            created_at=now,
            enqueued_at=now,
        )
        session.add(broadcast)
        await session.flush()
        return broadcast.id


async def fresh_database(url: str) -> Database:
    database = Database(url)
    await database.upgrade()
    return database


async def deliver_all(database: Database, workers: int, limiter: PlatformLimiter | None) -> float:
    """Seconds until every queued row is sent by `workers` concurrent workers."""
    limiters = {"telegram": limiter} if limiter else {}
    crew = [
        DeliveryWorker(database, {"telegram": instant_send}, limiters, SystemClock())
        for _ in range(workers)
    ]

    async def drain(worker: DeliveryWorker) -> None:
        while await worker.run_once():
            pass

    started = time.perf_counter()
    await asyncio.gather(*(drain(worker) for worker in crew))
    return time.perf_counter() - started


async def measure(label: str, make_url_for: callable) -> None:  # type: ignore[valid-type]
    database = await fresh_database(await make_url_for())
    await add_members(database, ENQUEUE_MEMBERS)
    broadcast = await new_broadcast(database)
    started = time.perf_counter()
    count = await enqueue_broadcast(database, broadcast, datetime.now(UTC))
    print(f"{label}: enqueue {count:,} deliveries: {time.perf_counter() - started:.2f} s")
    await database.close()

    for workers in (1, 4):
        database = await fresh_database(await make_url_for())
        await add_members(database, THROUGHPUT_DELIVERIES)
        await enqueue_broadcast(database, await new_broadcast(database), datetime.now(UTC))
        seconds = await deliver_all(database, workers, None)
        print(
            f"{label}: {workers} worker(s), instant sender: "
            f"{THROUGHPUT_DELIVERIES / seconds:,.0f} deliveries/s"
        )
        await database.close()


async def limited(make_url_for: callable) -> None:  # type: ignore[valid-type]
    database = await fresh_database(await make_url_for())
    await add_members(database, LIMITED_DELIVERIES)
    await enqueue_broadcast(database, await new_broadcast(database), datetime.now(UTC))
    seconds = await deliver_all(database, 4, PlatformLimiter(TELEGRAM_DEFAULTS))
    rate = LIMITED_DELIVERIES / seconds
    limit = TELEGRAM_DEFAULTS.overall_per_second
    print(
        f"Telegram limiter ({limit:.0f}/s), 4 workers, {LIMITED_DELIVERIES} messages: "
        f"{rate:.1f}/s = {rate / limit:.1%} of the limit"
    )
    await database.close()


async def restart_mid_broadcast(make_url_for: callable) -> None:  # type: ignore[valid-type]
    database = await fresh_database(await make_url_for())
    await add_members(database, RESTART_MEMBERS)
    await enqueue_broadcast(database, await new_broadcast(database), datetime.now(UTC))
    sent: Counter[str] = Counter()
    third = asyncio.Event()

    async def send(target: Target, reply: Reply) -> SendResult:
        sent[target.chat_id] += 1
        if sum(sent.values()) >= RESTART_MEMBERS // 3:
            third.set()
        return SendResult.sent("1")

    running = {1}
    first = DeliveryInstance(
        database, SystemClock(), host="bench", pid=1, running=running.__contains__
    )
    limiter = PlatformLimiter(TELEGRAM_DEFAULTS)
    dying = DeliveryWorker(
        database, {"telegram": send}, {"telegram": limiter}, SystemClock(), instance=first
    )
    stopping = asyncio.Event()
    task = asyncio.create_task(dying.run(stopping))
    await third.wait()
    task.cancel()  # the process is killed mid-way, its claimed rows left "sending"
    with contextlib.suppress(asyncio.CancelledError):
        await task
    running.clear()
    left = RESTART_MEMBERS - len(sent)
    restarted = time.perf_counter()
    second = DeliveryInstance(
        database, SystemClock(), host="bench", pid=2, running=running.__contains__
    )
    requeued = await second.join()
    worker = DeliveryWorker(
        database, {"telegram": send}, {"telegram": PlatformLimiter(TELEGRAM_DEFAULTS)},
        SystemClock(), instance=second,
    )  # fmt: skip
    while len(sent) < RESTART_MEMBERS:
        await worker.run_once()
    took = time.perf_counter() - restarted
    pace = left / TELEGRAM_DEFAULTS.overall_per_second
    duplicates = sum(sent.values()) - RESTART_MEMBERS
    print(
        f"Restart mid-broadcast ({RESTART_MEMBERS} members, killed after {RESTART_MEMBERS // 3}): "
        f"{requeued} held rows queued again at once; the remaining {left} delivered "
        f"{took:.1f} s after the restart (the limiter alone needs {pace:.1f} s; the "
        f"{LEASE.total_seconds():.0f} s lease not waited); {duplicates} duplicates"
    )
    await database.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="an asyncpg URL of a server to create databases on")
    options = parser.parse_args()
    folder = tempfile.mkdtemp()

    async def sqlite_url() -> str:
        return f"sqlite+aiosqlite:///{folder}/{uuid.uuid4().hex}.db"

    await measure("SQLite", sqlite_url)
    if options.postgres:
        server = make_url(options.postgres)

        async def postgres_url() -> str:
            name = f"bench_{uuid.uuid4().hex[:10]}"
            connection = await asyncpg.connect(
                host=server.host,
                port=server.port or 5432,
                user=server.username,
                database=server.database,
            )
            await connection.execute(f'CREATE DATABASE "{name}"')
            await connection.close()
            return server.set(database=name).render_as_string(hide_password=False)

        await measure("PostgreSQL", postgres_url)
    await limited(sqlite_url)
    await restart_mid_broadcast(sqlite_url)


if __name__ == "__main__":
    asyncio.run(main())
