"""The web chat: the page, a question answered as server-sent events with source links, the
JSON fallback, a member's cookie, and each guard (Origin, rate, size, concurrent answers,
Content-Security-Policy, escaping)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.web import WebAdapter
from bot.config import Settings
from bot.core.app import Core
from bot.messages import Reply, Target
from bot.ops.http import service_app
from bot.outbox.broadcasts import BroadcastRepository
from bot.outbox.worker import DeliveryWorker
from bot.runtime import start_core
from tests.conftest import ManualClock, Outbox, launch_chromium, served
from tests.fakes.openai_api import FakeOpenAIServer
from tests.test_llm import PRIZES_EN, llm_settings
from tests.test_llm import model as model


async def start_site(
    settings: Settings, clock: ManualClock, poll_seconds: float = 0.05
) -> tuple[Core, WebAdapter, object]:
    core = await start_core(settings, clock)
    app = service_app(core.services.database, {})
    adapter = WebAdapter(settings, poll_seconds=poll_seconds)
    adapter.mount(app)
    await adapter.start(core)
    return core, adapter, app


@pytest.fixture
async def site(settings: Settings, clock: ManualClock) -> AsyncIterator[tuple[str, Core]]:
    core, adapter, app = await start_site(settings, clock)
    async with served(app) as base:  # type: ignore[arg-type]
        yield base, core
        await adapter.stop()  # as the service does: adapters stop before the HTTP server
    await core.services.database.close()


async def announce(core: Core, text: str, audience: str | None = None) -> None:
    """An organizer's announcement (to everyone unless told), confirmed and sent."""
    from tests.conftest import ORGANIZER_ID, Member

    organizer = Member(core, user_id=ORGANIZER_ID)
    [preview] = await organizer.says(f"/announce {text}")
    confirm = next(b.payload for b in preview.buttons if b.payload.endswith("confirm"))
    if audience is not None:
        await organizer.presses(confirm.replace("confirm", f"audience={audience}"))
    await organizer.presses(confirm)
    await Outbox().deliver(core)


def events(body: str) -> list[tuple[str, dict[str, object]]]:
    found = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        found.append((lines["event"], json.loads(lines["data"])))
    return found


async def ask(
    http: aiohttp.ClientSession, base: str, stream: bool = True, **message: str
) -> aiohttp.ClientResponse:
    """Post a message as the page does, from an English browser."""
    return await http.post(
        base + "/chat/api/send",
        json=message,
        headers={
            "Origin": base,
            "Accept": "text/event-stream" if stream else "application/json",
            "Accept-Language": "en-US,en;q=0.9",
        },
    )


def jar() -> aiohttp.CookieJar:
    return aiohttp.CookieJar(unsafe=True)


async def deliver(core: Core, adapter: WebAdapter) -> list[tuple[Target, Reply]]:
    """Run the outbox dry, with the web chat's `send` beside the platforms' (as `run` does);
    returns what went to Telegram and Discord."""
    outbox = Outbox()
    senders = {"telegram": outbox.send, "discord": outbox.send, "web": adapter.send}
    worker = DeliveryWorker(core.services.database, senders, {}, core.services.clock)
    while await worker.run_once():
        pass
    return outbox.sent


async def kept(http: aiohttp.ClientSession, base: str) -> list[dict[str, Any]]:
    """The messages the page lists for its member, as it reads them when it opens."""
    async with http.get(base + "/chat/api/kept") as response:
        return list((await response.json())["messages"])


async def next_event(stream: aiohttp.ClientResponse) -> tuple[str, dict[str, Any]]:
    """The next event on a page's stream (keep-alive comments skipped)."""
    while True:
        block = (await asyncio.wait_for(stream.content.readuntil(b"\n\n"), 10)).decode()
        if not block.startswith(":") and not block.startswith("retry"):
            [found] = events(block)
            return found


