"""Calendars: /calendar sends an .ics file, and the HTTP feeds (one per track, one per member)
follow moved deadlines. Every file is read back by two independent parsers, icalendar and
vobject, with the alarms and the times checked across time zones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import icalendar
import pytest
import vobject

from bot.calendars.feed import add_calendar_feeds
from bot.config import Settings
from bot.content.models import Bilingual, Deadline
from bot.core.app import Core
from bot.ops.http import service_app
from bot.runtime import start_core
from tests.conftest import ORGANIZER_ID, ManualClock, Member, served

PUBLIC = "https://bot.example.org"


def parsed(content: bytes) -> tuple[icalendar.Calendar, object]:
    """The file as both parsers read it (each raises on a malformed file)."""
    return icalendar.Calendar.from_ical(content), vobject.readOne(content.decode("utf-8"))


def events(content: bytes) -> dict[str, icalendar.Event]:
    calendar, _ = parsed(content)
    return {str(e["uid"]).split("@")[0]: e for e in calendar.walk("VEVENT")}


async def calendar_file(member: Member, text: str = "/calendar") -> tuple[str, bytes]:
    [reply] = await member.says(text)
    assert reply.attachment is not None and reply.attachment.mime_type == "text/calendar"
    return reply.text, reply.attachment.content


async def test_unannounced_dates_are_left_out_and_the_file_says_so(core: Core) -> None:
    text, content = await calendar_file(Member(core))
    assert "No contest date is announced yet" in text
    calendar, second = parsed(content)
    assert calendar.walk("VEVENT") == []
    description = str(calendar["X-WR-CALDESC"])
    assert "Not announced yet" in description and "October 2024" in description
    assert second.name == "VCALENDAR"  # vobject read it too


async def test_an_announced_date_has_its_alarms_and_the_right_time_everywhere(
    core: Core,
) -> None:
    organizer = Member(core, user_id=ORGANIZER_ID)
    await organizer.says("/timezone America/New_York")
    await organizer.says("/deadline add submission 2024-09-30 23:59 Submission deadline")
    _, content = await calendar_file(Member(core, locale="zh"))
    submission = events(content)["submission"]
    expected = datetime(2024, 10, 1, 3, 59, tzinfo=UTC)  # 23:59 in New York, daylight time
    assert submission.decoded("dtstart") == expected
    triggers = sorted(a.decoded("trigger") for a in submission.walk("VALARM"))
    assert triggers == [-timedelta(days=1), -timedelta(hours=2)]
    _, second = parsed(content)
    [vevent] = second.vevent_list
    assert vevent.dtstart.value == expected
    assert (
        vevent.dtstart.value.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).hour == 11
    )  # 11:59 on 1 October in Changsha
    assert len(vevent.valarm_list) == 2


async def test_a_track_calendar_holds_its_own_dates_and_those_of_every_track(
    core: Core,
) -> None:
    contest = core.services.contest
    at = datetime(2024, 9, 1, 10, 0, tzinfo=UTC)
    own = [
        Deadline(key="tech-demo", title=Bilingual(zh="技术演示", en="Tech demo"), at=at,
                 tracks=["aigc-tech"], remind_before=["3d"]),
        Deadline(key="all-kickoff", title=Bilingual(zh="启动", en="Kick-off"), at=at),
    ]  # fmt: skip
    core.services.contest = contest.model_copy(update={"deadlines": own})
    _, technical = await calendar_file(Member(core), "/calendar technical")
    assert set(events(technical)) == {"tech-demo", "all-kickoff"}
    _, creative = await calendar_file(Member(core), "/calendar creative")
    assert set(events(creative)) == {"all-kickoff"}
    [wrong] = await Member(core).says("/calendar rowing")
    assert "There is no track “rowing”" in wrong.text and wrong.attachment is None


@pytest.fixture
async def feed(settings: Settings, clock: ManualClock) -> AsyncIterator[tuple[str, Core]]:
    core = await start_core(settings.model_copy(update={"public_url": PUBLIC}), clock)
    app = service_app(core.services.database, {})
    add_calendar_feeds(app, core.services)
    async with served(app) as base:
        yield base, core
    await core.services.database.close()


async def test_the_feed_follows_a_moved_deadline_with_the_same_uid_and_a_higher_sequence(
    feed: tuple[str, Core],
) -> None:
    base, core = feed
    organizer = Member(core, user_id=ORGANIZER_ID)
    await organizer.says("/deadline add submission 2024-09-30 23:59 Submission deadline")
    async with aiohttp.ClientSession() as http:
        async with http.get(base + "/calendar.ics?lang=en") as response:
            assert response.content_type == "text/calendar"
            before = events(await response.read())["submission"]
        await organizer.says("/deadline move submission 2024-10-07 23:59")
        async with http.get(base + "/calendar.ics?lang=en") as response:
            after = events(await response.read())["submission"]
        async with http.get(base + "/calendar.ics?track=rowing") as response:
            assert response.status == 404
    assert after["uid"] == before["uid"]
    assert after.decoded("sequence") > before.decoded("sequence")
    assert after.decoded("dtstart") - before.decoded("dtstart") == timedelta(days=7)


async def test_a_members_own_feed_follows_their_reminders_and_ends_with_forgetme(
    feed: tuple[str, Core],
) -> None:
    base, core = feed
    contest = core.services.contest
    at = datetime(2024, 9, 1, 10, 0, tzinfo=UTC)
    core.services.contest = contest.model_copy(
        update={
            "deadlines": [
                Deadline(key="tech-demo", title=Bilingual(zh="技术演示", en="Tech demo"),
                         at=at, tracks=["aigc-tech"]),
                Deadline(key="app-demo", title=Bilingual(zh="应用演示", en="App demo"),
                         at=at, tracks=["aigc-app"]),
            ]
        }
    )  # fmt: skip
    member = Member(core, user_id="51", locale="zh")
    await member.says("/subscribe aigc-tech")
    text, _ = await calendar_file(member)
    own = next(word for word in text.split() if word.startswith(f"{PUBLIC}/calendar/"))
    assert f"{PUBLIC}/calendar.ics?lang=zh" in text
    path = own.removeprefix(PUBLIC)
    async with aiohttp.ClientSession() as http:
        async with http.get(base + path) as response:
            mine = events(await response.read())
        assert set(mine) == {"tech-demo"} and str(mine["tech-demo"]["summary"]) == "技术演示"
        async with http.get(base + path.replace("/calendar/", "/calendar/x")) as forged:
            assert forged.status == 404
        await member.presses("forgetme:yes")
        async with http.get(base + path) as gone:
            assert gone.status == 404


async def test_a_track_feed_serves_that_tracks_dates_and_the_whole_feed_all_of_them(
    feed: tuple[str, Core],
) -> None:
    base, core = feed
    at = datetime(2024, 9, 1, 10, 0, tzinfo=UTC)
    core.services.contest = core.services.contest.model_copy(
        update={
            "deadlines": [
                Deadline(key="tech-demo", title=Bilingual(zh="技术演示", en="Tech demo"),
                         at=at, tracks=["aigc-tech"]),
                Deadline(key="app-demo", title=Bilingual(zh="应用演示", en="App demo"),
                         at=at, tracks=["aigc-app"]),
                Deadline(key="all-kickoff", title=Bilingual(zh="启动", en="Kick-off"), at=at),
            ]
        }
    )  # fmt: skip
    async with aiohttp.ClientSession() as http:
        async with http.get(base + "/calendar.ics?track=aigc-tech&lang=en") as response:
            assert response.status == 200
            technical = events(await response.read())
        async with http.get(base + "/calendar.ics?lang=en") as response:
            everything = events(await response.read())
    assert set(technical) == {"tech-demo", "all-kickoff"}
    assert set(everything) == {"tech-demo", "app-demo", "all-kickoff"}
