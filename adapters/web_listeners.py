"""The web chat's open event streams in this process: every page hears new announcements, and a
member's own pages hear the messages the bot keeps for that member, each once per stream."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from bot.storage.web_inbox import KeptMessage

Event = tuple[str, dict[str, Any]]  # the event's name and its data
QUEUED_EVENTS = 100  # a page that reads none of them misses the next ones (and refetches)


@dataclass(eq=False)
class Listener:
    """One open page: whose it is, what it is yet to be written, and which kept messages it
    was given already (a message found both by this process's send and by the watcher, or by
    two watches, is written once)."""

    web_id: str
    queue: asyncio.Queue[Event | None] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUED_EVENTS)
    )
    given: set[int] = field(default_factory=set)

    def put(self, event: Event) -> bool:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:  # a stalled page misses it; it fetches what it missed later
            return False
        return True


class OpenPages:
    def __init__(self) -> None:
        self._listeners: set[Listener] = set()

    def __len__(self) -> int:
        return len(self._listeners)

    def open(self, web_id: str) -> Listener:
        listener = Listener(web_id)
        self._listeners.add(listener)
        return listener

    def close(self, listener: Listener) -> None:
        self._listeners.discard(listener)

    @property
    def web_ids(self) -> set[str]:
        """The members with a page open here."""
        return {listener.web_id for listener in self._listeners}

    def announce(self, item: dict[str, Any]) -> None:
        for listener in list(self._listeners):
            listener.put(("announcement", item))

    def deliver(self, message: KeptMessage) -> None:
        """Write a kept message to its member's open pages that do not have it yet."""
        for listener in list(self._listeners):
            if listener.web_id != message.web_id or message.number in listener.given:
                continue
            if listener.put(("kept", kept_json(message))):
                listener.given.add(message.number)

    def end_all(self) -> None:
        """Every open stream ends (the bot stops), so the server can stop."""
        for listener in list(self._listeners):
            while listener.queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    listener.queue.get_nowait()
            listener.queue.put_nowait(None)


def kept_json(message: KeptMessage) -> dict[str, Any]:
    """A kept message as the page shows it: like an answer, with its buttons, and its number."""
    return {
        "number": message.number,
        "text": message.text,
        "buttons": [{"label": b.label, "payload": b.payload} for b in message.buttons],
        "at": message.at.isoformat(),
    }