async def test_a_question_is_answered_as_events_with_a_link_to_its_section(
    site: tuple[str, Core],
) -> None:
    base, _ = site
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        async with http.get(base + "/chat/", headers={"Accept-Language": "zh-CN"}) as page:
            html = await page.text()
            assert page.cookies["cb_web"]["httponly"]
            assert "default-src 'self'" in page.headers["Content-Security-Policy"]
        assert 'lang="zh-CN"' in html and "大赛助手" in html
        async with await ask(http, base, text="有哪些赛道？") as response:
            assert response.content_type == "text/event-stream"
            found = events(await response.text())
        [(name, reply), (last, _)] = found
        assert name == "reply" and last == "end" and "AIGC技术创新" in str(reply["text"])
        [citation] = reply["citations"]  # type: ignore[misc]
        assert citation["url"].startswith("/kb/")  # type: ignore[index]
        async with http.get(base + citation["url"].split("#")[0]) as section:  # type: ignore[index]
            assert section.status == 200 and "AIGC技术创新" in await section.text()
        async with await ask(http, base, stream=False, text="/tracks") as response:
            [tracks] = (await response.json())["replies"]
            assert "AIGC" in tracks["text"]


async def test_a_member_registers_with_buttons_and_forgetme_clears_the_cookie(
    site: tuple[str, Core],
) -> None:
    base, _ = site
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        await http.get(base + "/chat/")
        async with await ask(http, base, stream=False, text="/register") as response:
            [question] = (await response.json())["replies"]
        track = next(b for b in question["buttons"] if b["payload"].endswith("aigc-app"))
        async with await ask(http, base, stream=False, pressed=track["payload"]) as response:
            assert "registered" in (await response.json())["replies"][0]["text"]
        async with await ask(http, base, stream=False, text="/subscribe") as response:
            instead, _ = (await response.json())["replies"]  # no reminders on a web page;
            # then the registration's waiting question (the team name) is asked again
            assert "Reminders cannot reach this page" in instead["text"]
            assert instead["buttons"] == [{"label": "Calendar", "payload": "run:calendar"}]
        await ask(http, base, stream=False, text="/skip")
        await ask(http, base, stream=False, text="/skip")
        async with await ask(http, base, stream=False, text="/myregistrations") as response:
            assert "AIGC Application Innovation" in (await response.json())["replies"][0]["text"]
        async with await ask(http, base, stream=False, pressed="forgetme:yes") as response:
            assert "Erased" in (await response.json())["replies"][0]["text"]
            assert response.cookies["cb_web"].value == ""  # the cookie is cleared
    async with (
        aiohttp.ClientSession(cookie_jar=jar()) as http,
        await ask(http, base, stream=False, text="/myregistrations") as response,
    ):
        assert "not registered" in (await response.json())["replies"][0]["text"]


async def test_posts_from_other_sites_and_without_an_origin_are_refused(
    site: tuple[str, Core],
) -> None:
    base, _ = site
    async with aiohttp.ClientSession() as http:
        for origin in ("https://evil.example", None):
            headers = {"Origin": origin} if origin else {}
            headers["Accept-Language"] = "zh-CN"
            async with http.post(
                base + "/chat/api/send", json={"text": "hi"}, headers=headers
            ) as response:
                assert response.status == 403
                assert "不能向这里发送" in (await response.json())["error"]  # a Chinese browser


async def test_too_long_and_too_many_are_told_with_a_retry_time(
    settings: Settings, clock: ManualClock
) -> None:
    limited = settings.model_copy(
        update={"web_messages_per_minute": 3, "web_message_characters": 150}
    )
    core, adapter, app = await start_site(limited, clock)
    async with served(app) as base, aiohttp.ClientSession(cookie_jar=jar()) as http:  # type: ignore[arg-type]
        async with http.get(base + "/chat/") as page:  # the box stops where the server does
            assert 'maxlength="150"' in await page.text()
        async with await ask(http, base, stream=False, text="x" * 151) as response:
            assert response.status == 413 and "at most 150" in (await response.json())["error"]
        for _ in range(3):
            async with await ask(http, base, stream=False, text="/tracks") as response:
                assert response.status == 200
        async with await ask(http, base, stream=False, text="/tracks") as response:
            assert response.status == 429 and int(response.headers["Retry-After"]) >= 1
            assert "Too many messages" in (await response.json())["error"]
        await adapter.stop()
    await core.services.database.close()


