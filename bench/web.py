"""The web chat under load: answers per second through the web adapter, how many lasting
event streams (the pages' live announcements) one process holds, with its memory, and answers
per second while they are open (answers have their own bound, so open pages never block them).

    .venv/bin/python bench/web.py [--streams 1000] [--clients 20] [--seconds 10]

The bot runs as `communitybot run` (no platform token: console and web chat) in a subprocess,
on SQLite in a temporary folder, so its memory is its own; this script is the browsers. The
bot runs with the default settings, except the per-minute message limits (every browser here
comes from 127.0.0.1, so the per-address limit would measure itself).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def wait_for_chat(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(600):
            try:
                async with http.get(base + "/chat/") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("the bot did not start")


async def answers_per_second(base: str, clients: int, seconds: float, text: str) -> float:
    """`clients` browsers (a session each) sending `text` one after another for `seconds`."""
    done = 0
    stop_at = time.perf_counter() + seconds

    async def browser() -> None:
        nonlocal done
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            await http.get(base + "/chat/")
            while time.perf_counter() < stop_at:
                async with http.post(
                    base + "/chat/api/send",
                    json={"text": text},
                    headers={"Origin": base, "Accept": "text/event-stream"},
                ) as response:
                    await response.read()
                    if response.status == 200:
                        done += 1

    started = time.perf_counter()
    await asyncio.gather(*(browser() for _ in range(clients)))
    return done / (time.perf_counter() - started)


async def hold_streams(
    base: str, count: int, pid: int, while_open: Callable[[], Awaitable[float]]
) -> tuple[int, float, float]:
    """Open `count` event streams at once; how many the process holds, its memory then, and
    what `while_open` measured while they were open."""
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        responses = []

        async def open_one() -> None:
            response = await http.get(base + "/chat/api/events")
            if response.status == 200:
                await response.content.readuntil(b"\n\n")
                responses.append(response)
            else:
                response.release()

        await asyncio.gather(*(open_one() for _ in range(count)), return_exceptions=True)
        memory = rss_mb(pid)
        held = len(responses)
        measured = await while_open()
        for response in responses:
            response.close()
    return held, memory, measured


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    options = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "OPENAI_"))},
            "BOT_DATABASE_URL": f"sqlite+aiosqlite:///{folder}/bot.db",
            "BOT_HTTP_PORT": str(port),
            "BOT_HTTP_HOST": "127.0.0.1",
            "BOT_WEB_MESSAGES_PER_MINUTE": "1000000",
            "BOT_WEB_IP_MESSAGES_PER_MINUTE": "1000000",
        }
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=environment, cwd=ROOT,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            await wait_for_chat(base)
            idle = rss_mb(bot.pid)
            print(f"web chat process: {idle:.0f} MB RSS at idle (console + web chat)")
            for label, text in (("command /tracks", "/tracks"), ("question", "有哪些赛道？")):
                rate = await answers_per_second(base, options.clients, options.seconds, text)
                print(f"  {label}: {rate:.0f} answers/s ({options.clients} browsers, SSE)")
            held, memory, rate = await hold_streams(
                base,
                options.streams,
                bot.pid,
                lambda: answers_per_second(base, options.clients, options.seconds, "/tracks"),
            )
            print(
                f"  event streams held at once: {held} of {options.streams}; "
                f"RSS then {memory:.0f} MB (+{memory - idle:.0f} MB, "
                f"{(memory - idle) * 1024 / max(held, 1):.0f} KB each)"
            )
            print(f"  command /tracks with those pages open: {rate:.0f} answers/s")
        finally:
            assert bot.stdin is not None
            bot.stdin.write(b"/quit\n")
            await bot.stdin.drain()
            bot.terminate()
            await bot.wait()


if __name__ == "__main__":
    asyncio.run(main())
