"""CSV files for organizers: UTF-8 with a byte-order mark (Excel shows Chinese intact), and no
cell that a spreadsheet would run as a formula.

Every CSV the bot writes goes through `csv_document`, so members' own text (display names, team
names, ideas) cannot become `=HYPERLINK(…)` in an organizer's spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Member
from bot.storage.registrations import RegistrationRepository
from bot.storage.teams import TeamRepository

COLUMNS = ("platform", "user_id", "display_name", "track", "team", "idea", "registered_at_utc")
# What Excel, LibreOffice and Google Sheets read as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """The cell's text, with a leading apostrophe where a spreadsheet would see a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_document(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


async def registrations_csv(session: AsyncSession) -> tuple[bytes, int]:
    """The CSV file's bytes and the number of registrations in it."""
    rows = [
        (
            member.platform,
            member.platform_user_id,
            member.display_name,
            registration.track,
            registration.team,
            registration.idea,
            _utc(registration.created_at),
        )
        async for member, registration in RegistrationRepository(session).export_rows()
    ]
    return csv_document(COLUMNS, rows), len(rows)


TEAM_COLUMNS = (
    "team",
    "track",
    "registered_at_utc",
    "size",
    "captain",
    "members",
    "idea",
    "invite_code",
    "created_at_utc",
)


async def teams_csv(session: AsyncSession) -> tuple[bytes, int]:
    """The teams as a CSV file (members as "platform:name", captain first) and how many."""
    rows = [
        (
            roster.team.name,
            roster.team.track or "",
            _utc(roster.team.registered_at),
            len(roster.members),
            _who(roster.captain) if roster.captain else "",
            "; ".join(_who(member) for member, _ in roster.members),
            roster.team.idea,
            roster.team.invite_code,
            _utc(roster.team.created_at),
        )
        for roster in await TeamRepository(session).all_rosters()
    ]
    return csv_document(TEAM_COLUMNS, rows), len(rows)


def _who(member: Member) -> str:
    return f"{member.platform}:{member.display_name or member.platform_user_id}"


def _utc(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""
