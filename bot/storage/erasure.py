"""`/forgetme` in one place: every module that stores rows about a member registers their table
here, and `erase_member` deletes them all, then the member.

A test lists the tables that reference `members` and fails when one is not registered, so a new
feature cannot forget its rows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Member

_TABLES: dict[str, Any] = {}  # label → mapped class with a `member_id` column
# What must happen before a member's rows go (a captain hands the team on).
_BEFORE: list[Callable[[AsyncSession, Member], Awaitable[None]]] = []


def erased_with_member(label: str, model: Any) -> None:
    """Register a table whose rows about a member go when the member asks to be forgotten."""
    _TABLES[label] = model


def before_erasure(step: Callable[[AsyncSession, Member], Awaitable[None]]) -> None:
    """Register a step that runs, in the same transaction, before a member is erased."""
    _BEFORE.append(step)


def registered_tables() -> set[str]:
    return {model.__tablename__ for model in _TABLES.values()}


async def erase_member(session: AsyncSession, member: Member) -> dict[str, int]:
    """Delete every registered row of the member, then the member; returns label → rows."""
    for step in _BEFORE:
        await step(session, member)
    erased = {}
    for label, model in _TABLES.items():
        result = await session.execute(delete(model).where(model.member_id == member.id))
        erased[label] = result.rowcount or 0
    await session.execute(delete(Member).where(Member.id == member.id))
    session.expunge(member)
    return erased
