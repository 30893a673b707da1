"""What a handler receives: the message, the member, a database session, texts and services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.content.models import Contest
from bot.i18n import Translator
from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.index import KnowledgeIndex
from bot.messages import Incoming
from bot.storage.database import Database
from bot.storage.models import Member
from bot.storage.recent_members import Snapshot

if TYPE_CHECKING:
    from bot.llm.answerer import LlmAnswerer
    from bot.reminders.scheduler import ReminderScheduler


@dataclass(slots=True)
class Services:
    """Long-lived parts shared by every handler, built once at start-up."""

    settings: Settings
    contest: Contest
    index: KnowledgeIndex
    answerer: RetrievalAnswerer
    database: Database
    clock: Clock
    # The chat model's answerer, when an OpenAI-compatible provider is configured.
    llm: LlmAnswerer | None = None
    # The reminder scheduler, in the process that runs it (None elsewhere: it reconciles itself).
    reminders: ReminderScheduler | None = None
    # What the index was built from: (FAQ entries, FAQ versions summed, the fingerprint of the
    # content last reloaded anywhere). Another process's change shows as a different value, and
    # the index is rebuilt (knowledge.build.follow_knowledge).
    knowledge_version: tuple[int, int, str] = (0, 0, "")
    content_fingerprint: str = ""  # of the content this process loaded


@dataclass(slots=True)
class Context:
    incoming: Incoming
    member: Member
    session: AsyncSession
    t: Translator
    services: Services
    # (command, description message id) of every command this person may use, for /help
    menu: tuple[tuple[str, str], ...] = ()
    # Work to do once the handler's changes are committed (e.g. rescheduling reminders, which
    # reads them through other connections).
    after_commit: list[Callable[[], Awaitable[object]]] = field(default_factory=list)
    # Whether the member had an exchange waiting when the update arrived (None: not known, read
    # it), and the member snapshots' generation then (`RecentMembers.remember`).
    conversation_waiting: bool | None = None
    members_generation: int = 0
    # The member as remembered, when the row was not read for this update, and when the row
    # was last read (`RecentMembers`).
    member_snapshot: Snapshot | None = None
    member_read_at: float = 0.0

    @property
    def zone_name(self) -> str:
        return self.member.timezone or self.services.settings.timezone

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_name)

    @property
    def is_organizer(self) -> bool:
        user = self.incoming.user
        return self.services.settings.is_organizer(self.incoming.platform, user.id, user.roles)
