"""How members speak of people is content (`content/people.toml`): a relation organizers add
("我发小", a childhood friend) makes the next "which track did … register" a question about another
member, declined like "我同学", with no change to the code."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.config import BUNDLED_CONTENT_DIR
from bot.content.check import check_content
from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.intents import IntentMatcher, load_intents
from bot.knowledge.people import PEOPLE_FILE, load_people_words
from tests.answering import assert_answered_with, assert_declined


def _intent_of(question: str, content_dir: Path, cache: Path) -> str | None:
    intents, _ = load_intents(BUNDLED_CONTENT_DIR)
    people_words, problems = load_people_words(content_dir)
    assert problems == []
    found = IntentMatcher(
        intents, frozenset(), None, cache, people_words=people_words
    ).worded_by_shape(question)
    return found.key if found else None


def test_a_relation_organizers_add_makes_another_member(tmp_path: Path) -> None:
    words = (BUNDLED_CONTENT_DIR / PEOPLE_FILE).read_text(encoding="utf-8")
    added = words.replace('"同桌",', '"同桌", "发小",')
    assert added != words
    (tmp_path / PEOPLE_FILE).write_text(added, encoding="utf-8")
    question = "我发小也报名了，他报的是哪个赛道"
    assert _intent_of(question, BUNDLED_CONTENT_DIR, tmp_path) is None
    assert _intent_of(question, tmp_path, tmp_path) == "personal-data"


def test_family_and_nicknames_are_other_members(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("我表哥报的是哪个赛道", "zh"),
            ("小王报了哪个赛道", "zh"),
            ("my cousin signed up, which track did he register for?", "en"),
            ("what's the chief economist's phone number?", "en"),
        ),
        "personal-data",
    )
    # Who sent the member is context, not the question.
    assert_answered_with(
        hybrid,
        (
            ("我表哥推荐我来的，大赛有几个赛道", "zh", "AIGC"),
            ("my cousin told me about it, when is the final?", "en", "October"),
        ),
    )


def test_an_unreadable_people_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT_DIR, content)
    (content / PEOPLE_FILE).write_text('roles = "speaker"', encoding="utf-8")
    problems, _ = check_content(content)
    assert any(problem.file.name == PEOPLE_FILE for problem in problems), problems
