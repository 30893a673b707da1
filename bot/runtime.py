"""Build the bot's long-lived parts from settings: content, knowledge index, database, core."""

from __future__ import annotations

from collections.abc import Mapping

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.content.loader import ContentError, load_contest
from bot.content.models import Contest
from bot.contest_text import contest_passages
from bot.core.app import Core
from bot.core.context import Services
from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.asked import load_asked_questions
from bot.knowledge.dense import SHIPPED_VECTORS, Embedder, load_embedder
from bot.knowledge.index import KnowledgeIndex
from bot.knowledge.intents import load_intents, section_problems
from bot.knowledge.passages import load_passages
from bot.knowledge.synonyms import load_synonyms
from bot.knowledge.tokenize import teach_words
from bot.knowledge.topic_free import load_topic_free_words
from bot.outbox.limits import PlatformLimiter, RateLimits
from bot.outbox.worker import DeliveryWorker, SendFunction
from bot.reminders.scheduler import ReminderScheduler
from bot.storage.database import Database


def build_index(
    settings: Settings, contest: Contest, clock: Clock, embedder: Embedder | None = None
) -> KnowledgeIndex:
    """Index the Markdown knowledge base and the contest facts; raise ContentError on problems.

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
    passages, problems = load_passages(settings.content_dir)
    live = contest_passages(contest, settings.zone, settings.timezone, clock.now())
    asked, asked_problems = load_asked_questions(settings.content_dir, [*passages, *live])
    headings = {p.heading for p in [*passages, *live]}
    intent_problems += section_problems(settings.content_dir, intents, headings)
    problems = [*problems, *synonym_problems, *word_problems, *intent_problems, *asked_problems]
    if problems:
        raise ContentError(problems)
    return KnowledgeIndex(
        [*passages, *live],
        synonyms,
        topic_free,
        embedder if embedder is not None else load_embedder(settings),
        settings.cache_dir,
        intents,
        asked,
        settings.content_dir / SHIPPED_VECTORS,
    )


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    clock = clock or SystemClock()
    contest = load_contest(settings.content_dir)
    index = build_index(settings, contest, clock)
    retrieval = RetrievalAnswerer(index, contest)
    database = Database(settings.database_url)
    llm = None
    if settings.llm_enabled:
        from bot.llm.answerer import LlmAnswerer  # the openai SDK loads only when it is used

        llm = LlmAnswerer(settings, index, contest, database, clock)
    return Services(settings, contest, index, retrieval, database, clock, llm=llm)


async def start_core(settings: Settings, clock: Clock | None = None) -> Core:
    """Everything a running bot needs, with the database migrated to the latest schema."""
    services = build_services(settings, clock)
    await services.database.upgrade()
    return Core(services)


def rate_limiters(settings: Settings) -> dict[str, PlatformLimiter]:
    """One limiter per platform, shared by every delivery worker of this process."""
    return {
        "telegram": PlatformLimiter(
            RateLimits(
                settings.telegram_messages_per_second,
                per_chat_per_second=settings.telegram_chat_messages_per_second,
                per_group_per_minute=settings.telegram_group_messages_per_minute,
            )
        ),
        "discord": PlatformLimiter(RateLimits(settings.discord_messages_per_second)),
    }


def delivery_workers(core: Core, senders: Mapping[str, SendFunction]) -> list[DeliveryWorker]:
    services = core.services
    limiters = rate_limiters(services.settings)
    return [
        DeliveryWorker(services.database, senders, limiters, services.clock)
        for _ in range(services.settings.delivery_workers)
    ]


async def start_reminders(core: Core) -> ReminderScheduler:
    """Run the reminder scheduler in this process and let handlers reschedule through it."""
    scheduler = ReminderScheduler(core.services)
    await scheduler.start()
    core.services.reminders = scheduler
    return scheduler
