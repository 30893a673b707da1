"""Build the bot's long-lived parts from settings: content, knowledge index, database, core."""

from __future__ import annotations

from collections.abc import Mapping

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.content.loader import load_contest
from bot.core.app import Core
from bot.core.context import Services
from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.build import build_index, content_fingerprint, follow_knowledge
from bot.outbox.instances import DeliveryInstance
from bot.outbox.limits import PlatformLimiter, RateLimits
from bot.outbox.worker import DeliveryWorker, SendFunction
from bot.reminders.scheduler import ReminderScheduler
from bot.storage.database import Database

__all__ = ["build_index", "build_services", "follow_knowledge", "start_core"]


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
    services = Services(settings, contest, index, retrieval, database, clock, llm=llm)
    services.content_fingerprint = content_fingerprint(settings.content_dir)
    return services


async def start_core(settings: Settings, clock: Clock | None = None) -> Core:
    """Everything a running bot needs, with the database migrated to the latest schema."""
    services = build_services(settings, clock)
    await services.database.upgrade()
    await follow_knowledge(services)
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
    instance = DeliveryInstance(services.database, services.clock)  # one place per process
    return [
        DeliveryWorker(
            services.database, senders, limiters, services.clock, instance=instance, number=n
        )
        for n in range(services.settings.delivery_workers)
    ]


async def start_reminders(core: Core) -> ReminderScheduler:
    """Run the reminder scheduler in this process and let handlers reschedule through it."""
    scheduler = ReminderScheduler(core.services)
    await scheduler.start()
    core.services.reminders = scheduler
    return scheduler
