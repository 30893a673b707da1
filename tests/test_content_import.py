"""`communitybot content import`: an organizer's PDF, Word file and web page become knowledge
files that answer members in both languages, citing the section and its page; a broken
document changes nothing."""

from __future__ import annotations

import asyncio
import http.server
import shutil
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from bot.config import BUNDLED_CONTENT_DIR, load_settings
from bot.content.loader import load_contest
from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.build import build_index, content_fingerprint
from tests.conftest import ManualClock, child_environment
from tests.documents import (
    FAQ_PAGE,
    NAVIGATION_PAGE,
    RULES_PAGES,
    guide_docx,
    rules_pdf,
    scanned_pdf,
)
from tests.fakes.openai_api import FakeOpenAIServer

NOW = datetime(2024, 6, 1, tzinfo=UTC)
PUBLISHED_IN_CHINESE = "This is published in Chinese only"
PUBLISHED_IN_ENGLISH = "This is published in English only"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT_DIR, folder)
    return folder


@pytest.fixture
def pages() -> Iterator[dict[str, bytes]]:
    """A web server on 127.0.0.1 serving what the test puts in the dict, by path."""
    served: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = served.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served["base"] = f"http://127.0.0.1:{server.server_address[1]}".encode()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


def run_import(content: Path, *arguments: str, **environment: str) -> Result:
    return CliRunner().invoke(
        main,
        ["content", "import", *arguments],
        env={"BOT_CONTENT_DIR": str(content), **environment},
        catch_exceptions=False,
    )


def answerer_for(content: Path, cache: str) -> RetrievalAnswerer:
    settings = load_settings(content_dir=content, cache_dir=cache)
    contest = load_contest(content)
    return RetrievalAnswerer(build_index(settings, contest, ManualClock()), contest)


def ask(answerer: RetrievalAnswerer, question: str) -> tuple[str, list[str]]:
    answer = answerer.answer(question, "en", "Asia/Shanghai", NOW)
    return answer.text, [source.label() for source in answer.sources]


def test_a_pdf_a_word_file_and_a_web_page_answer_in_both_languages(
    content: Path, tmp_path: Path, pages: dict[str, bytes], embeddings_cache: str
) -> None:
    (tmp_path / "rules.pdf").write_bytes(rules_pdf())
    (tmp_path / "Submission Guide.docx").write_bytes(guide_docx())
    # A site's menu of a hundred links around the article does not hide it.
    menu = "".join(f'<li><a href="/n/{n}">栏目{n}</a></li>' for n in range(100))
    pages["/final/guide.html"] = FAQ_PAGE.replace("<nav><ul>", "<nav><ul>" + menu).encode()
    address = pages["base"].decode() + "/final/guide.html"

    imported = [
        run_import(content, str(tmp_path / "rules.pdf")),
        run_import(content, str(tmp_path / "Submission Guide.docx")),
        run_import(content, address, "--doc", "final-guide"),
    ]

    for result in imported:
        assert result.exit_code == 0, result.output
    assert "第三条 知识产权 (p. 2)" in imported[0].output
    assert "4 section(s), in Chinese" in imported[0].output
    knowledge = content / "knowledge"
    written = {"rules.zh.md", "submission-guide.en.md", "final-guide.zh.md"}
    assert written <= {path.name for path in knowledge.iterdir()}
    rules = (knowledge / "rules.zh.md").read_text(encoding="utf-8")
    assert "## 第三条 知识产权" in rules and RULES_PAGES[1][2][:20] in rules
    assert "首页" not in (knowledge / "final-guide.zh.md").read_text(encoding="utf-8")
    check = CliRunner().invoke(main, ["content", "check"], env={"BOT_CONTENT_DIR": str(content)})
    assert check.exit_code == 0, check.output

    answerer = answerer_for(content, embeddings_cache)
    expected = [
        ("用了开源代码需要注明出处吗？", "大赛规则 › 第三条 知识产权 (p. 2)", "注明出处"),
        (
            "Do I have to credit open-source code I use?",
            "大赛规则 › 第三条 知识产权 (p. 2)",
            "注明出处",
        ),
        ("抄袭会怎么处理", "大赛规则 › 第四条 违规处理 (p. 2)", "取消参赛资格"),
        ("What happens if a team copies someone else's work?", "第四条 违规处理", "取消参赛资格"),
        ("What video format should my entry be?", "Submission guide › Video format", "H.264"),
        ("决赛现场展示每支队伍有几分钟？", "Submission guide › Demo day", "eight minutes"),
        ("决赛期间住宿怎么安排？", "决赛观赛指南 › 住宿安排", "两晚住宿"),
        ("Is accommodation provided during the final?", "决赛观赛指南 › 住宿安排", "两晚住宿"),
        ("Can I watch the final online?", "决赛观赛指南 › 线上直播", "直播"),
    ]
    for question, source, fact in expected:
        text, sources = ask(answerer, question)
        assert fact in text and any(source in label for label in sources), (question, text)

    # Quoted in the language it was published in, and said so.
    text, _ = ask(answerer, "Is accommodation provided during the final?")
    assert text.startswith(PUBLISHED_IN_CHINESE)
    text, _ = ask(answerer, "决赛现场展示每支队伍有几分钟？")
    assert text.startswith("这部分只有英文版")
    # The bundled knowledge still answers as before.
    text, sources = ask(answerer, "大赛有哪几个赛道？")
    assert "AIGC应用创新" in text and not any("大赛规则" in label for label in sources)