async def test_member_and_knowledge_text_cannot_inject_markup(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    import shutil

    from bot.config import BUNDLED_CONTENT_DIR

    content = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT_DIR, content)
    for language in ("en", "zh"):  # a section must exist in both languages
        knowledge = content / "knowledge" / f"community.{language}.md"
        knowledge.write_text(
            knowledge.read_text(encoding="utf-8")
            + "\n\n## Evil\n\nHello <script>alert(1)</script> [x](javascript:alert(2))\n",
            encoding="utf-8",
        )
    core, _, app = await start_site(settings.model_copy(update={"content_dir": content}), clock)
    async with (
        served(app) as base,  # type: ignore[arg-type]
        aiohttp.ClientSession() as http,
        http.get(base + "/kb/community") as page,
    ):
        html = await page.text()
        policy = page.headers["Content-Security-Policy"]  # knowledge pages are guarded too
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html  # a link in the source is text, not a link
    await core.services.database.close()


@pytest.mark.skipif(
    __import__("shutil").which("chromium") is None, reason="Debian's chromium is not installed"
)
async def test_a_member_chats_in_chromium_on_a_desktop_and_a_phone(
    site: tuple[str, Core],
) -> None:
    from playwright.async_api import async_playwright

    from bot.config import PROJECT_ROOT

    base, _ = site
    artifacts = PROJECT_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        context = await browser.new_context(viewport={"width": 1100, "height": 850}, locale="zh-CN")
        page = await context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        await page.goto(base + "/chat/")
        assert await page.inner_text("h1") == "大赛助手"

        await page.fill("#input", "有哪些赛道？")
        await page.press("#input", "Enter")
        answer = page.locator(".from-bot").nth(1)
        await answer.locator(".citations a").wait_for()
        assert "AIGC技术创新" in await answer.inner_text()
        async with context.expect_page() as opened:
            await answer.locator(".citations a").first.click()
        section = await opened.value
        await section.wait_for_load_state()
        anchor = section.url.split("#", 1)[1]
        assert "AIGC技术创新" in await section.inner_text(f"#{anchor}")
        await section.close()

        # The tracks come with the button to register for one, then the rating buttons.
        assert await answer.locator(".buttons button").all_inner_texts() == [
            "登记赛道意向",
            "有帮助",
            "没帮助",
        ]
        await answer.locator(".buttons button", has_text="有帮助").click()
        await page.locator(".from-bot").nth(2).locator(".text").filter(has_text="谢").wait_for()

        await page.fill("#input", "<img src=x onerror=alert(1)>")
        await page.press("#input", "Enter")
        await page.locator(".from-member", has_text="<img src=x").wait_for()
        await page.locator(".from-bot", has_text="couldn't find").wait_for()
        assert await page.locator("#messages img").count() == 0 and dialogs == []

        await page.fill("#input", "/register")
        await page.press("#input", "Enter")
        tracks = page.locator(".from-bot").last.locator(".buttons button")
        await tracks.first.wait_for()
        # The last question was written in English, so the bot answers in English now.
        await tracks.nth(1).click()
        await page.locator(".from-bot", has_text="registered for AIGC Application").wait_for()
        await page.screenshot(path=str(artifacts / "web-chat-desktop.png"), full_page=True)

        await page.click("button[data-language=en]")
        await page.locator("h1", has_text="Contest assistant").wait_for()
        await page.locator(".from-bot", has_text="English").last.wait_for()

        phone = await browser.new_page(viewport={"width": 375, "height": 740}, locale="en-US")
        await phone.goto(base + "/chat/")
        await phone.fill("#input", "Which tracks are there?")
        await phone.press("#input", "Enter")
        await phone.locator(".from-bot .citations a").first.wait_for()
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375  # nothing wider than the phone
        await phone.screenshot(path=str(artifacts / "web-chat-phone.png"), full_page=True)
        await browser.close()


