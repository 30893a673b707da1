"""The dialect's INSERT with ON CONFLICT DO NOTHING / DO UPDATE (SQLite and PostgreSQL both
have it, each in its own SQLAlchemy construct)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def upsert_insert(session: AsyncSession) -> Callable[..., Any]:
    """The INSERT of the session's database."""
    return dialect_insert(session.bind.dialect.name)


def dialect_insert(dialect: str) -> Callable[..., Any]:
    """The INSERT of a dialect by name, for a statement built once."""
    return postgresql_insert if dialect == "postgresql" else sqlite_insert
