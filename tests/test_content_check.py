"""`communitybot content check` names the file, the line or field, and the problem."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.config import BUNDLED_CONTENT_DIR
from bot.content.check import check_content
from bot.content.loader import Problem
from tests.test_config import run_cli

BROKEN_DEADLINE = """

[[deadlines]]
key = "submission"
title = { zh = "作品提交截止", en = "Submission deadline" }
at = "2024-09-30T23:59:00"
remind_before = ["7d", "1 day"]
tracks = ["aigc-tech", "aigc-music"]
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT_DIR, copy)
    return copy


def test_bundled_content_is_valid() -> None:
    result = run_cli("content", "check")
    assert result.returncode == 0, result.stderr
    assert "content OK" in result.stdout and "3 tracks" in result.stdout


def test_broken_deadline_is_reported_with_file_line_and_field(content: Path) -> None:
    contest_file = content / "contest.toml"
    original_lines = contest_file.read_text(encoding="utf-8").count("\n")
    contest_file.write_text(contest_file.read_text(encoding="utf-8") + BROKEN_DEADLINE, "utf-8")
    at_line = original_lines + BROKEN_DEADLINE.splitlines().index('at = "2024-09-30T23:59:00"') + 1
    remind_line = at_line + 1

    result = run_cli("content", "check", env={"BOT_CONTENT_DIR": str(content)})

    assert result.returncode == 1
    report = result.stderr
    assert f"{contest_file}:{at_line}: deadlines[" in report and "needs a UTC offset" in report
    assert f"{contest_file}:{remind_line}:" in report and "'1 day' is not an offset" in report
    assert "Traceback" not in report


def test_unknown_track_in_a_deadline_is_named(content: Path) -> None:
    contest_file = content / "contest.toml"
    fixed = BROKEN_DEADLINE.replace("T23:59:00", "T23:59:00+08:00").replace('"1 day"', '"1d"')
    contest_file.write_text(contest_file.read_text(encoding="utf-8") + fixed, "utf-8")

    problems, _ = check_content(content)

    assert len(problems) == 1
    assert problems[0].field.endswith("].tracks") and "aigc-music" in problems[0].reason
    assert problems[0].line is not None


def test_toml_syntax_error_gives_the_line(content: Path) -> None:
    contest_file = content / "contest.toml"
    contest_file.write_text('[contest]\nkey = "x"\nname = { zh = "未闭合"\n', "utf-8")
    problems, _ = check_content(content)
    assert problems[0].file == contest_file and problems[0].line == 3
    assert "not valid TOML" in problems[0].reason


def test_uneven_sections_are_reported_and_one_language_documents_are_fine(
    content: Path,
) -> None:
    knowledge = content / "knowledge"
    english = sorted(knowledge.glob("*.en.md"))[0]
    chinese = english.with_name(english.name.replace(".en.md", ".zh.md"))
    english.write_text(
        english.read_text(encoding="utf-8") + "\n## Extra\n\nOnly in English.\n", "utf-8"
    )
    (knowledge / "faq.en.md").write_text("# FAQ\n\n## Anything\n\nSome text.\n", "utf-8")
    (knowledge / "notes.md").write_text("# Notes\n", "utf-8")

    problems, _ = check_content(content)
    reports = [str(p) for p in problems]

    assert not any("faq" in r for r in reports), reports  # an English-only document is fine
    assert any(
        chinese.name.split(".")[0] in r and "different numbers of sections" in r for r in reports
    )
    assert any("notes.md" in r and "<topic>.zh.md" in r for r in reports)


def test_empty_section_is_reported_with_its_line(content: Path) -> None:
    page = content / "knowledge" / "faq.en.md"
    page.write_text("# FAQ\n\n## Empty one\n\n## Full one\n\nText.\n", "utf-8")
    (content / "knowledge" / "faq.zh.md").write_text("# 常见问题\n\n## 有内容\n\n内容。\n", "utf-8")
    problems, _ = check_content(content)
    assert any(p.file == page and p.line == 3 and "no text" in p.reason for p in problems)


def test_one_character_chinese_synonym_is_refused(content: Path) -> None:
    (content / "synonyms.toml").write_text('groups = [["奖项", "奖"]]\n', "utf-8")
    problems, _ = check_content(content)
    assert any(p.file.name == "synonyms.toml" and "two characters" in p.reason for p in problems)


def test_an_example_its_words_do_not_catch_is_reported_for_a_shape_only_intent(
    content: Path,
) -> None:
    intents = content / "intents.toml"
    text = intents.read_text("utf-8")
    marker = 'examples = [\n  "腾讯云EdgeOne怎么收费",'
    assert marker in text  # the product-price intent is shape_only
    intents.write_text(text.replace(marker, marker + ' "腾讯云的云游戏好玩吗",'), "utf-8")
    problems, _ = check_content(content)
    assert any(
        p.file.name == "intents.toml" and "腾讯云的云游戏好玩吗" in p.reason for p in problems
    ), problems