def test_the_language_is_what_most_of_the_document_is_written_in(
    content: Path, tmp_path: Path
) -> None:
    guide = tmp_path / "venue.md"
    guide.write_text(
        "# Venue guide\n\n## Getting there\n\nTake metro line 2 to Malanshan (马栏山) station, "
        "then walk ten minutes north to the park's east gate.\n",
        encoding="utf-8",
    )
    result = run_import(content, str(guide))
    assert result.exit_code == 0 and "in English" in result.output, result.output
    assert (content / "knowledge" / "venue.en.md").exists()


def test_a_page_served_in_gbk_is_read_in_its_own_charset(content: Path, tmp_path: Path) -> None:
    page = tmp_path / "final.html"
    gbk_page = FAQ_PAGE.replace('charset="utf-8"', 'charset="gbk"').replace("©", "&copy;")
    page.write_bytes(gbk_page.encode("gbk"))
    result = run_import(content, str(page), "--doc", "final-guide")
    assert result.exit_code == 0, result.output
    written = (content / "knowledge" / "final-guide.zh.md").read_text(encoding="utf-8")
    assert "## 住宿安排" in written and "两晚住宿" in written


def test_importing_a_changed_source_again_updates_its_file_and_says_what_changed(
    content: Path, tmp_path: Path
) -> None:
    source = tmp_path / "guide.md"
    source.write_text(
        "# Venue guide\n\n## Parking\n\nThe park has 200 free spaces.\n\n"
        "## Wi-Fi\n\nThe network is called MLS-Guest.\n",
        encoding="utf-8",
    )
    assert run_import(content, str(source)).exit_code == 0
    source.write_text(
        "# Venue guide\n\n## Parking\n\nThe park has 350 free spaces.\n\n"
        "## Wi-Fi\n\nThe network is called MLS-Guest.\n\n## Lunch\n\nLunch is served at noon.\n",
        encoding="utf-8",
    )

    again = run_import(content, str(source))

    assert again.exit_code == 0, again.output
    assert "1 added, 1 changed, 0 removed, 1 unchanged" in again.output
    assert "changed: Parking" in again.output and "added: Lunch" in again.output
    written = (content / "knowledge" / "guide.en.md").read_text(encoding="utf-8")
    assert "350 free spaces" in written and "## Lunch" in written
    unchanged = run_import(content, str(source))
    assert "already up to date" in unchanged.output


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("locked.pdf", lambda: rules_pdf(password="organizers"), "protected by a password"),
        ("broken.pdf", lambda: rules_pdf()[:400], "cannot be read"),
        ("scan.pdf", scanned_pdf, "no text layer"),
        ("menu.html", lambda: NAVIGATION_PAGE.encode(), "mostly navigation"),
        ("empty.md", lambda: b"# Nothing\n\n## Yet\n", "no text"),
        ("rules.doc", lambda: b"\xd0\xcf\x11\xe0 an old Word file", "not a document I can import"),
        ("big.pdf", lambda: rules_pdf() + b"\n" * 30_000, "the limit is 0.02 MB"),
    ],
)
def test_a_document_that_cannot_be_imported_changes_nothing(
    content: Path, tmp_path: Path, name: str, data: object, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data())  # type: ignore[operator]
    before = content_fingerprint(content)

    result = run_import(content, str(path), BOT_IMPORT_MAX_MEGABYTES="0.02")

    assert result.exit_code == 1 and reason in result.output, result.output
    assert content_fingerprint(content) == before


