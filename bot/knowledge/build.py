"""The knowledge index, built from the content and the published FAQ, and kept current: a
process rebuilds it off the event loop and swaps it in whole when the FAQ changes (here or in
another process)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.content.check import check_content
from bot.content.loader import ContentError, Problem, load_contest
from bot.content.models import Contest
from bot.contest_text import contest_passages
from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.asked import load_asked_questions
from bot.knowledge.dense import SHIPPED_VECTORS, Embedder, load_embedder
from bot.knowledge.faq import faq_knowledge
from bot.knowledge.index import KnowledgeIndex
from bot.knowledge.intents import load_intents, section_problems, shape_problems
from bot.knowledge.passages import load_passages
from bot.knowledge.people import load_people_words, people_named
from bot.knowledge.places import load_other_cities
from bot.knowledge.synonyms import load_synonyms
from bot.knowledge.tokenize import teach_words
from bot.knowledge.topic_free import load_topic_free_words
from bot.storage.faq import FaqRepository
from bot.storage.models import FaqEntry, ServiceKey

if TYPE_CHECKING:
    from bot.core.context import Services

log = logging.getLogger(__name__)
CONTENT = "content"  # the service key holding the fingerprint of the content last reloaded


def build_index(
    settings: Settings,
    contest: Contest,
    clock: Clock,
    embedder: Embedder | None = None,
    faq: Sequence[FaqEntry] = (),
) -> KnowledgeIndex:
    """Index the Markdown knowledge base, the contest facts and the published FAQ entries;
    raise ContentError on problems.

    `embedder`: an already loaded model to reuse (a content reload); else the configured one."""
    synonyms, synonym_problems = load_synonyms(settings.content_dir)
    teach_words(
        [
            *(track.name.zh for track in contest.tracks),
            *(alias for track in contest.tracks for alias in track.aliases),
            *(resource.name.zh for resource in contest.resources),
            *synonyms.chinese,
        ]
    )
    topic_free, word_problems = load_topic_free_words(settings.content_dir)
    intents, intent_problems = load_intents(settings.content_dir)
    other_cities, _ = load_other_cities(settings.content_dir)  # its problems: load_intents'
    people_words, people_problems = load_people_words(settings.content_dir)
    passages, problems = load_passages(settings.content_dir)
    live = contest_passages(contest, settings.zone, settings.timezone, clock.now())
    asked, asked_problems = load_asked_questions(settings.content_dir, [*passages, *live])
    headings = {p.heading for p in [*passages, *live]}
    intent_problems += section_problems(settings.content_dir, intents, headings)
    intent_problems += shape_problems(
        settings.content_dir, intents, people_named(passages), people_words
    )
    problems = [
        *problems,
        *synonym_problems,
        *word_problems,
        *people_problems,
        *intent_problems,
        *asked_problems,
    ]
    if problems:
        raise ContentError(problems)
    faq_passages, faq_asked = faq_knowledge(faq)
    # "副主任何俊" must hold 何俊, not 任何 and 俊: the people the knowledge names stay whole.
    # Taught once the content is known to load (a reload that fails changes nothing); a name
    # taught stays taught for the process, which only keeps it whole.
    teach_words(people_named([*passages, *faq_passages]))
    return KnowledgeIndex(
        [*passages, *live, *faq_passages],
        synonyms,
        topic_free,
        embedder if embedder is not None else load_embedder(settings),
        settings.cache_dir,
        intents,
        [*asked, *faq_asked],
        settings.content_dir / SHIPPED_VECTORS,
        other_cities,
        people_words,
    )


async def follow_knowledge(services: Services, force: bool = False) -> bool:
    """Bring the index up to date with the published FAQ entries and the content another
    process reloaded, if either changed since it was built; returns whether it was rebuilt.

    The new index is built off the event loop, reusing the embedding model and the vector
    cache, and swapped in whole: a question is answered by the old index or the new one."""
    async with services.database.session() as session:
        faq = FaqRepository(session)
        version = (*await faq.version(), await _content_mark(session))
        if version == services.knowledge_version and not force:
            return False
        entries = await faq.published()
    reloaded_elsewhere = version[2] and version[2] != services.content_fingerprint
    followed = reloaded_elsewhere and await _load_content(services)
    if reloaded_elsewhere and not followed:
        log.warning("content reloaded elsewhere does not load here; kept as it was")
    index = await asyncio.to_thread(
        build_index,
        services.settings,
        services.contest,
        services.clock,
        services.index.embedder,
        entries,
    )
    services.index = index
    services.answerer = RetrievalAnswerer(index, services.contest)
    if services.llm is not None:
        services.llm.index, services.llm.contest = index, services.contest
    services.knowledge_version = version
    if followed and services.reminders is not None:  # this process schedules: new dates
        await services.reminders.reconcile()
    return True


async def reload_content(services: Services) -> tuple[list[Problem], str]:
    """/reload and SIGHUP: check the content folder; if it passes, load it, rebuild the index,
    reconcile the reminders, and have every other process follow. Returns the check's problems
    (nothing changed then) and its summary."""
    content_dir = services.settings.content_dir
    problems, summary = await asyncio.to_thread(check_content, content_dir)
    if problems or not await _load_content(services):
        return problems, summary
    async with services.database.session() as session:
        await _mark_content(session, services.content_fingerprint, services.clock.now())
    await follow_knowledge(services, force=True)
    if services.reminders is not None:
        await services.reminders.reconcile()
    return [], summary


async def _load_content(services: Services) -> bool:
    content_dir = services.settings.content_dir
    try:
        contest = await asyncio.to_thread(load_contest, content_dir)
    except ContentError:
        return False
    services.contest = contest
    services.content_fingerprint = content_fingerprint(content_dir)
    return True


def content_fingerprint(content_dir: Path) -> str:
    """What the content folder says, as one hash (its shipped vectors aside)."""
    digest = hashlib.sha256()
    for path in sorted(content_dir.rglob("*")):
        if path.is_file() and SHIPPED_VECTORS not in path.relative_to(content_dir).parts:
            digest.update(str(path.relative_to(content_dir)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


async def _content_mark(session: AsyncSession) -> str:
    return str(
        await session.scalar(select(ServiceKey.value).where(ServiceKey.name == CONTENT)) or ""
    )


async def _mark_content(session: AsyncSession, fingerprint: str, now: datetime) -> None:
    mark = await session.get(ServiceKey, CONTENT)
    if mark is None:
        session.add(ServiceKey(name=CONTENT, value=fingerprint, created_at=now))
    else:
        mark.value, mark.created_at = fingerprint, now
