"""The teammate finder as members use it: a profile step by step, finding people and teams on
pages, and introductions where no handle is shown before the other side accepts."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import aliased

from bot.core.app import Core
from bot.messages import ChatKind, ChatRef, Reply, Target
from bot.storage.models import ContactRequest
from bot.storage.models import Member as StoredMember
from tests.conftest import ORGANIZER_ID, Member, Outbox, only_text


def button(replies: list[Reply], label: str) -> str:
    return next(b.payload for r in replies for b in r.buttons if b.label == label)


async def profile(
    member: Member, track: str = "AIGC Application Innovation", skills: str = "前端, 配乐, Unity"
) -> list[Reply]:
    asked = await member.says("/lookingfor")
    await member.presses(button(asked, track))
    languages = await member.says(skills)
    await member.presses(button(languages, "Both"))
    return await member.says("a team that needs a frontend developer")


async def test_a_profile_is_set_step_by_step_and_can_be_hidden(core: Core) -> None:
    lin = Member(core, user_id="21", name="Lin", handle="@lin_dev")
    asked = await lin.says("/lookingfor")
    assert "Which track" in only_text(asked)
    skills = await lin.presses(button(asked, "AIGC Application Innovation"))
    assert "Frontend" in only_text(skills)  # the tags it knows are listed
    languages = await lin.says("前端, 配乐, Unity")
    role = await lin.presses(button(languages, "Both"))
    assert "What are you looking for" in only_text(role)
    done = only_text(await lin.says("a team that needs a frontend developer"))
    assert "visible in /findteam" in done
    assert "Skills: Frontend, Music and sound, Unity" in done and "中文 + English" in done
    again = only_text(await lin.says("/lookingfor"))
    assert "Your profile now (shown)" in again  # what is there, before changing it
    await lin.says("/skip")
    assert "hidden" in only_text(await lin.says("/lookingfor off"))
    found = only_text(await Member(core, user_id="22").says("/findteam"))
    assert "Lin" not in found


async def test_a_profile_is_set_in_a_private_chat_only(core: Core) -> None:
    group = ChatRef("-100", ChatKind.GROUP)
    reply = await Member(core, user_id="21", chat=group).says("/lookingfor")
    assert "private chat" in only_text(reply)


async def test_an_accepted_introduction_gives_both_sides_each_others_handle(core: Core) -> None:
    lin = Member(core, user_id="21", name="Lin", handle="@lin_dev")
    await profile(lin)
    bo = Member(core, user_id="5101", name="Bo", platform="discord", handle="@bo")
    await bo.says("hello")  # a private chat with the bot
    found = await bo.says("/findteam application frontend")
    assert "Lin" in only_text(found) and "@lin_dev" not in only_text(found)
    sent = await bo.presses(button(found, "Contact 1"))
    assert "passed your introduction on to Lin" in only_text(sent)
    [(target, introduction)] = await Outbox().deliver(core)
    assert target == Target("telegram", "21") and "Bo would like to team up" in introduction.text
    assert "@bo" not in introduction.text  # no handle before consent
    accepted = await lin.presses(button([introduction], "Accept"))
    assert "@bo" in only_text(accepted)
    [(target, told)] = await Outbox().deliver(core)
    assert target.platform == "discord" and "@lin_dev" in told.text
    assert "already" in only_text(await bo.presses(button(found, "Contact 1")))


async def test_a_declined_or_blocked_introduction_reveals_nothing(core: Core) -> None:
    organizer = Member(core, user_id=ORGANIZER_ID)
    await organizer.says("hello")
    lin = Member(core, user_id="21", name="Lin", handle="@lin_dev")
    await profile(lin)
    for user, choice in (("31", "Decline"), ("32", "Block and report")):
        asker = Member(core, user_id=user, name=f"Asker{user}", handle=f"@asker{user}")
        await asker.says("hello")
        found = await asker.says("/findteam")
        await asker.presses(button(found, "Contact 1"))
        [(_, introduction)] = await Outbox().deliver(core)
        answered = only_text(await lin.presses(button([introduction], choice)))
        assert f"@asker{user}" not in answered
        told = await Outbox().deliver(core)
        to_asker = [r.text for t, r in told if t.chat_id == user]
        assert to_asker == ["Lin did not accept your introduction."]  # blocked or not, the same
        if choice == "Block and report":
            report = [r.text for t, r in told if t.chat_id == ORGANIZER_ID]
            assert report and "Asker32" in report[0] and "blocked" in report[0]
            again = only_text(await asker.presses(button(found, "Contact 1")))
            assert "cannot contact" in again


async def test_introductions_are_limited_per_day_and_results_come_in_pages(core: Core) -> None:
    core.services.settings = core.services.settings.model_copy(
        update={"contact_requests_per_day": 2}
    )
    for n in range(7):
        await profile(Member(core, user_id=f"6{n}", name=f"Person{n}"))
    asker = Member(core, user_id="70", name="Kai")
    await asker.says("hello")
    first = await asker.says("/findteam")
    assert "7 found" in only_text(first) and "5. " in only_text(first)
    second = await asker.presses(button(first, "More"))
    assert "6. " in only_text(second) and "7. " in only_text(second)
    assert all(b.label != "More" for b in second[0].buttons)
    await asker.presses(button(first, "Contact 1"))
    await asker.presses(button(first, "Contact 2"))
    limited = only_text(await asker.presses(button(first, "Contact 3")))
    assert "2 introductions a day" in limited


async def test_teams_with_room_are_found_and_their_captain_is_asked(core: Core) -> None:
    captain = Member(core, user_id="21", name="Lin")
    created = await captain.says("/team create Sound Cube")
    await captain.presses(button(created, "AIGC Creative Works"))
    asker = Member(core, user_id="22", name="Bo")
    await asker.says("hello")
    found = await asker.says("/findteam creative")
    assert "Team “Sound Cube” (AIGC Creative Works, 1 members)" in only_text(found)
    await asker.presses(button(found, "Contact 1"))
    [(target, introduction)] = await Outbox().deliver(core)
    assert target.chat_id == "21" and "would like to join your team “Sound Cube”" in (
        introduction.text
    )
    assert "Nobody matches" in only_text(await asker.says("/findteam technical"))


async def test_findteam_leaves_out_whoever_does_not_match_the_track_or_skill(core: Core) -> None:
    await profile(Member(core, user_id="21", name="Lin"))  # application: frontend, sound, Unity
    await profile(Member(core, user_id="22", name="Kai"), "AIGC Technical Innovation", "设计")
    asker = Member(core, user_id="23", name="Bo")
    await asker.says("hello")
    by_track = only_text(await asker.says("/findteam application"))
    assert "Lin" in by_track and "Kai" not in by_track
    by_other_track = only_text(await asker.says("/findteam technical"))
    assert "Kai" in by_other_track and "Lin" not in by_other_track
    by_skill = only_text(await asker.says("/findteam design"))
    assert "Kai" in by_skill and "Lin" not in by_skill
    by_own_words = only_text(await asker.says("/findteam unity"))
    assert "Lin" in by_own_words and "Kai" not in by_own_words


async def test_a_full_team_is_not_listed(core: Core) -> None:
    contest = core.services.contest
    limited = contest.contest.model_copy(update={"team_max_size": 2})
    core.services.contest = contest.model_copy(update={"contest": limited})
    captain = Member(core, user_id="21", name="Lin")
    full = await captain.says("/team create Full House")
    await captain.presses(button(full, "AIGC Creative Works"))
    code = re.search(r"/team join ([A-Z0-9]{6})", full[0].text)
    assert code is not None
    await Member(core, user_id="22", name="Kai").says(f"/team join {code[1]}")
    other = Member(core, user_id="24", name="Mei")
    await other.presses(button(await other.says("/team create Open Door"), "AIGC Creative Works"))
    asker = Member(core, user_id="23", name="Bo")
    await asker.says("hello")
    found = only_text(await asker.says("/findteam creative"))
    assert "Open Door" in found and "Full House" not in found


async def test_forgetme_erases_the_profile_and_introductions(core: Core) -> None:
    lin = Member(core, user_id="21", name="Lin")
    await profile(lin)
    bo = Member(core, user_id="22", name="Bo")
    await bo.says("hello")
    await bo.presses(button(await bo.says("/findteam"), "Contact 1"))
    await lin.presses("forgetme:yes")
    assert "Nobody else is looking yet" in only_text(await bo.says("/findteam"))


async def test_forgetme_deletes_the_introductions_a_member_sent_and_received(core: Core) -> None:
    lin = Member(core, user_id="21", name="Lin")
    await profile(lin)  # application track
    await profile(Member(core, user_id="22", name="Kai"), "AIGC Technical Innovation", "设计")
    bo = Member(core, user_id="23", name="Bo")
    await bo.says("hello")
    await bo.presses(button(await bo.says("/findteam application"), "Contact 1"))  # to Lin
    await bo.presses(button(await bo.says("/findteam technical"), "Contact 1"))  # to Kai
    await lin.presses(button(await lin.says("/findteam technical"), "Contact 1"))  # Lin to Kai
    assert len(await introductions(core)) == 3
    await lin.presses("forgetme:yes")
    assert await introductions(core) == [("23", "22")]  # Bo → Kai stays


async def introductions(core: Core) -> list[tuple[str, str]]:
    """Every stored contact request, as (requester's user id, recipient's user id)."""
    requester, recipient = aliased(StoredMember), aliased(StoredMember)
    async with core.services.database.session() as session:
        rows = await session.execute(
            select(requester.platform_user_id, recipient.platform_user_id)
            .select_from(ContactRequest)
            .join(requester, requester.id == ContactRequest.requester_id)
            .join(recipient, recipient.id == ContactRequest.recipient_id)
        )
        return [(asker, asked) for asker, asked in rows]


async def test_the_finder_speaks_chinese_to_a_chinese_member(core: Core) -> None:
    mei = Member(core, user_id="41", name="梅", locale="zh")
    asked = await mei.says("/lookingfor")
    assert "你想参加哪个赛道" in only_text(asked)
    skills = only_text(await mei.presses(button(asked, "任意赛道")))
    assert "前端" in skills and "音视频开发" in skills
    found, step_again = await mei.says("/findteam 技术创新 设计")  # then the step waits again
    assert "暂时没有匹配的人" in found.text and "技能" in step_again.text
