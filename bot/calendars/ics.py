"""The contest dates as an iCalendar file (RFC 5545), built with the `icalendar` library.

Times are written in UTC, so every calendar app shows them right in its own time zone. Each
deadline keeps one UID for ever, and its SEQUENCE grows when it changes (`revisions.py`), so a
subscribed calendar updates the event instead of adding a second one. Alarms come from the
deadline's `remind_before`. Dates not announced yet are left out, and the calendar's
description names them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from icalendar import Alarm, Calendar, Event

from bot.content.models import Contest, Deadline, parse_offset
from bot.i18n import Translator

PRODUCT_ID = "-//community-bot//contest dates//EN"


def deadline_uid(contest: Contest, deadline: Deadline) -> str:
    return f"{deadline.key}@{contest.contest.key}.community-bot"


def concerning(deadlines: Sequence[Deadline], tracks: Sequence[str] | None) -> list[Deadline]:
    """The deadlines of every track and those of `tracks` (all deadlines for None)."""
    if tracks is None:
        return list(deadlines)
    return [d for d in deadlines if not d.tracks or set(d.tracks) & set(tracks)]


def contest_calendar(
    contest: Contest,
    deadlines: Sequence[Deadline],
    t: Translator,
    sequences: Mapping[str, int],
    now: datetime,
    title_suffix: str = "",
) -> bytes:
    """The .ics file of `deadlines` in the reader's language; `sequences` maps deadline keys to
    their SEQUENCE."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = t.pick(contest.contest.name.as_dict()) + title_suffix
    calendar.add("name", name)  # RFC 7986
    calendar.add("x-wr-calname", name)  # what Google Calendar and Outlook read
    description = _description(t, [d for d in deadlines if d.at is None])
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", description)
    for deadline in deadlines:
        if deadline.at is None:
            continue
        calendar.add_component(_event(contest, deadline, t, sequences.get(deadline.key, 0), now))
    return calendar.to_ical()


def _event(
    contest: Contest, deadline: Deadline, t: Translator, sequence: int, now: datetime
) -> Event:
    assert deadline.at is not None
    at = deadline.at.astimezone(UTC)
    title = t.pick(deadline.title.as_dict())
    event = Event()
    event.add("uid", deadline_uid(contest, deadline))
    event.add("sequence", sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", at)
    event.add("dtend", at)
    event.add("summary", title)
    event.add("description", t.pick(contest.contest.name.as_dict()))
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    for offset in deadline.remind_before:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -parse_offset(offset))
        left = t.elapsed(parse_offset(offset))
        alarm.add("description", t.gettext("{title} in {time}", title=title, time=left))
        event.add_component(alarm)
    return event


def _description(t: Translator, unannounced: Sequence[Deadline]) -> str:
    text = t.gettext("The contest's announced dates, kept up to date by the community bot.")
    if not unannounced:
        return text
    missing = t.gettext(", ").join(
        t.pick(d.title.as_dict()) + (f" ({t.pick(d.when.as_dict())})" if d.when is not None else "")
        for d in unannounced
    )
    left_out = t.gettext("Not announced yet, so not in this calendar: {dates}.", dates=missing)
    return f"{text} {left_out}"