async def test_open_pages_hear_of_new_announcements_as_they_go_out(
    site: tuple[str, Core],
) -> None:
    base, core = site
    await announce(core, "The final is on 24 October.")
    async with aiohttp.ClientSession() as http:
        async with http.get(base + "/chat/api/announcements") as response:
            [known] = (await response.json())["announcements"]
        assert known["text"] == "The final is on 24 October."
        async with http.get(base + "/chat/api/events") as stream:
            assert stream.content_type == "text/event-stream"
            await stream.content.readuntil(b"\n\n")  # the stream is open
            await announce(core, "Registration opens on 1 June.")
            heard: list[tuple[str, dict[str, object]]] = []
            while not any(item["text"] == "Registration opens on 1 June." for _, item in heard):
                # (the first one may come too, if the page opened before it was noticed)
                block = await asyncio.wait_for(stream.content.readuntil(b"\n\n"), 10)
                heard += events(block.decode())
    assert {name for name, _ in heard} == {"announcement"}


async def test_only_the_configured_sites_may_frame_the_chat(
    settings: Settings, clock: ManualClock
) -> None:
    for origins, expected in (
        ("", "frame-ancestors 'self'"),
        ("https://news.example.org", "frame-ancestors 'self' https://news.example.org"),
    ):
        core, adapter, app = await start_site(
            settings.model_copy(update={"web_embed_origins": origins}), clock
        )
        async with (
            served(app) as base,  # type: ignore[arg-type]
            aiohttp.ClientSession() as http,
            http.get(base + "/chat/") as page,
        ):
            assert page.headers["Content-Security-Policy"].endswith(expected)
            assert page.headers["X-Content-Type-Options"] == "nosniff"
        await adapter.stop()
        await core.services.database.close()


async def test_one_address_is_limited_across_its_browsers(
    settings: Settings, clock: ManualClock
) -> None:
    limited = settings.model_copy(update={"web_ip_messages_per_minute": 2})
    core, adapter, app = await start_site(limited, clock)
    async with served(app) as base:  # type: ignore[arg-type]
        for browser in range(3):  # a new cookie each time: the address is what counts
            async with (
                aiohttp.ClientSession(cookie_jar=jar()) as http,
                await ask(http, base, stream=False, text="/tracks") as response,
            ):
                assert response.status == (200 if browser < 2 else 429)
        await adapter.stop()
    await core.services.database.close()


async def test_a_full_server_refuses_more_pages_but_still_answers_questions(
    settings: Settings, clock: ManualClock
) -> None:
    core, adapter, app = await start_site(settings.model_copy(update={"web_max_streams": 1}), clock)
    async with served(app) as base, aiohttp.ClientSession(cookie_jar=jar()) as http:  # type: ignore[arg-type]
        async with http.get(base + "/chat/api/events") as first:
            await first.content.readuntil(b"\n\n")  # one page listens: the process is full
            async with http.get(
                base + "/chat/api/events", headers={"Accept-Language": "en"}
            ) as second:
                assert second.status == 503 and second.headers["Retry-After"] == "5"
                assert "try again in a few seconds" in (await second.json())["error"]
            async with await ask(http, base, stream=False, text="/tracks") as response:
                assert response.status == 200  # open pages never keep a question waiting
        await adapter.stop()
    await core.services.database.close()


