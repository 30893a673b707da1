"""`/forgetme` in one place: every module that stores rows about a member registers their table
here, and `erase_member` deletes them all, then the member.

A test lists the tables that reference `members` and fails when one is not registered, so a new
feature cannot forget its rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Member

_TABLES: dict[str, Any] = {}  # label → mapped class with a `member_id` column


def erased_with_member(label: str, model: Any) -> None:
    """Register a table whose rows about a member go when the member asks to be forgotten."""
    _TABLES[label] = model


def registered_tables() -> set[str]:
    return {model.__tablename__ for model in _TABLES.values()}


async def erase_member(session: AsyncSession, member: Member) -> dict[str, int]:
    """Delete every registered row of the member, then the member; returns label → rows."""
    erased = {}
    for label, model in _TABLES.items():
        result = await session.execute(delete(model).where(model.member_id == member.id))
        erased[label] = result.rowcount or 0
    await session.execute(delete(Member).where(Member.id == member.id))
    session.expunge(member)
    return erased
