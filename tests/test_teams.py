"""Teams, as members and organizers use them: create, join with a code, the captain's powers,
leaving and /forgetme handing the team on, the size limit, and the organizers' /teams file."""

from __future__ import annotations

import csv
import io
import re

from bot.core.app import Core
from bot.messages import Reply, Target
from tests.conftest import ORGANIZER_ID, Member, Outbox, only_text


def invite_code(replies: list[Reply]) -> str:
    found = re.search(r"/team join ([A-Z0-9]{6})", only_text(replies))
    assert found, only_text(replies)
    return found[1]


def button(replies: list[Reply], label: str) -> str:
    return next(b.payload for r in replies for b in r.buttons if b.label == label)


async def team_of_two(core: Core) -> tuple[Member, Member, str]:
    captain = Member(core, user_id="21", name="Lin")
    created = await captain.says("/team create Sound Cube")
    await captain.presses(button(created, "AIGC Application Innovation"))
    code = invite_code(created)
    mate = Member(core, user_id="22", name="Bo", platform="discord")
    await mate.says(f"/team join {code.lower()}")  # a code typed in lower case still works
    return captain, mate, code


async def test_a_team_is_created_with_its_track_and_joined_from_the_other_platform(
    core: Core,
) -> None:
    captain = Member(core, user_id="21", name="Lin")
    created = await captain.says("/team create Sound Cube")
    assert "captain" in only_text(created) and "Which track" in only_text(created)
    card = await captain.presses(button(created, "AIGC Application Innovation"))
    assert "AIGC Application Innovation (not registered yet)" in only_text(card)
    code = invite_code(created)

    mate = Member(core, user_id="22", name="Bo", platform="discord")
    joined = await mate.says(f"/team join {code}")
    text = only_text(joined)
    assert "You joined “Sound Cube”" in text
    assert "Lin (Telegram) — captain" in text and "Bo (Discord)" in text
    assert "no team size limit has been announced" in text
    told = await Outbox().deliver(core)
    assert [(t, r.text) for t, r in told] == [
        (Target("telegram", "21"), "Bo joined your team “Sound Cube”.")
    ]

    registered = await captain.presses(button(card, "Register the team"))
    assert "registered for AIGC Application Innovation as a team" in only_text(registered)
    assert "registered as a team" in only_text(await mate.says("/team"))


async def test_the_captain_renames_hands_over_and_removes(core: Core) -> None:
    captain, mate, _ = await team_of_two(core)
    assert "Only the team's captain" in only_text(await mate.says("/team rename Nope"))
    assert "now “Cube II”" in only_text(await captain.says("/team rename Cube II"))
    assert "Idea: AI sound design" in only_text(await captain.says("/team idea AI sound design"))
    assert "Only the team's captain" in only_text(await mate.says("/team idea Something else"))
    choice = await captain.says("/team captain")
    handed = await captain.presses(button(choice, "Bo"))
    assert "Bo is now captain" in only_text(handed)
    assert "Bo (Discord) — captain" in only_text(await captain.says("/team"))
    assert "Only the team's captain" in only_text(await captain.says("/team remove"))
    choice = await mate.says("/team remove")
    removed = await mate.presses(button(choice, "Lin"))
    assert "Lin is no longer in “Cube II”" in only_text(removed)
    assert "You are not in a team" in only_text(await captain.says("/team"))
    told = [r.text for t, r in await Outbox().deliver(core) if t == Target("telegram", "21")]
    assert "The captain took you out of the team “Cube II”." in told


async def test_a_leaving_captain_hands_the_team_on_and_the_last_one_dissolves_it(
    core: Core,
) -> None:
    captain, mate, code = await team_of_two(core)
    asked = await captain.says("/team leave")
    assert "The next member becomes captain" in only_text(asked)
    assert "You left" in only_text(await captain.presses(button(asked, "Yes, leave")))
    assert "Bo (Discord) — captain" in only_text(await mate.says("/team"))
    told = await Outbox().deliver(core)
    assert any("Bo is now captain" in r.text for _, r in told)
    asked = await mate.says("/team leave")
    assert "dissolved" in only_text(await mate.presses(button(asked, "Yes, leave")))
    assert "No team has the code" in only_text(await captain.says(f"/team join {code}"))


async def test_forgetme_hands_a_captains_team_to_the_next_member(core: Core) -> None:
    captain, mate, _ = await team_of_two(core)
    await captain.presses("forgetme:yes")
    card = only_text(await mate.says("/team"))
    assert "Bo (Discord) — captain" in card and "Lin" not in card


async def test_the_size_limit_from_contest_toml_is_kept(core: Core) -> None:
    contest = core.services.contest
    limited = contest.contest.model_copy(update={"team_max_size": 2})
    core.services.contest = contest.model_copy(update={"contest": limited})
    _, _, code = await team_of_two(core)
    third = Member(core, user_id="23", name="Kai")
    assert "at most 2 members" in only_text(await third.says(f"/team join {code}"))
    assert "You are not in a team" in only_text(await third.says("/team"))


async def test_every_mistake_gets_a_clear_answer_in_the_members_language(core: Core) -> None:
    member = Member(core, user_id="31", locale="zh")
    assert "名字" in only_text(await member.says("/team create"))
    assert "邀请码" in only_text(await member.says("/team join"))
    assert "没有队伍的邀请码是" in only_text(await member.says("/team join ZZZZZZ"))
    assert "/team create" in only_text(await member.says("/team dance"))
    assert "太长" in only_text(await member.says("/team create " + "长" * 61))
    assert "你还没有加入队伍" in only_text(await member.says("/team leave"))
    await member.says("/team create 声音魔方")
    assert "你已经在" in only_text(await member.says("/team create 第二队"))


async def test_organizers_see_teams_per_track_and_get_them_as_csv(core: Core) -> None:
    captain, _, _ = await team_of_two(core)
    await captain.says("/team register")
    await Member(core, user_id="41").says("/register aigc-app")
    [report] = await Member(core, user_id=ORGANIZER_ID).says("/teams")
    assert "AIGC Application Innovation: 1 + 0 teams; 2 in teams; 1 solo" in report.text
    assert report.attachment is not None and report.private
    rows = list(csv.DictReader(io.StringIO(report.attachment.content.decode("utf-8-sig"))))
    assert rows[0]["team"] == "Sound Cube" and rows[0]["size"] == "2"
    assert rows[0]["captain"] == "telegram:Lin" and "discord:Bo" in rows[0]["members"]
    assert "organizers" in only_text(await Member(core, user_id="41").says("/teams"))
