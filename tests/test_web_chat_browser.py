"""The web chat in Chromium, in the ways that need a browser: an answer written by a language
model grows on the page, an announcement and an organizer's answer appear while the page is
open, and the widget opens the chat in a frame on another site (allowed by
BOT_WEB_EMBED_ORIGINS)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.config import Settings
from bot.core.app import Core
from tests.conftest import ManualClock, launch_chromium, served
from tests.fakes.openai_api import FakeOpenAIServer
from tests.test_llm import PRIZES_EN, llm_settings
from tests.test_llm import model as model
from tests.test_web_chat import UNKNOWN, announce, deliver, start_site

pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian's chromium is not installed"
)


@asynccontextmanager
async def open_page(**options: object) -> AsyncIterator[Any]:
    """A page in a fresh Chromium, closed whatever the test found."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        try:
            yield await browser.new_page(**options)
        finally:
            await browser.close()


@asynccontextmanager
async def serving(settings: Settings, clock: ManualClock) -> AsyncIterator[tuple[str, Core, Any]]:
    """The bot's web chat served over 127.0.0.1: its address, core and adapter."""
    core, adapter, app = await start_site(settings, clock)
    try:
        async with served(app) as base:  # type: ignore[arg-type]
            try:
                yield base, core, adapter
            finally:
                await adapter.stop()
    finally:
        await core.services.database.close()


@pytest.fixture
async def site(settings: Settings, clock: ManualClock) -> AsyncIterator[tuple[str, Core, Any]]:
    async with serving(settings, clock) as running:
        yield running


@pytest.fixture
async def llm_site(
    settings: Settings,
    clock: ManualClock,
    model: FakeOpenAIServer,
) -> AsyncIterator[tuple[str, Core]]:
    async with serving(llm_settings(settings, model), clock) as (base, core, _):
        yield base, core


async def test_a_model_answer_grows_on_the_page_and_announcements_arrive_live(
    llm_site: tuple[str, Core],
    model: FakeOpenAIServer,
) -> None:
    base, core = llm_site
    model.script(PRIZES_EN, chunks=8)
    model.chunk_delay = 0.3
    async with open_page(locale="en-US") as page:
        await page.goto(base + "/chat/")
        await page.fill("#input", "How many prizes does each track have?")
        await page.press("#input", "Enter")
        growing = page.locator(".from-bot.waiting .text")
        await growing.filter(has_text="prize").wait_for()  # part of it, still being written
        partial = await growing.inner_text()
        answer = page.locator(".from-bot").nth(1)
        await answer.locator(".citations a").wait_for()  # the end: its sources as links
        final = await answer.locator(".text").inner_text()
        assert len(partial) < len(final) and final.startswith(partial.rstrip("…"))

        await announce(core, "Registration opens on 1 June.")
        await page.locator("#announcements li", has_text="Registration opens").wait_for()


async def test_the_widget_opens_the_chat_in_a_frame_on_another_site(
    settings: Settings, clock: ManualClock
) -> None:
    host = web.Application()
    host_page: list[str] = []

    async def article(_: web.Request) -> web.Response:
        return web.Response(text=host_page[0], content_type="text/html")

    host.router.add_get("/", article)
    async with served(host) as host_base:
        embedding = settings.model_copy(update={"web_embed_origins": host_base})
        async with serving(embedding, clock) as (base, _, _), open_page(locale="zh-CN") as page:
            host_page.append(
                f"<!doctype html><html><body><h1>CSDN report</h1>"
                f'<script src="{base}/chat/widget.js"></script></body></html>'
            )
            await page.goto(host_base + "/")
            await page.click("#community-bot-widget")
            chat = page.frame_locator("iframe")
            await chat.locator("h1", has_text="大赛助手").wait_for()
            await chat.locator("#input").fill("有哪些赛道？")
            await chat.locator("#input").press("Enter")
            await chat.locator(".from-bot .citations a").first.wait_for()


