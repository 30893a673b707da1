"""The contract every platform adapter fulfils. Adding Slack or Matrix means reading this file.

An adapter:

- `start(core)` receives until `stop()` is called (the console: until its input ends): every
  platform event becomes a `bot.messages.Incoming`, is passed to `core.handle`, and the returned
  replies are delivered to the same chat. It holds no business rule: what to answer is the
  core's decision.
- `stop()` stops receiving and releases connections.
- `send(target, reply)` delivers one reply to a chat without being asked (broadcasts, reminders)
  and reports what happened as a `SendResult` instead of raising, so the delivery worker can
  decide to record, wait, retry or give up.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from bot.messages import Reply, Target

if TYPE_CHECKING:
    from bot.core.app import Core


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


class Adapter(Protocol):
    platform: str

    async def start(self, core: Core) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, target: Target, reply: Reply) -> SendResult: ...