async def test_one_answer_at_a_time_per_browser_and_a_bound_on_answers_per_process(
    settings: Settings, clock: ManualClock, model: FakeOpenAIServer
) -> None:
    model.script(PRIZES_EN, chunks=8)
    model.chunk_delay = 0.3  # the answer takes a while to write
    bounded = llm_settings(settings, model, web_max_answers=1, llm_timeout_seconds=10.0)
    core, adapter, app = await start_site(bounded, clock)
    async with (
        served(app) as base,  # type: ignore[arg-type]
        aiohttp.ClientSession(cookie_jar=jar()) as http,
        aiohttp.ClientSession(cookie_jar=jar()) as other,
    ):
        await http.get(base + "/chat/")
        async with await ask(http, base, text="How many prizes does each track have?") as growing:
            assert (await growing.content.readuntil(b"\n\n")).startswith(b"event: delta")
            async with await ask(http, base, text="/tracks") as again:
                assert again.status == 429 and int(again.headers["Retry-After"]) >= 1
                assert "Wait for the answer" in (await again.json())["error"]
            async with await ask(other, base, text="/tracks") as elsewhere:
                assert elsewhere.status == 503 and elsewhere.headers["Retry-After"] == "5"
            assert "prize" in await growing.text()
        async with await ask(other, base, stream=False, text="/tracks") as response:
            assert response.status == 200  # the answer is written: room again
        await adapter.stop()
    await core.services.database.close()


async def test_the_address_is_the_clients_only_behind_a_trusted_proxy(
    settings: Settings, clock: ManualClock
) -> None:
    async def statuses(site_settings: Settings, sent: list[str]) -> list[int]:
        """Each message from a new browser, with the X-Forwarded-For given."""
        core, adapter, app = await start_site(site_settings, clock)
        found = []
        async with served(app) as base:  # type: ignore[arg-type]
            for forwarded_for in sent:
                async with (
                    aiohttp.ClientSession(cookie_jar=jar()) as http,
                    http.post(
                        base + "/chat/api/send",
                        json={"text": "/tracks"},
                        headers={"Origin": base, "X-Forwarded-For": forwarded_for},
                    ) as response,
                ):
                    found.append(response.status)
            await adapter.stop()
        await core.services.database.close()
        return found

    two_a_minute = {"web_ip_messages_per_minute": 2}
    # Not behind a trusted proxy: anyone can write the header, so it changes nothing.
    direct = settings.model_copy(update=two_a_minute)
    assert await statuses(direct, ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) == [200, 200, 429]
    # Behind one (the test's client connects from 127.0.0.1): two clients, each with its own
    # limit; what a client adds to the left of the proxy's entry is not believed.
    proxied = settings.model_copy(update={**two_a_minute, "web_trusted_proxies": "127.0.0.0/8"})
    sent = ["203.0.113.1", "203.0.113.1", "198.51.100.7", "198.51.100.7, 203.0.113.1"]
    assert await statuses(proxied, sent) == [200, 200, 200, 429]


async def test_the_panel_shows_announcements_to_everyone_and_to_the_web_only(
    site: tuple[str, Core],
) -> None:
    base, core = site
    await announce(core, "To everyone.")
    await announce(core, "Only on Telegram.", audience="platform:telegram")
    await announce(core, "Only on the web page.", audience="platform:web")
    await announce(core, "To solo registrants.", audience="solo")  # private: not on a public page
    async with aiohttp.ClientSession() as http, http.get(base + "/chat/api/announcements") as got:
        shown = [item["text"] for item in (await got.json())["announcements"]]
    assert shown == ["Only on the web page.", "To everyone."]
    async with core.services.database.session() as session:
        [web_only] = [b for b in await BroadcastRepository(session).recent() if "web" in b.text]
    assert web_only.audience == "platform:web" and web_only.total == 0  # nobody is messaged


