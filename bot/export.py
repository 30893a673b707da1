"""Registrations as CSV that Excel opens with Chinese intact (UTF-8 with a byte-order mark)."""

from __future__ import annotations

import csv
import io

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.registrations import RegistrationRepository

COLUMNS = ("platform", "user_id", "display_name", "track", "team", "idea", "registered_at_utc")


async def registrations_csv(session: AsyncSession) -> tuple[bytes, int]:
    """The CSV file's bytes and the number of registrations in it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    count = 0
    async for member, registration in RegistrationRepository(session).export_rows():
        writer.writerow(
            [
                member.platform,
                member.platform_user_id,
                member.display_name,
                registration.track,
                registration.team or "",
                registration.idea or "",
                registration.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            ]
        )
        count += 1
    return buffer.getvalue().encode("utf-8-sig"), count
