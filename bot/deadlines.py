"""The deadlines in force: contest.toml's, with organizers' run-time changes laid over them."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.models import Bilingual, Contest, Deadline
from bot.storage.models import DeadlineOverride

DEFAULT_REMINDERS = ["1d", "2h"]  # for deadlines added at run time


async def current_deadlines(session: AsyncSession, contest: Contest) -> list[Deadline]:
    overrides = {o.key: o for o in await session.scalars(select(DeadlineOverride))}
    return merge_deadlines(contest.deadlines, overrides)


def merge_deadlines(
    content: list[Deadline], overrides: dict[str, DeadlineOverride]
) -> list[Deadline]:
    merged: list[Deadline] = []
    for deadline in content:
        override = overrides.get(deadline.key)
        if override is None:
            merged.append(deadline)
        elif not override.removed:
            merged.append(_apply(deadline, override))
    for key, override in overrides.items():
        if override.removed or any(d.key == key for d in content) or override.at is None:
            continue
        title = override.title or key
        merged.append(
            Deadline(
                key=key,
                title=Bilingual(zh=title, en=title),
                at=override.at,
                remind_before=DEFAULT_REMINDERS,
            )
        )
    return merged


def _apply(deadline: Deadline, override: DeadlineOverride) -> Deadline:
    changes: dict[str, object] = {}
    if override.at is not None:
        changes["at"] = override.at.astimezone(UTC)
    if override.title:
        changes["title"] = Bilingual(zh=override.title, en=override.title)
    if changes and not deadline.remind_before and "at" in changes:
        changes["remind_before"] = DEFAULT_REMINDERS
    return deadline.model_copy(update=changes)


def find(deadlines: list[Deadline], key: str) -> Deadline | None:
    return next((d for d in deadlines if d.key == key), None)
