"""The neutral vocabulary spoken between adapters and the core.

Adapters turn platform events into `Incoming` and deliver `Reply` objects to a `Target`.
Nothing here knows about Telegram, Discord or the console; nothing here imports a platform library.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class UserRef:
    """Who wrote: the platform's user id, a display name and the platform's language hint."""

    id: str
    display_name: str = ""
    locale: str | None = None  # e.g. Telegram's language_code "zh-hans", Discord's "zh-CN"
    # Platform roles, each qualified by the server that grants it: "<server id>:<role id>" and
    # "<server id>:<role name>" (Discord). A role only means something in the server it is from.
    roles: frozenset[str] = frozenset()
    # How others find them on the platform ("@lin_dev"), if it has such a name.
    handle: str | None = None


@dataclass(frozen=True, slots=True)
class ChatRef:
    """Where a message came from and where the answer goes."""

    id: str
    kind: ChatKind = ChatKind.PRIVATE


# Where a person is only there while they look (the web chat): messages for them wait on their
# page until they open it, which is too late for a reminder, so they are offered none.
WEB = "web"  # the web chat's members: a browser, named by a signed cookie (adapters/web.py)
PLATFORMS_WITHOUT_REMINDERS = frozenset({WEB})
# A Target.chat_id "person:<user id>" means "this person's private messages", on platforms that
# open them on demand (Discord), for someone who never wrote to the bot privately.
PERSON_TARGET = "person:"
DMS_ON_DEMAND = frozenset({"discord"})


@dataclass(frozen=True, slots=True)
class ReceivedFile:
    """A file a person sent; read only when a feature wants it (an organizer's /import)."""

    name: str
    size: int  # as the platform states it, checked before reading
    media_type: str | None
    read: Callable[[], Awaitable[bytes]] = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Incoming:
    """One thing a person did: wrote text, sent a command, or pressed a button."""

    platform: str  # "telegram" | "discord" | "console"
    user: UserRef
    chat: ChatRef
    text: str = ""
    command: str | None = None  # "register" for "/register aigc-tech"
    args: str = ""  # "aigc-tech"
    pressed: str | None = None  # a button's payload
    addressed_to_bot: bool = False  # a group message that @mentions or replies to the bot
    # The platform's id of this event: a replayed event (restart, webhook retry) is answered once.
    update_id: str | None = None
    received_file: ReceivedFile | None = None  # a document sent with the message (/import)

    @property
    def private_target(self) -> str:
        """Where a reply for this person alone can go later: their private chat, or on a
        platform that opens one on demand their person target; else this chat."""
        if self.is_private:
            return self.chat.id
        if self.platform in DMS_ON_DEMAND:
            return f"{PERSON_TARGET}{self.user.id}"
        return self.chat.id

    @property
    def gets_reminders(self) -> bool:
        """Whether deadline reminders can reach this person in time; a web page cannot (it shows
        what the bot wrote only once it is open)."""
        return self.platform not in PLATFORMS_WITHOUT_REMINDERS

    @property
    def is_private(self) -> bool:
        return self.chat.kind is ChatKind.PRIVATE

    @property
    def concerns_bot(self) -> bool:
        """In groups the bot answers commands, buttons, mentions and replies, not chatter."""
        if self.is_private or self.command or self.pressed is not None:
            return True
        return self.addressed_to_bot


@dataclass(frozen=True, slots=True)
class Button:
    """A choice under a reply; pressing it comes back as `Incoming.pressed == payload`."""

    label: str
    payload: str
    # A "run:<command>" button under a group message that platforms able to should turn into a
    # link opening the private chat with the bot (Telegram: t.me/<bot>?start=<command>).
    opens_private_chat: bool = False
    # What that private chat's /start receives instead of the command (e.g. "welcome").
    start_parameter: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """A knowledge section an answer comes from; platforms that can link to it (the web) do."""

    label: str  # "Contest › Prizes"
    doc: str  # the knowledge file, "contest.en.md"
    heading: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply (e.g. a CSV export)."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot says. Adapters render buttons their platform's way."""

    text: str
    buttons: tuple[Button, ...] = ()
    attachment: Attachment | None = None
    private: bool = False  # concerns only the asker (Discord: ephemeral)
    citations: tuple[Citation, ...] = ()  # also named in `text`, for platforms without links
    # A growing answer (LLM streaming): adapters show the text as it grows (editing their
    # message), then replace it with `stream.final`, the complete reply. `text` is unused then.
    stream: ReplyStream | None = field(default=None, compare=False)


class ReplyStream(Protocol):
    """Chunks of an answer as they are written; `final` is the whole reply once they end."""

    def __aiter__(self) -> AsyncIterator[str]: ...

    @property
    def final(self) -> Reply: ...


@dataclass(frozen=True, slots=True)
class Target:
    """A place the bot can write to without being asked: a platform and a chat."""

    platform: str
    chat_id: str
    # The outbox row being sent, when it is one: a platform that keeps messages itself (the web
    # chat) keeps each row once, even when it is sent again after its worker died.
    outbox_row: int | None = field(default=None, compare=False)


class SendStatus(StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # the platform asked us to wait `retry_after` seconds
    UNREACHABLE = "unreachable"  # blocked the bot, left, chat gone: do not try again
    FAILED = "failed"  # anything else; `retryable` says whether trying later may help


@dataclass(frozen=True, slots=True)
class SendResult:
    status: SendStatus
    message_id: str | None = None
    retry_after: float | None = None
    retryable: bool = False
    error: str = ""  # a short description for the organizers, never containing secrets

    @classmethod
    def sent(cls, message_id: str | None = None) -> SendResult:
        return cls(SendStatus.SENT, message_id=message_id)

    @classmethod
    def wait(cls, seconds: float) -> SendResult:
        return cls(SendStatus.RETRY_AFTER, retry_after=seconds, retryable=True)

    @classmethod
    def unreachable(cls, error: str) -> SendResult:
        return cls(SendStatus.UNREACHABLE, error=error)

    @classmethod
    def failed(cls, error: str, retryable: bool) -> SendResult:
        return cls(SendStatus.FAILED, retryable=retryable, error=error)


def parse_command(text: str) -> tuple[str, str] | None:
    """Split "/Register@SomeBot  aigc-tech" into ("register", "aigc-tech"); None if no command."""
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) < 2:
        return None
    head, _, rest = stripped[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    if not name or not all(ch.isalnum() or ch == "_" for ch in name):
        return None
    return name, rest.strip()