def test_a_bundled_document_is_not_overwritten_by_an_import(content: Path, tmp_path: Path) -> None:
    source = tmp_path / "contest.md"
    prizes = "Every team that reaches the final wins a car and a trip."
    source.write_text(f"# Contest\n\n## Prizes\n\n{prizes}\n", encoding="utf-8")
    before = content_fingerprint(content)

    result = run_import(content, str(source), "--doc", "contest", "--lang", "en")

    assert result.exit_code == 1 and "was not imported" in result.output
    assert content_fingerprint(content) == before


def test_an_unreachable_address_is_reported(content: Path, pages: dict[str, bytes]) -> None:
    result = run_import(content, pages["base"].decode() + "/missing.html")
    assert result.exit_code == 1 and "HTTP 404" in result.output


TRANSLATIONS = {
    "大赛规则": "Contest rules",
    "第一条 总则": "Article 1 General",
    "第二条 赛事日程": "Article 2 Schedule",
    "第三条 知识产权": "Article 3 Intellectual property",
    "第四条 违规处理": "Article 4 Violations",
}


def translator_model(request: dict[str, Any]) -> str:
    """The stand-in model translates a section it is sent: heading, empty line, text."""
    heading = request["messages"][-1]["content"].split("\n", 1)[0]
    english = TRANSLATIONS[heading]
    return f"{english}\n\nThe text of {english}, in English."


async def test_translate_writes_the_other_language_for_review(
    content: Path, tmp_path: Path, embeddings_cache: str
) -> None:
    model = FakeOpenAIServer()
    await model.start()
    model.answer_with(translator_model)
    (tmp_path / "rules.pdf").write_bytes(rules_pdf())
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "content", "import", str(tmp_path / "rules.pdf"),
            "--translate",
            env=child_environment(
                BOT_CONTENT_DIR=str(content),
                BOT_OPENAI_API_KEY=model.api_key,
                BOT_OPENAI_BASE_URL=model.base_url,
                BOT_LLM_MODEL="fake-model",
            ),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
    finally:
        await model.stop()

    assert process.returncode == 0, err.decode()
    assert "machine translation written to" in out.decode()
    sent = [request["messages"][0]["content"] for request in model.requests]
    assert sent and all("into English" in instruction for instruction in sent)
    english = (content / "knowledge" / "rules.en.md").read_text(encoding="utf-8")
    assert "# Contest rules" in english and "## Article 3 Intellectual property" in english
    assert "<!-- place: p. 2 -->" in english and "machine translation" in english
    # Paired now: an English question is answered from the English version, with its page.
    text, sources = ask(answerer_for(content, embeddings_cache), "What is Article 4 about?")
    assert "Article 4 Violations" in text or any("Article 4" in label for label in sources)


def test_translate_without_a_model_says_what_it_needs(content: Path, tmp_path: Path) -> None:
    (tmp_path / "rules.pdf").write_bytes(rules_pdf())
    result = run_import(content, str(tmp_path / "rules.pdf"), "--translate")
    assert result.exit_code == 1 and "needs a language model" in result.output
    assert (content / "knowledge" / "rules.zh.md").exists()  # the original stands
    assert not (content / "knowledge" / "rules.en.md").exists()


def test_a_pdf_longer_than_the_page_limit_is_refused(content: Path, tmp_path: Path) -> None:
    (tmp_path / "rules.pdf").write_bytes(rules_pdf())
    before = content_fingerprint(content)
    result = run_import(content, str(tmp_path / "rules.pdf"), BOT_IMPORT_MAX_PAGES="1")
    assert result.exit_code == 1 and "2 pages; the limit is 1" in result.output
    assert content_fingerprint(content) == before