async def test_a_second_process_knows_the_cookie_and_a_tampered_one_is_a_stranger(
    settings: Settings, clock: ManualClock
) -> None:
    first_core, first, first_app = await start_site(settings, clock)
    second_core, second, second_app = await start_site(settings, clock)  # same database
    async with (
        served(first_app) as one,  # type: ignore[arg-type]
        served(second_app) as two,  # type: ignore[arg-type]
        aiohttp.ClientSession(cookie_jar=jar()) as http,
    ):
        async with await ask(http, one, stream=False, text="/register aigc-app") as response:
            cookie = response.cookies["cb_web"].value
        await ask(http, one, stream=False, text="/skip")
        await ask(http, one, stream=False, text="/skip")

        async def my_registrations(base: str, identity: str) -> tuple[str, str | None]:
            async with (
                aiohttp.ClientSession() as browser,
                browser.post(
                    base + "/chat/api/send",
                    json={"text": "/myregistrations"},
                    headers={
                        "Origin": base,
                        "Cookie": f"cb_web={identity}",
                        "Accept-Language": "en",
                    },
                ) as answer,
            ):
                text = (await answer.json())["replies"][0]["text"]
                given = answer.cookies.get("cb_web")
                return text, given.value if given else None

        text, given = await my_registrations(two, cookie)
        assert "AIGC Application Innovation" in text and given is None  # the same member
        tampered = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
        text, given = await my_registrations(two, tampered)
        assert "not registered" in text and given not in (None, cookie)  # a new identity
        for adapter in (first, second):
            await adapter.stop()
    await first_core.services.database.close()
    await second_core.services.database.close()


async def test_a_web_member_sees_the_deadlines_and_gets_the_calendar_file(
    site: tuple[str, Core],
) -> None:
    import base64

    base, _ = site
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        async with await ask(http, base, stream=False, text="/deadlines") as response:
            [deadlines] = (await response.json())["replies"]
        assert "Final and award ceremony" in deadlines["text"]
        async with await ask(http, base, stream=False, pressed="run:calendar") as response:
            replies = (await response.json())["replies"]
        [attachment] = [r["attachment"] for r in replies if r["attachment"]]
        assert attachment["filename"].endswith(".ics") and attachment["type"] == "text/calendar"
        assert base64.b64decode(attachment["data"]).startswith(b"BEGIN:VCALENDAR")


async def test_the_name_a_web_member_gives_is_what_organizers_see(
    site: tuple[str, Core],
) -> None:
    from tests.conftest import ORGANIZER_ID, Member

    base, core = site
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        await ask(http, base, stream=False, text="/register aigc-tech", name="Li Lei")
    [export] = [r for r in await Member(core, user_id=ORGANIZER_ID).says("/export") if r.attachment]
    assert export.attachment is not None
    [row] = [line for line in export.attachment.content.decode().splitlines() if "web," in line]
    assert "Li Lei" in row


def shared_storage_reachable() -> bool:
    """coredis installed (`pip install coredis`) and a Redis at 127.0.0.1:6379."""
    import importlib.util
    import socket

    if importlib.util.find_spec("coredis") is None:
        return False
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.skipif(not shared_storage_reachable(), reason="no coredis or no Redis on this machine")
async def test_processes_sharing_a_rate_limit_storage_count_a_browser_once(
    settings: Settings, clock: ManualClock
) -> None:
    from pydantic import SecretStr

    shared = settings.model_copy(
        update={
            "web_messages_per_minute": 2,
            "web_rate_limit_storage": SecretStr("async+redis://127.0.0.1:6379"),
        }
    )
    sites = [await start_site(shared, clock) for _ in range(2)]  # two processes, one database
    unreachable = shared.model_copy(  # a storage that is away lets messages through
        update={"web_rate_limit_storage": SecretStr("async+redis://127.0.0.1:1")}
    )
    sites.append(await start_site(unreachable, clock))
    async with (
        served(sites[0][2]) as one,  # type: ignore[arg-type]
        served(sites[1][2]) as two,  # type: ignore[arg-type]
        served(sites[2][2]) as away,  # type: ignore[arg-type]
        aiohttp.ClientSession(cookie_jar=jar()) as http,
    ):
        found = []
        for base in (one, two, one, away):  # the balancer sends each message elsewhere
            async with await ask(http, base, stream=False, text="/tracks") as response:
                found.append(response.status)
        assert found == [200, 200, 429, 200]
        for _, adapter, _ in sites:
            await adapter.stop()
    for core, _, _ in sites:
        await core.services.database.close()


