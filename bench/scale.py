"""Several processes on PostgreSQL: delivery throughput with 1, 2 and 4 processes, and how long
the scheduler takes to move to another process when its process dies.

    .venv/bin/python bench/scale.py postgresql+asyncpg://postgres@127.0.0.1:5432/test

Deliveries go to an instant sender (no platform): the figure is the pipeline's own ceiling —
claiming with SKIP LOCKED, sending, committing each outcome — as processes are added.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import asyncpg
from sqlalchemy.engine import make_url

from bench.broadcast import add_members, instant_send, new_broadcast
from bot.clock import SystemClock
from bot.outbox.broadcasts import enqueue_broadcast
from bot.outbox.worker import DeliveryWorker
from bot.storage.database import Database

DELIVERIES = 20_000
WORKERS_PER_PROCESS = 2

LEADER_SCRIPT = """
import asyncio, sys
from bot.ops.roles import lead_scheduling
from bot.storage.database import Database

async def main():
    database = Database(sys.argv[1])
    stopping = asyncio.Event()
    async def start():
        print("LEADER", flush=True)
    await lead_scheduling(database, start, lambda: None, stopping)

asyncio.run(main())
"""


async def create_database(server_url: str) -> str:
    server = make_url(server_url)
    name = f"bench_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(
        host=server.host, port=server.port or 5432, user=server.username, database=server.database
    )
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()
    return server.set(database=name).render_as_string(hide_password=False)


def deliver_in_process(url: str) -> None:
    async def run() -> None:
        database = Database(url)
        crew = [
            DeliveryWorker(database, {"telegram": instant_send}, {}, SystemClock())
            for _ in range(WORKERS_PER_PROCESS)
        ]

        async def drain(worker: DeliveryWorker) -> None:
            while await worker.run_once():
                pass

        await asyncio.gather(*(drain(worker) for worker in crew))
        await database.close()

    asyncio.run(run())


async def throughput(server_url: str, processes: int) -> float:
    url = await create_database(server_url)
    database = Database(url)
    await database.upgrade()
    await add_members(database, DELIVERIES)
    await enqueue_broadcast(database, await new_broadcast(database), datetime.now(UTC))
    await database.close()
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    crew = [context.Process(target=deliver_in_process, args=(url,)) for _ in range(processes)]
    for process in crew:
        process.start()
    for process in crew:
        await asyncio.to_thread(process.join)
    return DELIVERIES / (time.perf_counter() - started)


def failover(url: str) -> float:
    """Seconds from killing the leading process to the standby holding the scheduler lock."""
    first = subprocess.Popen(
        [sys.executable, "-c", LEADER_SCRIPT, url], stdout=subprocess.PIPE, text=True
    )
    assert first.stdout is not None and first.stdout.readline().strip() == "LEADER"
    second = subprocess.Popen(
        [sys.executable, "-c", LEADER_SCRIPT, url], stdout=subprocess.PIPE, text=True
    )
    time.sleep(1.0)  # the second process is polling for the lock by now
    killed = time.perf_counter()
    first.send_signal(signal.SIGKILL)
    assert second.stdout is not None
    line = second.stdout.readline()
    taken = time.perf_counter() - killed
    second.kill()
    first.wait()
    second.wait()
    assert line.strip() == "LEADER"
    return taken


async def main() -> None:
    server_url = (
        sys.argv[1] if len(sys.argv) > 1 else "postgresql+asyncpg://postgres@127.0.0.1/test"
    )
    for processes in (1, 2, 4):
        rate = await throughput(server_url, processes)
        print(
            f"{processes} delivery process(es) x {WORKERS_PER_PROCESS} workers, instant sender: "
            f"{rate:,.0f} deliveries/s"
        )
    seconds = await asyncio.to_thread(failover, await create_database(server_url))
    print(
        f"scheduler failover: the standby process took the lock {seconds:.2f} s after the "
        "leader was killed"
    )


if __name__ == "__main__":
    asyncio.run(main())
