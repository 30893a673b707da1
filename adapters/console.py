"""A chat in the terminal against the same core: buttons appear as numbered choices, and files
the bot sends (a calendar, a CSV) are saved in a folder, their path printed."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.base import SendResult
from bot.messages import (
    Attachment,
    ChatKind,
    ChatRef,
    Incoming,
    Reply,
    Target,
    UserRef,
    parse_command,
)

if TYPE_CHECKING:
    from bot.core.app import Core

ReadLine = Callable[[], Awaitable[str | None]]
WriteText = Callable[[str], None]
CONSOLE_USER = "local"
QUIT_WORDS = {"/quit", "/exit", "exit", "quit"}


async def read_stdin() -> str | None:
    line = await asyncio.to_thread(sys.stdin.readline)
    return line if line else None  # "" means end of input


def write_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


class ConsoleAdapter:
    platform = "console"

    def __init__(
        self,
        locale: str | None,
        read_line: ReadLine = read_stdin,
        write: WriteText = write_stdout,
        prompt: str = "> ",
        files_dir: Path = Path("data/console-files"),
    ) -> None:
        self.user = UserRef(CONSOLE_USER, "", locale)
        self.chat = ChatRef(CONSOLE_USER, ChatKind.PRIVATE)
        self._read_line = read_line
        self._write = write
        self._prompt = prompt
        self._files_dir = files_dir
        self._choices: list[str] = []  # payloads of the last buttons shown, numbered from 1
        self._running = False

    async def start(self, core: Core) -> None:
        """Read lines until end of input or /quit, answering each."""
        self._running = True
        while self._running:
            self._write(self._prompt)
            line = await self._read_line()
            if line is None or line.strip().lower() in QUIT_WORDS:
                break
            incoming = self.to_incoming(line.strip())
            if incoming is None:
                continue
            for reply in await core.handle(incoming):
                if reply.stream is not None:
                    await self.show_stream(reply)
                else:
                    self.show(reply)
        self._running = False

    async def stop(self) -> None:
        self._running = False

    async def send(self, target: Target, reply: Reply) -> SendResult:
        self.show(reply)
        return SendResult.sent()

    def to_incoming(self, line: str) -> Incoming | None:
        if not line:
            return None
        if line.isdigit() and 1 <= int(line) <= len(self._choices):
            payload = self._choices[int(line) - 1]
            return Incoming(self.platform, self.user, self.chat, pressed=payload)
        command = parse_command(line)
        if command is not None:
            name, args = command
            return Incoming(self.platform, self.user, self.chat, text=line, command=name, args=args)
        return Incoming(self.platform, self.user, self.chat, text=line)

    async def show_stream(self, reply: Reply) -> None:
        """Print the answer as it is written, then whatever the final reply adds or changes."""
        assert reply.stream is not None
        written = ""
        async for chunk in reply.stream:
            self._write(chunk)
            written += chunk
        final = reply.stream.final
        if written and final.text.startswith(written.strip()):
            self._write(final.text[len(written.strip()) :] + "\n\n")
        else:
            if written:
                self._write("\n")
            self.show(final)

    def show(self, reply: Reply) -> None:
        lines = [reply.text]
        if reply.buttons:
            self._choices = [button.payload for button in reply.buttons]
            lines += [f"  [{n}] {b.label}" for n, b in enumerate(reply.buttons, start=1)]
        if reply.attachment is not None:
            lines.append(f"  📎 {self.save(reply.attachment)}")
        self._write("\n".join(lines) + "\n\n")

    def save(self, attachment: Attachment) -> str:
        """Write the file beside the earlier ones, never over one; returns its path and size
        to print (or why it could not be written). A terminal cannot show a file, but the
        member can open it from there."""
        name = Path(attachment.filename).name or "file"  # no folder from the name
        size = f"{len(attachment.content)} B"
        try:
            self._files_dir.mkdir(parents=True, exist_ok=True)
            path = self._files_dir / name
            stem, suffix, copy = path.stem, path.suffix, 1
            while path.exists():
                copy += 1
                path = self._files_dir / f"{stem}-{copy}{suffix}"
            path.write_bytes(attachment.content)
        except OSError as error:
            return f"{name} ({size}): {self._files_dir}: {error.strerror}"
        return f"{path.resolve()} ({size})"
