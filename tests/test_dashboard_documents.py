"""Importing a document from the dashboard: upload, see the sections, confirm; members get
answers from it at once. In headless Chromium, and by hand-made requests for the guards."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bot.config import BUNDLED_CONTENT_DIR, PROJECT_ROOT, Settings
from bot.core.app import Core
from bot.dashboard.app import add_dashboard
from bot.knowledge.build import content_fingerprint
from bot.ops.http import service_app
from bot.runtime import start_core
from tests.conftest import ManualClock, Member, launch_chromium, served
from tests.documents import rules_pdf
from tests.test_dashboard import TOKEN, csrf_of, jar, log_in, needs_chromium


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return Path(shutil.copytree(BUNDLED_CONTENT_DIR, tmp_path / "content"))


@pytest.fixture
async def site(
    settings: Settings, clock: ManualClock, content: Path
) -> AsyncIterator[tuple[str, Core]]:
    configured = settings.model_copy(
        update={
            "dashboard_token": SecretStr(TOKEN),
            "content_dir": content,
            "import_max_megabytes": 0.5,
        }
    )
    core = await start_core(configured, clock)
    app = service_app(core.services.database, {})
    add_dashboard(app, core.services, TOKEN)
    async with served(app) as base:
        yield base, core
    await core.services.database.close()


@needs_chromium
async def test_an_organizer_uploads_the_rules_pdf_and_members_get_answers(
    site: tuple[str, Core], tmp_path: Path, content: Path
) -> None:
    from playwright.async_api import async_playwright

    base, core = site
    pdf = tmp_path / "大赛规则.pdf"
    pdf.write_bytes(rules_pdf())
    artifacts = PROJECT_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        page = await browser.new_page(viewport={"width": 1000, "height": 800}, locale="zh-CN")
        await page.goto(base + "/dashboard/login")
        await page.fill("input[name=token]", TOKEN)
        await page.click("button:has-text('登录')")
        await page.click("nav >> text=文档")
        await page.fill("input[name=doc]", "rules")
        await page.set_input_files("input[name=file]", str(pdf))
        await page.click("button:has-text('显示分节')")
        summary = await page.inner_text("#summary")
        assert (
            "rules.zh.md：共 4 节，中文" in summary
            and "大赛规则 › 第三条 知识产权 (p. 2)" in summary
        )
        await page.screenshot(path=str(artifacts / "dashboard-import-preview.png"), full_page=True)
        await page.click("button:has-text('导入')")
        notice = await page.inner_text(".notice")
        assert "已导入" in notice and "共 4 节" in notice
        assert "4" in await page.inner_text("#imported")
        await page.screenshot(path=str(artifacts / "dashboard-import-done.png"), full_page=True)
        await browser.close()
    imported = content / "knowledge" / "rules.zh.md"
    assert "## 第四条 违规处理" in imported.read_text(encoding="utf-8")
    [answer] = await Member(core, user_id="61").says("抄袭会怎么处理？")
    assert "取消参赛资格" in answer.text and "第四条 违规处理 (p. 2)" in answer.text


async def upload(
    http: aiohttp.ClientSession, base: str, csrf: str | None, name: str, data: bytes
) -> aiohttp.ClientResponse:
    form = aiohttp.FormData()
    if csrf is not None:
        form.add_field("csrf", csrf)
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    async with http.post(base + "/dashboard/documents/preview", data=form) as response:
        await response.read()
        return response


async def test_an_upload_without_the_form_token_or_too_big_or_cancelled_changes_nothing(
    site: tuple[str, Core], content: Path
) -> None:
    base, _ = site
    before = content_fingerprint(content)
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        await log_in(http, base)
        csrf = await csrf_of(http, base + "/dashboard/documents")

        forged = await upload(http, base, None, "rules.pdf", rules_pdf())
        big = await upload(http, base, csrf, "rules.pdf", rules_pdf() + b"\n" * 600_000)
        big_page = await big.text()
        preview = await upload(http, base, csrf, "rules.pdf", rules_pdf())
        key = (await preview.text()).split("/dashboard/documents/", 1)[1].split("/", 1)[0]
        async with http.post(
            f"{base}/dashboard/documents/{key}/cancel", data={"csrf": csrf}
        ) as cancelled:
            cancelled_page = await cancelled.text()
        async with http.post(
            f"{base}/dashboard/documents/{key}/confirm", data={"csrf": csrf}
        ) as late:
            late_page = await late.text()

    assert forged.status == 403
    assert big.status == 422 and "the limit is 0.5 MB" in big_page
    assert preview.status == 200 and "Nothing was imported." in cancelled_page
    assert late.status == 404 and "no longer waiting" in late_page
    assert content_fingerprint(content) == before
