"""Database tables. Every stored time is UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so migrations read the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite forgets the zone; this restores it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Member(Base):
    """A person who has talked to the bot on one platform."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    platform_user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    # How others reach them on the platform ("@lin_dev"); shown only with their consent.
    handle: Mapped[str | None] = mapped_column(String(100), default=None)
    # Chosen with /lang; None means "follow the platform's locale".
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    # The platform's locale the last time the member wrote, e.g. "zh-hans".
    locale_hint: Mapped[str | None] = mapped_column(String(16), default=None)
    # The language of the member's last message that clearly had one ("zh" | "en").
    text_language: Mapped[str | None] = mapped_column(String(8), default=None)
    # IANA zone chosen with /timezone; None means the bot's default.
    timezone: Mapped[str | None] = mapped_column(String(64), default=None)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where the bot may write to this member unasked: set when they open a private chat (Telegram
    # lets a bot write only to users who started it), cleared when a send finds them gone.
    private_chat_id: Mapped[str | None] = mapped_column(String(64), default=None)
    reachable: Mapped[bool] = mapped_column(Boolean, default=False)
    # None: the platform's default (Telegram: yes; Discord: no, to avoid mass DMs); else chosen.
    wants_announcements: Mapped[bool | None] = mapped_column(Boolean, default=None)


class HandledUpdate(Base):
    """A platform update already taken by some process, so a replayed one is not answered twice."""

    __tablename__ = "handled_updates"
    __table_args__ = (PrimaryKeyConstraint("platform", "update_id"),)

    platform: Mapped[str] = mapped_column(String(16))
    update_id: Mapped[str] = mapped_column(String(64))
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AnnouncementChannel(Base):
    """A group or channel an organizer marked to receive announcements."""

    __tablename__ = "announcement_channels"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    marked_by: Mapped[str] = mapped_column(String(64))  # the organizer's platform user id
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Broadcast(Base):
    """One message to many: an organizer's announcement (or, later, a reminder)."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="announcement")
    text: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(64), default="everyone")
    # draft → (scheduled →) queued → done; or cancelled
    status: Mapped[str] = mapped_column(String(16), default="draft")
    author_platform: Mapped[str] = mapped_column(String(16))
    author_user_id: Mapped[str] = mapped_column(String(64))
    author_chat_id: Mapped[str] = mapped_column(String(64))  # where the summary goes
    author_language: Mapped[str] = mapped_column(String(8), default="en")
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # Set for reminders: a job that fires twice finds its broadcast and enqueues nothing.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    # Buttons under a message to one chat, as JSON [[label, payload], …] (a ticket's Answer).
    buttons: Mapped[str | None] = mapped_column(Text, default=None)


class Delivery(Base):
    """One message to one chat: the outbox row the delivery worker claims, sends and records."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "platform", "chat_id"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_broadcast", "broadcast_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), default=None
    )
    # queued → sending → sent | unreachable | failed; queued → cancelled
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    error: Mapped[str | None] = mapped_column(String(500), default=None)


