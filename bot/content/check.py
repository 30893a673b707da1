"""`communitybot content check`: every problem in contest.toml and the knowledge base at once."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.content.loader import ContentError, Problem, load_contest
from bot.contest_text import contest_passages
from bot.knowledge.asked import load_asked_questions
from bot.knowledge.intents import (
    command_problems,
    load_intents,
    section_problems,
    shape_problems,
)
from bot.knowledge.passages import Passage, load_passages
from bot.knowledge.people import load_people_words, people_named
from bot.knowledge.synonyms import load_synonyms
from bot.knowledge.topic_free import load_topic_free_words


def check_content(
    content_dir: Path, commands: Collection[str] | None = None
) -> tuple[list[Problem], str]:
    """All problems found (empty when the content is fine) and a one-line summary; with
    `commands`, the bot's, an intent's button must run one of them."""
    problems: list[Problem] = []
    summary_parts = []
    computed: list[Passage] = []
    try:
        contest = load_contest(content_dir)
        now = datetime.now(UTC)
        computed = contest_passages(contest, ZoneInfo("UTC"), "UTC", now)
        summary_parts.append(
            f"{len(contest.tracks)} tracks, {len(contest.prizes)} prizes, "
            f"{len(contest.deadlines)} deadlines, {len(contest.resources)} resources"
        )
    except ContentError as error:
        problems.extend(error.problems)
    passages, knowledge_problems = load_passages(content_dir)
    problems.extend(knowledge_problems)
    problems.extend(load_synonyms(content_dir)[1])
    problems.extend(load_topic_free_words(content_dir)[1])
    people_words, people_problems = load_people_words(content_dir)
    problems.extend(people_problems)
    intents, intent_problems = load_intents(content_dir)
    problems.extend(intent_problems)
    if commands is not None:
        problems.extend(command_problems(content_dir, intents, commands))
    asked, asked_problems = load_asked_questions(content_dir, [*passages, *computed])
    if computed:  # else contest.toml's own problems come first: its sections are unknown
        headings = {p.heading for p in [*passages, *computed]}
        problems.extend(section_problems(content_dir, intents, headings))
        people = people_named(passages)
        problems.extend(shape_problems(content_dir, intents, people, people_words))
        problems.extend(asked_problems)
    documents = {p.doc for p in passages}
    summary_parts.append(
        f"{len(passages)} passages in {len(documents)} documents, {len(asked)} ways of asking"
    )
    return problems, "; ".join(summary_parts)
