"""/pairsolos: groups of a track's solo registrants with complementary skills, confirmed by an
organizer; handles are shared only among the members of a group who accept."""

from __future__ import annotations

from bot.core.app import Core
from bot.messages import Reply
from tests.conftest import ORGANIZER_ID, Member, Outbox, only_text


def button(replies: list[Reply], label: str) -> str:
    return next(b.payload for r in replies for b in r.buttons if b.label == label)


async def solo(core: Core, user_id: str, name: str, skills: str = "") -> Member:
    member = Member(core, user_id=user_id, name=name, handle=f"@{name.lower()}")
    await member.says("/register aigc-app")
    await member.says("/skip")
    if skills:
        asked = await member.says("/lookingfor")
        await member.presses(button(asked, "AIGC Application Innovation"))
        languages = await member.says(skills)
        await member.presses(button(languages, "Both"))
        await member.says("/skip")
    return member


async def test_solos_are_grouped_by_complementary_skills_and_introduced_on_consent(
    core: Core,
) -> None:
    ann = await solo(core, "1", "Ann", "前端, 设计")
    bo = await solo(core, "2", "Bo", "前端")
    cy = await solo(core, "3", "Cy", "后端, 音视频开发")
    dee = await solo(core, "4", "Dee", "AI算法")
    await Outbox().deliver(core)
    organizer = Member(core, user_id=ORGANIZER_ID)
    proposal = only_text(await organizer.says("/pairsolos application"))
    # Two pairs, nobody alone: Ann (two skills, registered first) with Cy, who adds two more;
    # then Bo with Dee, who adds what Bo lacks.
    assert "1. Ann (Design, Frontend) + Cy (Audio/video development, Backend)" in proposal
    assert "2. Bo (Frontend) + Dee (AI and models)" in proposal and "Left over" not in proposal
    sent = only_text(
        await organizer.presses(
            button(await organizer.says("/pairsolos aigc-app"), "Send the introductions")
        )
    )
    assert "4 members in 2 groups" in sent
    invitations = {t.chat_id: r for t, r in await Outbox().deliver(core)}
    assert set(invitations) == {"1", "2", "3", "4"}
    assert "@" not in invitations["1"].text  # no handle before consent

    accepted = only_text(await ann.presses(button([invitations["1"]], "Accept")))
    assert "As the others accept" in accepted
    group_of_ann = [m for m in (bo, cy, dee) if m.name in invitations["1"].text]
    partner = group_of_ann[0]
    both = only_text(await partner.presses(button([invitations[partner.user_id]], "Accept")))
    assert "@ann" in both
    [(target, told)] = await Outbox().deliver(core)
    assert target.chat_id == "1" and f"@{partner.name.lower()}" in told.text
    others = [m for m in (bo, cy, dee) if m not in group_of_ann]
    declined = only_text(
        await others[0].presses(button([invitations[others[0].user_id]], "Decline"))
    )
    assert "learn nothing" in declined
    assert await Outbox().deliver(core) == []


async def test_a_changed_proposal_is_shown_again_instead_of_sent(core: Core) -> None:
    await solo(core, "1", "Ann")
    await solo(core, "2", "Bo")
    organizer = Member(core, user_id=ORGANIZER_ID)
    proposal = await organizer.says("/pairsolos aigc-app")
    await solo(core, "3", "Cy")
    replies = await organizer.presses(button(proposal, "Send the introductions"))
    assert "changed" in replies[0].text and "Cy" in replies[1].text
    assert "fewer than two" in only_text(await organizer.says("/pairsolos creative"))
    assert "organizers" in only_text(await Member(core, user_id="1").says("/pairsolos"))
