"""Random keys shared by every process of a deployment (cookie and link signing)."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import Database
from bot.storage.models import ServiceKey
from bot.storage.upserts import upsert_insert


async def shared_key(database: Database, name: str) -> str:
    """A random key made once and then read by every process of the deployment."""
    async with database.session() as session:
        return await shared_key_in(session, name)


async def shared_key_in(session: AsyncSession, name: str) -> str:
    """The same, inside a transaction that is already open (SQLite has one writer at a time)."""
    insert = upsert_insert(session)
    await session.execute(
        insert(ServiceKey)
        .values(name=name, value=secrets.token_urlsafe(48), created_at=func.now())
        .on_conflict_do_nothing(index_elements=["name"])
    )
    return str(await session.scalar(select(ServiceKey.value).where(ServiceKey.name == name)))
