"""A command router: features register handlers for commands, button payloads and free text."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.context import Context
from bot.messages import Reply

Replies = list[Reply]
Handler = Callable[[Context], Awaitable[Replies]]


class ArgumentKind(StrEnum):
    TEXT = "text"  # free text, e.g. a question
    CHOICE = "choice"  # one of `choices`
    TRACK = "track"  # a contest track key (platforms may offer the tracks as choices)
    TIMEZONE = "timezone"  # an IANA zone name (platforms may autocomplete it)


@dataclass(frozen=True, slots=True)
class Argument:
    """What a command takes after its name, described so platforms can offer typed options."""

    name: str  # "question"
    description: str  # an English message id
    kind: ArgumentKind = ArgumentKind.TEXT
    choices: tuple[tuple[str, str], ...] = ()  # (value, label message id) for CHOICE
    required: bool = False
    # May be long, written in several paragraphs: platforms that can may offer a text box.
    long_text: bool = False


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    description: str  # an English message id, translated when shown
    handler: Handler
    organizer_only: bool = False
    argument: Argument | None = None


@dataclass(slots=True)
class Router:
    """One per feature module; the core includes them all."""

    commands: dict[str, Command] = field(default_factory=dict)
    buttons: dict[str, Handler] = field(default_factory=dict)  # payload prefix → handler
    organizer_buttons: set[str] = field(default_factory=set)  # prefixes only organizers press
    conversations: dict[str, Handler] = field(default_factory=dict)  # kind → answer handler
    # Kinds whose waiting step takes any text, a question too (a reply to the organizers),
    # where other steps answer a question in between and ask again.
    free_text_steps: set[str] = field(default_factory=set)
    # kind → the reply that asks the waiting step's question again (after a detour)
    prompts: dict[str, Handler] = field(default_factory=dict)
    text_handler: Handler | None = None

    def command(
        self,
        name: str,
        description: str,
        *,
        organizer_only: bool = False,
        argument: Argument | None = None,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            if name in self.commands:
                raise ValueError(f"command /{name} registered twice")
            self.commands[name] = Command(name, description, handler, organizer_only, argument)
            return handler

        return register

    def button(self, prefix: str, *, organizer_only: bool = False) -> Callable[[Handler], Handler]:
        """Handle presses whose payload is `prefix` or starts with `prefix:`."""

        def register(handler: Handler) -> Handler:
            self.buttons[prefix] = handler
            if organizer_only:
                self.organizer_buttons.add(prefix)
            return handler

        return register

    def conversation(self, kind: str, *, free_text: bool = False) -> Callable[[Handler], Handler]:
        """Handle a member's text while a conversation of this kind waits for their answer;
        `free_text`: the step takes a question as its answer, not as a detour."""

        def register(handler: Handler) -> Handler:
            self.conversations[kind] = handler
            if free_text:
                self.free_text_steps.add(kind)
            return handler

        return register

    def conversation_prompt(self, kind: str) -> Callable[[Handler], Handler]:
        """Ask the waiting step of a conversation of this kind again (after a command or a
        question answered in between)."""

        def register(handler: Handler) -> Handler:
            self.prompts[kind] = handler
            return handler

        return register

    def text(self, handler: Handler) -> Handler:
        self.text_handler = handler
        return handler

    def include(self, other: Router) -> None:
        for name, command in other.commands.items():
            if name in self.commands:
                raise ValueError(f"command /{name} registered twice")
            self.commands[name] = command
        self.buttons.update(other.buttons)
        self.organizer_buttons |= other.organizer_buttons
        self.conversations.update(other.conversations)
        self.free_text_steps |= other.free_text_steps
        self.prompts.update(other.prompts)
        if other.text_handler is not None:
            self.text_handler = other.text_handler

    def button_handler(self, payload: str) -> Handler | None:
        return self.buttons.get(_prefix(payload))

    def button_is_for_organizers(self, payload: str) -> bool:
        return _prefix(payload) in self.organizer_buttons


def _prefix(payload: str) -> str:
    return payload.split(":", 1)[0]