def test_a_wrong_rate_limit_storage_stops_start_up_without_its_password() -> None:
    from bot.config import ConfigError, load_settings

    for uri in ("nosuch://:hunter2@cache:6379", "memory://:hunter2@cache"):  # memory: not async
        with pytest.raises(ConfigError) as refused:
            load_settings(web_rate_limit_storage=uri)
        assert "BOT_WEB_RATE_LIMIT_STORAGE" in str(refused.value)
        assert "hunter2" not in str(refused.value)


UNKNOWN = "What colour are the chairs in the final's hall?"


async def test_an_organizers_answer_reaches_the_web_members_pages_once_and_forgetme_erases_it(
    settings: Settings, clock: ManualClock, database_url: str
) -> None:
    from sqlalchemy import func, select, update

    from bot.storage.models import Delivery, WebMessage
    from tests.conftest import ORGANIZER_ID, Member

    # Two processes behind one balancer; the first one's watcher never runs in this test, so
    # what reaches a page it holds comes from its own send.
    sites = [
        await start_site(settings, clock, poll_seconds=3600),
        await start_site(settings, clock),
    ]
    (core, first, first_app), (_, _, second_app) = sites
    async with (
        served(first_app) as one,  # type: ignore[arg-type]
        served(second_app) as two,  # type: ignore[arg-type]
        aiohttp.ClientSession(cookie_jar=jar()) as http,
    ):
        await http.get(one + "/chat/")
        async with await ask(http, one, stream=False, text=UNKNOWN) as response:
            [dont_know] = (await response.json())["replies"]
        ask_person = next(b for b in dont_know["buttons"] if b["label"] == "Ask a person")
        async with await ask(http, one, stream=False, pressed=ask_person["payload"]) as response:
            [opened] = (await response.json())["replies"]
        assert "come to you here in private" in opened["text"]
        [confirmed] = await Member(core, user_id=ORGANIZER_ID).says(
            "/reply 1 Blue, and there are 300 of them."
        )
        assert "privately on web" in confirmed.text
        assert await kept(http, one) == []  # queued, not yet delivered

        # The member has the page open twice, each held by another process.
        async with (
            http.get(one + "/chat/api/events") as here,
            http.get(two + "/chat/api/events") as there,
        ):
            for stream in (here, there):
                await stream.content.readuntil(b"\n\n")  # the stream is open
            told = await deliver(core, first)
            assert [target.platform for target, _ in told] == []  # nothing went elsewhere
            for stream in (here, there):
                name, live = await next_event(stream)
                assert name == "kept" and "Blue, and there are 300" in live["text"]
                assert [b["label"] for b in live["buttons"]] == ["Reply"]
            # The second process's watcher finds the message again in every round: the
            # page is not given it twice. An announcement marks a later round.
            await announce(core, "The final is on 24 October.")
            while (heard := await next_event(there))[0] != "announcement":
                assert heard[0] != "kept", "the same message twice on one page"

        async with core.services.database.session() as session:
            web_row = select(Delivery).where(Delivery.platform == "web")
            [delivery] = (await session.scalars(web_row)).all()
            assert delivery.status == "sent"  # kept is delivered: not unreachable, not retried
            # Its worker dies after keeping it, before recording the outcome: sent again.
            await session.execute(
                update(Delivery).values(status="queued").where(Delivery.id == delivery.id)
            )
        await deliver(core, first)

        [listed] = await kept(http, one)  # the page opened again, on either process: once
        assert await kept(http, two) == [listed] and listed["number"] == live["number"]
        assert "Blue, and there are 300" in listed["text"]
        async with await ask(
            http, two, stream=False, pressed=listed["buttons"][0]["payload"]
        ) as response:
            [follow_up] = (await response.json())["replies"]
        assert "Write your reply about ticket #1" in follow_up["text"]  # its button works
        await ask(http, two, stream=False, text="/skip")

        async with await ask(http, one, stream=False, pressed="forgetme:yes") as response:
            assert "Erased" in (await response.json())["replies"][0]["text"]
        async with core.services.database.session() as session:
            assert await session.scalar(select(func.count()).select_from(WebMessage)) == 0
        for _, adapter, _ in sites:
            await adapter.stop()
    for site_core, _, _ in sites:
        await site_core.services.database.close()


