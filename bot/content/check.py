"""`communitybot content check`: every problem in contest.toml and the knowledge base at once."""

from __future__ import annotations

from pathlib import Path

from bot.content.loader import ContentError, Problem, load_contest
from bot.knowledge.intents import load_intents
from bot.knowledge.passages import load_passages
from bot.knowledge.synonyms import load_synonyms
from bot.knowledge.topic_free import load_topic_free_words


def check_content(content_dir: Path) -> tuple[list[Problem], str]:
    """All problems found (empty when the content is fine) and a one-line summary."""
    problems: list[Problem] = []
    summary_parts = []
    try:
        contest = load_contest(content_dir)
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
    problems.extend(load_intents(content_dir)[1])
    documents = {p.doc for p in passages}
    summary_parts.append(f"{len(passages)} passages in {len(documents)} documents")
    return problems, "; ".join(summary_parts)
