"""Showing a growing answer by editing one message, no faster than a platform allows."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from bot.messages import Reply, ReplyStream

Handle = TypeVar("Handle")
# Telegram and Discord both tolerate about one edit of a message per second.
EDIT_INTERVAL = 1.0


class ThrottledEditor(Generic[Handle]):
    """Sends the first chunk as a message, then edits it with the text so far at most once per
    `interval`; the final reply is the caller's to deliver (it may need splitting, buttons)."""

    def __init__(
        self,
        send: Callable[[str], Awaitable[Handle]],
        edit: Callable[[Handle, str], Awaitable[object]],
        interval: float = EDIT_INTERVAL,
        monotonic: Callable[[], float] = time.monotonic,
        limit: int = 4000,
    ) -> None:
        self._send, self._edit = send, edit
        self._interval, self._monotonic, self._limit = interval, monotonic, limit
        self.handle: Handle | None = None
        self.edits = 0
        self._shown = ""
        self._last = 0.0

    async def show(self, stream: ReplyStream) -> Reply:
        """Display the stream as it grows; returns its final reply."""
        text = ""
        async for chunk in stream:
            text += chunk
            await self._maybe_update(text)
        return stream.final

    async def _maybe_update(self, text: str) -> None:
        visible = text.strip()[: self._limit]
        if not visible or visible == self._shown:
            return
        now = self._monotonic()
        if self.handle is None:
            self.handle = await self._send(visible + " …")
        elif now - self._last >= self._interval:
            await self._edit(self.handle, visible + " …")
            self.edits += 1
        else:
            return
        self._shown, self._last = visible, now