async def test_a_telegram_members_introduction_reaches_a_web_member_who_accepts_it_on_the_page(
    site_with_adapter: tuple[str, Core, WebAdapter],
) -> None:
    from tests.conftest import Member
    from tests.test_finder import button

    base, core, adapter = site_with_adapter
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:

        async def says(message: dict[str, str]) -> list[dict[str, Any]]:
            async with await ask(http, base, stream=False, name="Mei", **message) as response:
                return list((await response.json())["replies"])

        def payload(replies: list[dict[str, Any]], label: str) -> str:
            return next(b["payload"] for r in replies for b in r["buttons"] if b["label"] == label)

        asked = await says({"text": "/lookingfor"})
        await says({"pressed": payload(asked, "AIGC Application Innovation")})
        languages = await says({"text": "前端, 配乐"})
        await says({"pressed": payload(languages, "Both")})
        [done] = await says({"text": "a team that needs a frontend developer"})
        assert "visible in /findteam" in done["text"]

        lin = Member(core, user_id="21", name="Lin", handle="@lin_dev")
        await lin.says("hello")  # a private chat with the bot
        found = await lin.says("/findteam application frontend")
        sent = await lin.presses(button(found, "Contact 1"))
        assert "passed your introduction on to Mei" in sent[0].text
        assert await deliver(core, adapter) == []  # nothing for Telegram yet

        [introduction] = await kept(http, base)  # the page, opened later
        assert "Lin would like to team up with you" in introduction["text"]
        assert "@lin_dev" not in introduction["text"]  # no handle before consent
        assert [b["label"] for b in introduction["buttons"]] == [
            "Accept",
            "Decline",
            "Block and report",
        ]
        [accepted] = await says({"pressed": payload([introduction], "Accept")})
        assert "@lin_dev" in accepted["text"]
        [(target, told)] = await deliver(core, adapter)
        assert target.platform == "telegram" and "Mei accepted your introduction" in told.text
        # No handle on the web: the Telegram member is told how it goes, not shown an id.
        assert "web chat" in told.text and "will write" in told.text


@pytest.fixture
async def site_with_adapter(
    settings: Settings, clock: ManualClock
) -> AsyncIterator[tuple[str, Core, WebAdapter]]:
    core, adapter, app = await start_site(settings, clock)
    async with served(app) as base:  # type: ignore[arg-type]
        yield base, core, adapter
        await adapter.stop()
    await core.services.database.close()


async def test_a_web_member_who_asked_to_be_told_finds_the_published_answer_on_the_page(
    site_with_adapter: tuple[str, Core, WebAdapter],
) -> None:
    from tests.conftest import ORGANIZER_ID, Member

    base, core, adapter = site_with_adapter
    question = "Is there parking at the final venue?"
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        async with await ask(http, base, stream=False, text=question) as response:
            [dont_know] = (await response.json())["replies"]
        watch = next(b for b in dont_know["buttons"] if b["label"] == "Tell me when answered")
        async with await ask(http, base, stream=False, pressed=watch["payload"]) as response:
            assert "tell you here" in (await response.json())["replies"][0]["text"]
        await Member(core, user_id=ORGANIZER_ID).says(
            f"/faq add {question} | Yes: the park's car park is free for participants."
        )
        await deliver(core, adapter)
        [told] = await kept(http, base)
    assert "has been answered" in told["text"] and "car park is free" in told["text"]
