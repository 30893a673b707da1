"""The web chat's guards that need no page: who is asking (behind trusted proxies), how many
messages a browser and an address may send (counted in this process or in a shared storage),
and the JSON refusals with a retry time that the page shows."""

from __future__ import annotations

import ipaddress
import json
import logging
import time

from aiohttp import web
from limits import parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from bot.config import Settings
from bot.i18n import Translator

log = logging.getLogger(__name__)
RETRY_WHEN_FULL = 5  # seconds a browser waits when the process holds its most streams
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class MessageLimits:
    """Messages per browser and per address in a moving minute (429 with a retry time)."""

    def __init__(self, settings: Settings) -> None:
        self.trusted_proxies = settings.trusted_proxies
        self._limiter = MovingWindowRateLimiter(rate_limit_storage(settings))
        self._per_session = parse(f"{settings.web_messages_per_minute}/minute")
        self._per_address = parse(f"{settings.web_ip_messages_per_minute}/minute")

    async def check(self, request: web.Request, member_id: str, t: Translator) -> None:
        forwarded = ",".join(request.headers.getall("X-Forwarded-For", []))
        address = client_address(request.remote, forwarded, self.trusted_proxies)
        for limit, kind, key in (
            (self._per_address, "address", address),
            (self._per_session, "session", member_id),
        ):
            try:
                if await self._limiter.hit(limit, kind, key):
                    continue
                stats = await self._limiter.get_window_stats(limit, kind, key)
            except Exception:  # a shared storage that is away must not stop the chat
                log.exception("the web chat's rate-limit storage failed; message let through")
                continue
            wait = max(1, int(stats.reset_time - time.time()) + 1)
            message = t.gettext(
                "Too many messages. Please wait {seconds} s and try again.", seconds=wait
            )
            raise refusal(web.HTTPTooManyRequests, message, wait)


def rate_limit_storage(settings: Settings) -> Storage:
    """Where messages are counted: BOT_WEB_RATE_LIMIT_STORAGE (shared by every process, e.g.
    Redis), else this process's memory."""
    if settings.web_rate_limit_storage is None:
        return MemoryStorage()
    uri = settings.web_rate_limit_storage.get_secret_value()
    storage = storage_from_string(uri, key_prefix="community-bot-web")
    assert isinstance(storage, Storage)  # checked when the settings were read
    return storage


def client_address(peer: str | None, forwarded_for: str, trusted: list[Network]) -> str:
    """Who is asking: the connecting address, or, when that is a trusted proxy, the rightmost
    X-Forwarded-For hop that is not one. Hops further left were written by the client itself
    (anyone can send the header), so they are never believed."""
    address = peer or "?"
    hops = [hop.strip() for hop in reversed(forwarded_for.split(",")) if hop.strip()]
    for hop in hops:
        if not _is_trusted(address, trusted):
            break
        address = hop
    return address


def _is_trusted(address: str, trusted: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # not an address (a proxy wrote something else): trust stops here
        return False
    return any(ip in network for network in trusted)


def refusal(
    kind: type[web.HTTPException], message: str, retry: int | None = None
) -> web.HTTPException:
    """A refusal the page shows as it is: JSON with the message and the retry time."""
    headers = {"Retry-After": str(retry)} if retry is not None else None
    return kind(
        text=json.dumps({"error": message, "retry_after": retry}, ensure_ascii=False),
        content_type="application/json",
        headers=headers,
    )


def busy(t: Translator) -> web.HTTPException:
    """The process holds its most event streams or answers: come back in a few seconds."""
    message = t.gettext("The chat is busy. Please try again in a few seconds.")
    return refusal(web.HTTPServiceUnavailable, message, RETRY_WHEN_FULL)


def origin_of(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"
