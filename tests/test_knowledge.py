"""Retrieval answers: the right section, in the asker's language, or an honest "don't know"."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import BUNDLED_CONTENT_DIR, load_settings
from bot.content.loader import load_contest
from bot.knowledge.answer import RetrievalAnswerer, trim
from bot.knowledge.passages import split_document
from bot.knowledge.tokenize import tokenize
from bot.runtime import build_index
from tests.conftest import ManualClock

FINAL_DEADLINE = """
[[deadlines]]
key = "submission"
title = { zh = "作品提交截止", en = "Submission deadline" }
at = "2024-09-30T23:59:00+08:00"
remind_before = ["1d"]
"""


def make_answerer(content_dir: Path = BUNDLED_CONTENT_DIR) -> RetrievalAnswerer:
    settings = load_settings(content_dir=content_dir)
    contest = load_contest(content_dir)
    return RetrievalAnswerer(build_index(settings, contest, ManualClock()), contest)


@pytest.fixture(scope="module")
def answerer() -> RetrievalAnswerer:
    return make_answerer()


NOW = datetime(2024, 9, 1, tzinfo=UTC)


def test_tokenizer_handles_chinese_english_and_stop_words() -> None:
    assert tokenize("有哪些赛道？") == ["赛道"]
    assert tokenize("Which tracks are there?") == ["track"]
    assert "云桌面" in tokenize("马栏山提供云桌面吗") or "桌面" in tokenize("马栏山提供云桌面吗")


def test_sections_are_split_by_heading_with_their_lines() -> None:
    source = (
        "# Title\n\nIntro.\n\n## One\n\nFirst **bold** [link](https://x.org).\n\n"
        "## Two\n\nSecond.\n"
    )
    passages, problems = split_document(Path("t.en.md"), "t", "en", source)
    assert problems == []
    assert [(p.heading, p.line, p.position) for p in passages] == [("One", 5, 0), ("Two", 9, 1)]
    assert passages[0].text == "First bold link (https://x.org)."


def test_english_question_is_answered_from_the_english_section(answerer) -> None:
    answer = answerer.answer("What are the prizes for each track?", "zh", "Asia/Shanghai", NOW)
    assert answer.known and answer.language == "en"
    assert "first prize" in answer.text.lower()
    assert all(source.doc.endswith((".en.md", ".toml")) for source in answer.sources)


def test_chinese_question_is_answered_from_the_chinese_section(answerer) -> None:
    answer = answerer.answer("每个赛道设几个奖？", "en", "Asia/Shanghai", NOW)
    assert answer.known and answer.language == "zh"
    assert "一等奖" in answer.text
    assert all(not source.doc.endswith(".en.md") for source in answer.sources)


def test_a_forced_language_picks_the_paired_section(answerer) -> None:
    answer = answerer.answer(
        "What is the cloud desktop?", "en", "Asia/Shanghai", NOW, language="zh"
    )
    assert answer.language == "zh" and "云桌面" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "What's the weather in Paris?",
        "What's the weather in Changsha tomorrow?",
        "今天股市怎么样？",
        "How do I bake bread?",
    ],
)
def test_off_topic_questions_get_dont_know_without_sources(answerer, question: str) -> None:
    answer = answerer.answer(question, "en", "Asia/Shanghai", NOW)
    assert not answer.known and answer.sources == ()


def test_deadline_answers_use_the_askers_timezone(tmp_path: Path) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT_DIR, content)
    with (content / "contest.toml").open("a", encoding="utf-8") as handle:
        handle.write(FINAL_DEADLINE)
    answerer = make_answerer(content)

    in_new_york = answerer.answer("When is the submission deadline?", "en", "America/New_York", NOW)
    in_shanghai = answerer.answer("When is the submission deadline?", "en", "Asia/Shanghai", NOW)

    assert "Sep 30, 2024 11:59" in in_new_york.text and "America/New_York" in in_new_york.text
    assert "Sep 30, 2024 23:59" in in_shanghai.text
    assert "(in 4 weeks)" in in_shanghai.text  # time left, from the clock
    closed = answerer.answer(
        "When is the submission deadline?", "en", "Asia/Shanghai", datetime(2024, 10, 2, tzinfo=UTC)
    )
    assert "(closed)" in closed.text


def test_long_passages_are_trimmed_at_a_sentence_end() -> None:
    text = "第一句话很长。" * 200
    trimmed = trim(text, limit=100)
    assert len(trimmed) <= 102 and trimmed.endswith("。 …")


def test_a_trimmed_passage_keeps_the_later_sentence_the_question_asks_about() -> None:
    text = "Filler sentence number one. " * 40 + "The copyright stays with the entrant."
    trimmed = trim(text, limit=200, asked_for=frozenset(tokenize("who owns the copyright?")))
    assert len(trimmed) <= 200
    assert trimmed.startswith("Filler")
    assert trimmed.endswith("The copyright stays with the entrant.")


def test_the_end_of_a_long_list_is_shown_to_the_question_about_it(answerer) -> None:
    """The English list of what is not published is longer than an answer: a question about its
    last item gets that item, not the first eight hundred characters."""
    answer = answerer.answer("Who owns the copyright of my entry?", "en", "Asia/Shanghai", NOW)
    assert answer.known and "does not publish" in answer.text
    assert "copyright and intellectual property" in answer.text


def test_synonyms_let_members_use_their_own_words(answerer) -> None:
    chinese = answerer.answer("大赛设了哪些组别？", "zh", "Asia/Shanghai", NOW)
    english = answerer.answer("Which categories are there?", "en", "Asia/Shanghai", NOW)
    assert chinese.known and "AIGC创意作品" in chinese.text
    assert english.known and "AIGC Creative Works" in english.text