def test_an_intent_whose_button_runs_no_command_of_the_bot_is_reported(content: Path) -> None:
    """A misspelt command would put a button under answers that runs nothing."""
    intents = content / "intents.toml"
    text = intents.read_text("utf-8")
    intents.write_text(text.replace('command = "tracks"', 'command = "trackz"'), "utf-8")
    result = run_cli("content", "check", env={"BOT_CONTENT_DIR": str(content)})
    assert result.returncode == 1
    assert "intents.toml" in result.stderr and "no command /trackz" in result.stderr


def test_a_button_under_a_section_that_does_not_exist_is_reported(content: Path) -> None:
    """A misspelt heading would silently leave the list of tracks without its button (and an
    empty `section` an intent without its section)."""
    intents = content / "intents.toml"
    text = intents.read_text("utf-8")
    marker = 'button_under = ["Tracks", "Contest tracks"]'
    assert marker in text
    broken = text.replace(marker, 'button_under = ["Trakcs"]')
    intents.write_text(broken.replace('section = "Teams and teammates"', 'section = ""'), "utf-8")
    problems, _ = check_content(content)
    assert any(
        p.file.name == "intents.toml" and "no section headed 'Trakcs'" in p.reason for p in problems
    ), problems
    assert any("no section headed ''" in p.reason for p in problems), problems


def test_content_vectors_on_broken_content_names_the_problem_without_a_traceback(
    content: Path,
) -> None:
    """An organizer runs it after editing: they read what to fix, as `content check` says it."""
    (content / "contest.toml").write_text(
        (content / "contest.toml").read_text("utf-8") + BROKEN_DEADLINE, "utf-8"
    )
    result = run_cli("content", "vectors", env={"BOT_CONTENT_DIR": str(content)})
    assert result.returncode == 1
    assert "content problems" in result.stderr and "remind_before" in result.stderr
    assert "Traceback" not in result.stderr


def _problems_with_a_phrase_added(content: Path, list_opening: str, added: str) -> list[Problem]:
    """The content check's problems once `added` is put first in an intents.toml list."""
    intents = content / "intents.toml"
    text = intents.read_text("utf-8")
    assert list_opening in text
    intents.write_text(text.replace(list_opening, f'{list_opening}  "{added}",\n', 1), "utf-8")
    problems, _ = check_content(content)
    return problems


def test_a_phrase_about_someone_without_a_placeholder_is_refused(content: Path) -> None:
    """Without {person} or {member} the phrase would only match before a name, never alone."""
    problems = _problems_with_a_phrase_added(content, "about_someone = [\n", "what idea she put")
    assert any(
        p.file.name == "intents.toml" and "what idea she put" in p.reason for p in problems
    ), problems


def test_a_what_is_phrase_without_its_term_or_terms_is_refused(content: Path) -> None:
    """ "what is" alone would decline every question that starts so; terms without phrases, or
    phrases without terms, would never match."""
    text = (content / "intents.toml").read_text("utf-8")
    problems = _problems_with_a_phrase_added(content, "what_is = [\n", "what is")
    assert any(p.file.name == "intents.toml" and "what is" in p.reason for p in problems), problems
    without_terms = re.sub(r"\nterms = \[.*?\n\]", "\nterms = []", text, count=1, flags=re.S)
    assert without_terms != text
    (content / "intents.toml").write_text(without_terms, "utf-8")
    problems, _ = check_content(content)
    assert any("go together" in p.reason for p in problems), problems


def test_a_word_list_that_cannot_be_read_is_a_problem_not_a_crash(content: Path) -> None:
    """A list file that is not a file at all (here a folder in its place) or not TOML is
    reported with its name, like any other problem."""
    (content / "places.toml").unlink()
    (content / "places.toml").mkdir()
    (content / "topic_free_words.toml").write_text("zh = [", encoding="utf-8")
    problems, _ = check_content(content)
    named = {problem.file.name for problem in problems}
    assert {"places.toml", "topic_free_words.toml"} <= named, problems


def test_a_phrase_naming_a_word_list_the_intent_lacks_is_refused(content: Path) -> None:
    """ "{maek}…{text}" would wait for the literal braces and never match."""
    problems = _problems_with_a_phrase_added(content, "contains = [\n", "{maek}…{text}")
    assert any("'{maek}' is not a whole part" in p.reason for p in problems), problems


def test_an_empty_word_list_is_refused(content: Path) -> None:
    """An empty list would make its phrase match every message."""
    intents = content / "intents.toml"
    text = intents.read_text("utf-8")
    assert "\nwords.text = [\n" in text
    intents.write_text(
        text.replace("\nwords.text = [\n", "\nwords.unused = []\nwords.text = [\n"), "utf-8"
    )
    problems, _ = check_content(content)
    assert any("'unused' is empty" in p.reason for p in problems), problems


def test_a_word_list_named_like_a_short_form_is_not_shortened() -> None:
    """ "{with}" names a list: shortened to "{w}" it would name none and match nothing."""
    from bot.knowledge.intents import _shortened

    forms = _shortened("{with}…come with you", {"with": ["w"], "you": ["u"]})
    assert all(form.startswith("{with}…") for form in forms)
    assert "{with}…come w u" in forms
