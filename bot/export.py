"""CSV files for organizers: UTF-8 with a byte-order mark (Excel shows Chinese intact), and no
cell that a spreadsheet would run as a formula.

Every CSV the bot writes goes through `csv_document`, so members' own text (display names, team
names, ideas) cannot become `=HYPERLINK(…)` in an organizer's spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.registrations import RegistrationRepository

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
            registration.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        )
        async for member, registration in RegistrationRepository(session).export_rows()
    ]
    return csv_document(COLUMNS, rows), len(rows)
