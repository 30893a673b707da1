"""A command router: features register handlers for commands, button payloads and free text."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.core.context import Context
from bot.messages import Reply

Replies = list[Reply]
Handler = Callable[[Context], Awaitable[Replies]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    description: str  # an English message id, translated when shown
    handler: Handler
    organizer_only: bool = False


@dataclass(slots=True)
class Router:
    """One per feature module; the core includes them all."""

    commands: dict[str, Command] = field(default_factory=dict)
    buttons: dict[str, Handler] = field(default_factory=dict)  # payload prefix → handler
    text_handler: Handler | None = None

    def command(
        self, name: str, description: str, *, organizer_only: bool = False
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            if name in self.commands:
                raise ValueError(f"command /{name} registered twice")
            self.commands[name] = Command(name, description, handler, organizer_only)
            return handler

        return register

    def button(self, prefix: str) -> Callable[[Handler], Handler]:
        """Handle presses whose payload is `prefix` or starts with `prefix:`."""

        def register(handler: Handler) -> Handler:
            self.buttons[prefix] = handler
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
        if other.text_handler is not None:
            self.text_handler = other.text_handler

    def button_handler(self, payload: str) -> Handler | None:
        prefix = payload.split(":", 1)[0]
        return self.buttons.get(prefix)
