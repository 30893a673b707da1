"""Times organizers type ("2024-10-01 18:00", in their own timezone) turned into UTC."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

_LOCAL = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[ T](\d{1,2}:\d{2})$")


def parse_local_time(text: str, zone: tzinfo) -> datetime | None:
    """ "2024-10-01 18:00" (in `zone`) or an ISO time with offset; None if it is neither."""
    cleaned = " ".join(text.split())
    match = _LOCAL.match(cleaned)
    try:
        if match:
            year, month, day = (int(part) for part in match[1].split("-"))
            hour, minute = (int(part) for part in match[2].split(":"))
            return datetime(year, month, day, hour, minute, tzinfo=zone)
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