class Registration(Base):
    """A member's interest in one contest track."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("member_id", "track"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    track: Mapped[str] = mapped_column(String(64))
    team: Mapped[str | None] = mapped_column(String(100), default=None)
    idea: Mapped[str | None] = mapped_column(String(300), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Subscription(Base):
    """Deadline reminders a member asked for: "all", or one track's key."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("member_id", "topic"),
        Index("ix_subscriptions_topic", "topic"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Conversation(Base):
    """A half-finished exchange (a registration's follow-up questions), kept across restarts."""

    __tablename__ = "conversations"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # e.g. the registration's track
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeadlineOverride(Base):
    """An organizer's run-time change to a deadline: added, moved or removed over contest.toml."""

    __tablename__ = "deadline_overrides"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    title: Mapped[str | None] = mapped_column(String(200), default=None)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConversationTurn(Base):
    """One line of a member's recent private conversation, for follow-up questions to the LLM."""

    __tablename__ = "conversation_turns"
    __table_args__ = (Index("ix_conversation_turns_member", "member_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))  # "user" | "assistant"
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AnswerRecord(Base):
    """How one question was answered (path, tokens): for /stats and the per-member rate limit."""

    __tablename__ = "answer_records"
    __table_args__ = (Index("ix_answer_records_member", "member_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), default=None
    )
    path: Mapped[str] = mapped_column(String(16))  # llm | cache | retrieval | fallback | unknown
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CachedAnswer(Base):
    """An LLM answer kept for a while: the same question again is answered without the model."""

    __tablename__ = "answer_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    sources: Mapped[str] = mapped_column(Text, default="")  # what it cites, for its votes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UnansweredQuestion(Base):
    """A question the bot could not answer, for organizers to improve the knowledge base.

    One row per member and question: asking the same again only moves `created_at`."""

    __tablename__ = "unanswered_questions"
    __table_args__ = (
        Index("ix_unanswered_normalized", "normalized"),
        Index("ix_unanswered_member", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), default=None
    )
    question: Mapped[str] = mapped_column(String(1000))
    normalized: Mapped[str] = mapped_column(String(1000))
    language: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(16))  # retrieval | llm
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ServiceKey(Base):
    """A random key the processes share (e.g. the dashboard's cookie signing key)."""

    __tablename__ = "service_keys"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DashboardSession(Base):
    """A signed-in dashboard browser; deleting the row ends the session wherever the cookie is."""

    __tablename__ = "dashboard_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's id
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DashboardLoginFailure(Base):
    """A wrong token typed at the dashboard login, for limiting guesses."""

    __tablename__ = "dashboard_login_failures"
    __table_args__ = (Index("ix_dashboard_login_failures_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class GivenAnswer(Base):
    """An answer the bot gave, kept so a member's vote on it (and a ticket) knows what was said."""

    __tablename__ = "given_answers"
    __table_args__ = (Index("ix_given_answers_member", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    sources: Mapped[str] = mapped_column(Text, default="")  # "Title › Heading; …"
    path: Mapped[str] = mapped_column(String(16))  # retrieval | unknown | intent | llm | …
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AnswerVote(Base):
    """A member's "helpful" or "not helpful" on an answer: one per member and answer."""

    __tablename__ = "answer_votes"
    __table_args__ = (UniqueConstraint("given_answer_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    given_answer_id: Mapped[int] = mapped_column(ForeignKey("given_answers.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    helpful: Mapped[bool] = mapped_column(Boolean)
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Ticket(Base):
    """A question handed to a person: open → answered → closed."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status", "status"),
        Index("ix_tickets_member", "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(Text, default=None)
    answered_by: Mapped[str | None] = mapped_column(String(100), default=None)  # "discord:42"
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The answer in the other language: a model's draft until the organizer approves it (sends
    # it to the member); an approved one is published with the ticket as that language's FAQ.
    translation_language: Mapped[str | None] = mapped_column(String(8), default=None)
    translated_question: Mapped[str | None] = mapped_column(Text, default=None)
    translated_answer: Mapped[str | None] = mapped_column(Text, default=None)
    translation_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The question as the organizer worded it for publication (/faq publish <n> <question>).
    faq_question: Mapped[str | None] = mapped_column(Text, default=None)
    # The FAQ entry the ticket became (0 while it is being published): set by one statement, so
    # two publications of the same ticket at once make one entry.
    faq_entry_id: Mapped[int | None] = mapped_column(Integer, default=None)


class FaqEntry(Base):
    """An organizer's published answer: knowledge kept in the database, in zh and/or en.

    It holds only the text the organizer approved: no reference to the member who asked."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_zh: Mapped[str | None] = mapped_column(Text, default=None)
    answer_zh: Mapped[str | None] = mapped_column(Text, default=None)
    question_en: Mapped[str | None] = mapped_column(Text, default=None)
    answer_en: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(16), default="published")  # or "retired"
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FaqRevision(Base):
    """Every version of an FAQ entry, for its history."""

    __tablename__ = "faq_revisions"
    __table_args__ = (UniqueConstraint("entry_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("faq_entries.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    question_zh: Mapped[str | None] = mapped_column(Text, default=None)
    answer_zh: Mapped[str | None] = mapped_column(Text, default=None)
    question_en: Mapped[str | None] = mapped_column(Text, default=None)
    answer_en: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(16))
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AnswerWatch(Base):
    """A member who asked to be told when a question the bot could not answer gets answered."""

    __tablename__ = "answer_watches"
    __table_args__ = (Index("ix_answer_watches_open", "notified_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Team(Base):
    """A contest team: members from any platform, one captain, joined with an invite code."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    track: Mapped[str | None] = mapped_column(String(64), default=None)  # None: not chosen yet
    idea: Mapped[str | None] = mapped_column(String(300), default=None)
    invite_code: Mapped[str] = mapped_column(String(16), unique=True)
    # When the captain registered the team for its track (None: still forming).
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TeamMembership(Base):
    """A member in a team; a member is in one team at most."""

    __tablename__ = "team_memberships"
    __table_args__ = (UniqueConstraint("member_id"), Index("ix_team_memberships_team", "team_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    captain: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TeammateProfile(Base):
    """What a member looking for a team offers and wants (/lookingfor); hidden when off."""

    __tablename__ = "teammate_profiles"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    track: Mapped[str | None] = mapped_column(String(64), default=None)  # None: any track
    skills: Mapped[str] = mapped_column(String(300), default="")  # skill keys, comma-separated
    other_skills: Mapped[str] = mapped_column(String(200), default="")  # in their own words
    languages: Mapped[str] = mapped_column(String(16), default="")  # "zh", "en" or "zh,en"
    role: Mapped[str] = mapped_column(String(200), default="")  # the teammate or team wanted
    visible: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContactRequest(Base):
    """An introduction relayed by the bot: pending → accepted | declined | blocked. Handles are
    exchanged only on acceptance."""

    __tablename__ = "contact_requests"
    __table_args__ = (
        Index("ix_contact_requests_requester", "requester_id", "created_at"),
        Index("ix_contact_requests_recipient", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # The team the request is about (its captain is the recipient), if any.
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class CalendarRevision(Base):
    """What the calendar files last showed of a deadline, and its SEQUENCE (bumped on change)."""

    __tablename__ = "calendar_revisions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WelcomeChat(Base):
    """A group or server channel where an organizer turned welcomes on (/welcome on)."""

    __tablename__ = "welcome_chats"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))  # the greeting's language
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the last greeting went out: the next waits BOT_WELCOME_INTERVAL_SECONDS.
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class PendingWelcome(Base):
    """Someone who joined a welcoming chat, waiting for the next batched greeting."""

    __tablename__ = "pending_welcomes"
    __table_args__ = (UniqueConstraint("chat_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("welcome_chats.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PairingInvite(Base):
    """A solo registrant invited by the organizers (/pairsolos) to team up with a group: handles
    are shared only among those of the group who accept."""

    __tablename__ = "pairing_invites"
    __table_args__ = (Index("ix_pairing_invites_group", "group_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_code: Mapped[str] = mapped_column(String(16))
    track: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # accepted, declined
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxInstance(Base):
    """A delivering process's place ("<host>/<slot>"), who holds it and its last heartbeat."""

    __tablename__ = "outbox_instances"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    host: Mapped[str] = mapped_column(String(100))
    pid: Mapped[int] = mapped_column(Integer)
    incarnation: Mapped[str] = mapped_column(String(16))
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebMessage(Base):
    """A message the bot wrote to a web chat member unasked (a ticket's answer, an
    introduction): kept for their page, which shows it live or when it is next opened."""

    __tablename__ = "web_messages"
    __table_args__ = (Index("ix_web_messages_member", "member_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # The outbox row it came from: a row sent again (its worker died) is kept once.
    delivery_id: Mapped[int | None] = mapped_column(Integer, unique=True, default=None)
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[str | None] = mapped_column(Text, default=None)  # as Broadcast.buttons
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
