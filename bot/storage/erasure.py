"""`/forgetme` in one place: every module that stores rows about a member registers their table
here, and `erase_member` deletes them all, then the member.

A test lists the tables that reference `members` and fails when one is not registered, so a new
feature cannot forget its rows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Member
from bot.storage.recent_members import recent_members_of

_TABLES: dict[str, tuple[Any, tuple[str, ...]]] = {}  # label → (mapped class, member columns)
# What must happen before a member's rows go (a captain hands the team on).
_BEFORE: list[Callable[[AsyncSession, Member], Awaitable[None]]] = []


def erased_with_member(label: str, model: Any, *columns: str) -> None:
    """Register a table whose rows about a member go when the member asks to be forgotten:
    the rows whose `columns` (default: member_id) name the member."""
    _TABLES[label] = (model, columns or ("member_id",))


def before_erasure(step: Callable[[AsyncSession, Member], Awaitable[None]]) -> None:
    """Register a step that runs, in the same transaction, before a member is erased."""
    _BEFORE.append(step)


def registered_tables() -> set[str]:
    return {model.__tablename__ for model, _ in _TABLES.values()}


async def erase_member(session: AsyncSession, member: Member) -> dict[str, int]:
    """Delete every registered row of the member, then the member; returns label → rows."""
    for step in _BEFORE:
        await step(session, member)
    erased = {}
    for label, (model, columns) in _TABLES.items():
        about_member = or_(*(getattr(model, column) == member.id for column in columns))
        result = await session.execute(delete(model).where(about_member))
        erased[label] = result.rowcount or 0
    await session.execute(delete(Member).where(Member.id == member.id))
    session.expunge(member)
    recent_members_of(session).forget(member.id)  # no snapshot may bring the row back
    return erased
