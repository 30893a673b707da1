"""Sending rates per platform, and the pause a platform asks for with "retry after"."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from aiolimiter import AsyncLimiter


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Messages per second overall, per private chat, and per group, for one platform."""

    overall_per_second: float
    per_chat_per_second: float | None = None
    per_group_per_minute: float | None = None


TELEGRAM_DEFAULTS = RateLimits(25, per_chat_per_second=1, per_group_per_minute=20)
DISCORD_DEFAULTS = RateLimits(40)  # discord.py tracks Discord's per-route buckets itself
_CHAT_LIMITERS_KEPT = 10_000


@dataclass
class PlatformLimiter:
    """Waits until one more message to a chat fits every limit of its platform."""

    limits: RateLimits
    _overall: AsyncLimiter = field(init=False)
    _chats: OrderedDict[str, AsyncLimiter] = field(init=False, default_factory=OrderedDict)
    _paused_until: datetime | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self._overall = _evenly(self.limits.overall_per_second, 1.0)

    async def acquire(self, chat_id: str, is_group: bool) -> None:
        chat = self._chat_limiter(chat_id, is_group)
        if chat is not None:
            await chat.acquire()
        await self._overall.acquire()

    def pause(self, until: datetime) -> None:
        """The platform said "retry after N s": send nothing to it until then."""
        if self._paused_until is None or until > self._paused_until:
            self._paused_until = until

    def paused_for(self, now: datetime) -> float:
        """Seconds left in the pause (times from the worker's clock, so tests can move them)."""
        if self._paused_until is None:
            return 0.0
        return max(0.0, (self._paused_until - now).total_seconds())

    def _chat_limiter(self, chat_id: str, is_group: bool) -> AsyncLimiter | None:
        if is_group and self.limits.per_group_per_minute:
            rate, period = self.limits.per_group_per_minute, 60.0
        elif not is_group and self.limits.per_chat_per_second:
            rate, period = self.limits.per_chat_per_second, 1.0
        else:
            return None
        limiter = self._chats.get(chat_id)
        if limiter is None:
            limiter = self._chats[chat_id] = _evenly(rate, period)
            if len(self._chats) > _CHAT_LIMITERS_KEPT:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return limiter


def _evenly(rate: float, period: float) -> AsyncLimiter:
    """`rate` messages per `period`, spaced evenly: a bucket of one, so no burst at start-up
    (platforms count bursts, not averages)."""
    return AsyncLimiter(1, period / rate)