async def test_the_command_menu_runs_a_command_and_the_calendar_downloads(
    site: tuple[str, Core, Any],
) -> None:
    base, _, _ = site
    async with open_page(locale="en-US") as page:
        await page.goto(base + "/chat/")
        note = await page.inner_text("#note")  # no reminders here: the page says so
        assert "Reminders are not sent to this page" in note and "/calendar" in note
        await page.click("#commands")
        await page.locator("#menu button", has_text="/calendar").click()
        download = page.locator(".from-bot a.download")
        await download.wait_for()
        assert (await download.get_attribute("download") or "").endswith(".ics")
        async with page.expect_download() as saving:
            await download.click()
        saved = await (await saving.value).path()
        body = await asyncio.to_thread(Path(saved).read_text, encoding="utf-8")
        assert body.startswith("BEGIN:VCALENDAR")


async def test_without_event_source_or_streams_the_page_answers_and_polls(
    site: tuple[str, Core, Any],
) -> None:
    """Older in-app browsers: Enter still sends, answers come as JSON, and announcements by
    asking now and then."""
    base, core, _ = site
    async with open_page(locale="en-US") as page:
        await page.add_init_script(  # as in older iOS Safari and WeChat
            "delete window.EventSource; delete window.ReadableStream;"
            "delete HTMLFormElement.prototype.requestSubmit;"
        )
        await page.goto(base + "/chat/")
        assert await page.evaluate("typeof EventSource + typeof ReadableStream") == (
            "undefinedundefined"
        )
        await page.fill("#input", "Which tracks are there?")
        await page.press("#input", "Enter")
        await page.locator(".from-bot .citations a").first.wait_for()
        await announce(core, "Registration opens on 1 June.")
        await page.locator("#announcements li", has_text="Registration opens").wait_for(
            timeout=10_000
        )


async def test_a_page_refused_by_a_full_server_listens_again_later(
    settings: Settings, clock: ManualClock
) -> None:
    import aiohttp

    one_stream = settings.model_copy(update={"web_max_streams": 1})
    async with (
        serving(one_stream, clock) as (base, core, adapter),
        open_page(locale="en-US") as page,
        aiohttp.ClientSession() as http,
    ):
        adapter.keepalive_seconds = 0.2  # a closed page's place is given back soon
        held = await http.get(base + "/chat/api/events")  # another page fills the process
        await held.content.readuntil(b"\n\n")
        async with page.expect_response(
            lambda r: r.url.endswith("/chat/api/events") and r.status == 503
        ):
            await page.goto(base + "/chat/")
        async with page.expect_response(
            lambda r: r.url.endswith("/chat/api/events") and r.status == 200, timeout=10_000
        ):
            held.close()  # that page goes away: there is room again
        await announce(core, "Registration opens on 1 June.")
        await page.locator("#announcements li", has_text="Registration opens").wait_for(
            timeout=10_000
        )


async def test_an_organizers_answer_appears_on_the_open_page_and_stays_after_a_reload(
    site: tuple[str, Core, Any],
) -> None:
    from bot.config import PROJECT_ROOT
    from tests.conftest import ORGANIZER_ID, Member

    base, core, adapter = site
    async with open_page(locale="en-US") as page:
        await page.goto(base + "/chat/")
        await page.fill("#input", UNKNOWN)
        await page.press("#input", "Enter")
        await page.locator(".from-bot .buttons button", has_text="Ask a person").click()
        await page.locator(".from-bot", has_text="Ticket #1").wait_for()

        await Member(core, user_id=ORGANIZER_ID).says("/reply 1 Blue, and there are 300 of them.")
        await deliver(core, adapter)
        kept = page.locator(".from-bot.kept")
        await kept.filter(has_text="Blue, and there are 300").wait_for()  # live, no reload
        assert (await kept.locator(".kept-label").inner_text()).startswith("Message for you")
        await page.screenshot(path=str(PROJECT_ROOT / "test-artifacts" / "web-chat-kept.png"))

        await page.reload()  # listed on load, and again when the stream opens: shown once
        await page.wait_for_function(
            "() => performance.getEntriesByName(location.origin + '/chat/api/kept').length >= 2"
        )
        await kept.locator(".buttons button", has_text="Reply").click()  # its button works
        await page.locator(".from-bot", has_text="Write your reply about ticket #1").wait_for()
        assert await kept.count() == 1
