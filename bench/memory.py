"""Memory of an idle bot, per mode: `communitybot run` started as a user starts it, measured
(RSS) once it has settled, with BM25 alone and with the embedding model.

    .venv/bin/python bench/memory.py

Modes: the console (no platform token), Telegram, and Telegram with Discord (both against the
stand-in servers in tests/fakes, on 127.0.0.1). The HTTP server is off, except in "console + web
chat". Each run starts on a database that is already migrated, as a restarted bot does.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.discord_api import FakeDiscordServer  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramServer  # noqa: E402

GUILD = 1
SETTLE_SECONDS = 4


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def idle_rss(environment: dict[str, str], ready: asyncio.Future[None] | None) -> float:
    """Start the bot, wait until it is up (the console prompt, or `ready`), let it settle."""
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=environment, cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        # Only the console's prompt is read; unread output would fill the pipe and stall the bot.
        stdout=asyncio.subprocess.PIPE if ready is None else asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        if ready is None:
            assert bot.stdout is not None
            while b"> " not in await bot.stdout.read(256):
                pass
        else:
            await asyncio.wait_for(ready, 120)
        await asyncio.sleep(SETTLE_SECONDS)
        return rss_mb(bot.pid)
    finally:
        bot.terminate()
        await bot.wait()


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "OPENAI_"))}
        base |= {"BOT_DATABASE_URL": f"sqlite+aiosqlite:///{folder}/bot.db", "BOT_HTTP_PORT": "0"}
        await idle_rss(base, None)  # migrate once: the runs below start as a restarted bot
        modes = {
            "console": (),
            "console + web chat": ("web",),
            "Telegram": ("telegram",),
            "Telegram + Discord": ("telegram", "discord"),
        }
        print("idle RSS of `communitybot run` (MB):   BM25 only   with the embedding model")
        for label, parts in modes.items():
            figures = [
                await _measure(base | {"BOT_RETRIEVAL": retrieval}, parts)
                for retrieval in ("bm25", "hybrid")
            ]
            print(f"  {label:<24} {figures[0]:>14.0f} {figures[1]:>16.0f}")


async def _measure(environment: dict[str, str], parts: tuple[str, ...]) -> float:
    """One run, with fresh stand-ins for the platforms it uses."""
    if "web" in parts:
        return await idle_rss(environment | {"BOT_HTTP_PORT": "18765"}, None)
    if not parts:
        return await idle_rss(environment, None)
    telegram, discord = FakeTelegramServer(), FakeDiscordServer()
    discord.add_guild(GUILD, channel_ids=(100,))
    await telegram.start()
    await discord.start()
    try:
        environment = environment | {
            "BOT_TELEGRAM_TOKEN": telegram.token,
            "BOT_TELEGRAM_API_BASE": telegram.base_url,
        }
        if "discord" in parts:
            environment |= {
                "BOT_DISCORD_TOKEN": discord.token,
                "BOT_DISCORD_API_BASE": discord.api_base,
                "BOT_DISCORD_GATEWAY_URL": str(discord.gateway_url),
                "BOT_DISCORD_GUILD_IDS": str(GUILD),
            }
        ready = asyncio.ensure_future(_connected(telegram, discord, "discord" in parts))
        return await idle_rss(environment, ready)
    finally:
        await discord.stop()
        await telegram.stop()


async def _connected(
    telegram: FakeTelegramServer, discord: FakeDiscordServer, with_discord: bool
) -> None:
    """The bot is polling Telegram (and identified on Discord's gateway)."""
    await telegram.wait_for("getUpdates", timeout=120)
    if with_discord:
        await discord.wait_until_identified(timeout=120)


if __name__ == "__main__":
    asyncio.run(main())
