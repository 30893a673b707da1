"""Who may use the dashboard: the organizer token, guarded against guessing, then server-side
sessions that logout and idleness end.

- Failed logins are counted in the database (every process sees them): a client that failed
  `PER_CLIENT` times within `WINDOW`, or all clients together `OVERALL` times, is told to wait
  until the oldest of those failures leaves the window. The token is not even compared then.
- A session is a random id in a cookie signed with a key of its own (kept in the database, so the
  token never signs anything and every process shares the key); the database keeps only the id's
  hash. Logout deletes the row, so a copied cookie stops working everywhere at once.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import Database
from bot.storage.keys import shared_key
from bot.storage.models import DashboardLoginFailure, DashboardSession

WINDOW = timedelta(minutes=15)
PER_CLIENT = 5
OVERALL = 50
SESSION_LIFETIME = timedelta(hours=12)
SIGNING_KEY_NAME = "dashboard-cookie"


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    session_cookie: str | None = None  # set when the token was right
    retry_after: int = 0  # seconds to wait, when too many attempts failed


@dataclass(frozen=True, slots=True)
class SessionInfo:
    csrf: str


class DashboardAccess:
    def __init__(self, database: Database, token: str, idle: timedelta) -> None:
        self.database, self._token, self.idle = database, token.encode(), idle
        self._signer: URLSafeSerializer | None = None

    async def log_in(self, typed_token: str, client: str, now: datetime) -> LoginOutcome:
        async with self.database.session() as session:
            wait = await _wait_before_trying(session, client[:64], now)
            if wait:
                return LoginOutcome(retry_after=wait)
            if not hmac.compare_digest(typed_token.encode(), self._token):
                session.add(DashboardLoginFailure(client=client[:64], at=now))
                return LoginOutcome()
            await session.execute(
                delete(DashboardLoginFailure).where(DashboardLoginFailure.client == client[:64])
            )
            session_id = secrets.token_urlsafe(32)
            session.add(
                DashboardSession(
                    id_hash=_hash(session_id),
                    csrf=secrets.token_urlsafe(24),
                    created_at=now,
                    last_used_at=now,
                )
            )
        return LoginOutcome(session_cookie=(await self._cookie_signer()).dumps(session_id))

    async def session_for(self, cookie: str, now: datetime) -> SessionInfo | None:
        """The live session the cookie names (and it counts as used now), or None."""
        try:
            session_id = (await self._cookie_signer()).loads(cookie)
        except BadSignature:
            return None
        async with self.database.session() as session:
            row = await session.get(DashboardSession, _hash(str(session_id)))
            if row is None:
                return None
            if now - row.last_used_at > self.idle or now - row.created_at > SESSION_LIFETIME:
                await session.delete(row)
                return None
            row.last_used_at = now
            return SessionInfo(row.csrf)

    async def log_out(self, cookie: str) -> None:
        try:
            session_id = (await self._cookie_signer()).loads(cookie)
        except BadSignature:
            return
        async with self.database.session() as session:
            await session.execute(
                delete(DashboardSession).where(DashboardSession.id_hash == _hash(str(session_id)))
            )

    async def _cookie_signer(self) -> URLSafeSerializer:
        if self._signer is None:
            key = await shared_key(self.database, SIGNING_KEY_NAME)
            self._signer = URLSafeSerializer(key, salt="community-bot dashboard session")
        return self._signer


async def forget_expired(session: AsyncSession, idle: timedelta, now: datetime) -> None:
    """Housekeeping: sessions that can no longer be used, failures outside the window."""
    await session.execute(
        delete(DashboardSession).where(
            (DashboardSession.last_used_at < now - idle)
            | (DashboardSession.created_at < now - SESSION_LIFETIME)
        )
    )
    await session.execute(
        delete(DashboardLoginFailure).where(DashboardLoginFailure.at < now - WINDOW)
    )


async def _wait_before_trying(session: AsyncSession, client: str, now: datetime) -> int:
    """Seconds until this client may try the token again (0: now)."""
    since = now - WINDOW
    recent = select(DashboardLoginFailure.at).where(DashboardLoginFailure.at >= since)
    waits = []
    for statement, limit in (
        (recent.where(DashboardLoginFailure.client == client), PER_CLIENT),
        (recent, OVERALL),
    ):
        times = list(
            await session.scalars(statement.order_by(DashboardLoginFailure.at.desc()).limit(limit))
        )
        if len(times) >= limit:  # the limit-th most recent failure must leave the window first
            waits.append(math.ceil((times[-1] + WINDOW - now).total_seconds()))
    return max([0, *waits])


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()
