"""The contract every platform adapter fulfils. Adding Slack or Matrix means reading this file.

An adapter:

- `start(core)` receives until `stop()` is called (the console: until its input ends): every
  platform event becomes a `bot.messages.Incoming`, is passed to `core.handle`, and the returned
  replies are delivered to the same chat. It holds no business rule: what to answer is the
  core's decision.
- People who join a group or server channel are reported with `core.members_joined(platform,
  chat id, people)` (the core greets them there if an organizer turned welcomes on).
- `stop()` stops receiving and releases connections.
- `open_for_sending()` readies `send` in a process that delivers without receiving.
- `connected` says whether the adapter is up (for the health check).
- `send(target, reply)` delivers one reply to a chat without being asked (broadcasts, reminders)
  and reports what happened as a `SendResult` instead of raising, so the delivery worker can
  decide to record, wait, retry or give up. `target.outbox_row` names the outbox row being sent:
  a platform that keeps messages itself rather than handing them on (the web chat, whose pages
  read them from the database) keeps each row once, even when a row is sent again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.messages import Reply, SendResult, SendStatus, Target

if TYPE_CHECKING:
    from bot.core.app import Core

__all__ = ["Adapter", "SendResult", "SendStatus"]


class Adapter(Protocol):
    platform: str

    async def start(self, core: Core) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, target: Target, reply: Reply) -> SendResult: ...

    async def open_for_sending(self) -> None: ...

    @property
    def connected(self) -> bool: ...
