"""Announcements to a stage of the contest, alone or on one platform: the preview counts each
platform and the outbox reaches exactly the members in that stage (SQLite and PostgreSQL)."""

from __future__ import annotations

from bot.core.app import Core
from bot.messages import Reply
from tests.conftest import ORGANIZER_ID, Member, Outbox
from tests.test_broadcasts import live_core  # noqa: F401  (the fixture)


async def contest_in_progress(core: Core) -> None:
    """Ann registered alone and subscribed; Bo (Telegram) and Cy (Discord) in a registered team
    of two; Dee never registered; Eve registered alone on Discord."""
    ann = Member(core, user_id="1", name="Ann")
    await ann.says("/register aigc-app")
    await ann.says("/skip")
    await ann.says("/subscribe all")
    bo = Member(core, user_id="2", name="Bo")
    created = await bo.says("/team create Duo")
    await bo.presses(next(b.payload for b in created[0].buttons if "aigc-app" in b.payload))
    code = created[0].text.split("/team join ")[1].split()[0]
    await Member(core, user_id="3", name="Cy", platform="discord").says(f"/team join {code}")
    await bo.says("/team register")
    await Member(core, user_id="4", name="Dee").says("hello")
    eve = Member(core, user_id="5", name="Eve", platform="discord")
    await eve.says("/register aigc-tech")


async def announce_to(core: Core, audience: str) -> tuple[Reply, set[str]]:
    """Announce to `audience` through the preview's buttons; the preview and who received it."""
    organizer = Member(core, user_id=ORGANIZER_ID)
    [preview] = await organizer.says(f"/announce News for {audience}")
    while not any(b.payload.endswith(f"audience={audience}") for b in preview.buttons):
        # A stage on one platform is offered once the stage is chosen.
        stage = audience.partition("@")[0]
        [preview] = await organizer.presses(
            next(b.payload for b in preview.buttons if b.payload.endswith(f"audience={stage}"))
        )
    [chosen] = await organizer.presses(
        next(b.payload for b in preview.buttons if b.payload.endswith(f"audience={audience}"))
    )
    await organizer.presses(
        next(b.payload for b in chosen.buttons if b.payload.endswith("confirm"))
    )
    sent = await Outbox().deliver(core)
    return chosen, {t.chat_id for t, r in sent if r.text.startswith("News")}


async def test_each_stage_reaches_exactly_its_members(live_core: Core) -> None:  # noqa: F811
    await contest_in_progress(live_core)
    expected = {
        "solo": {"1", "5"},
        "solo@discord": {"5"},
        "smallteams:3": {"2", "3"},
        "track:aigc-app": {"1", "2", "3"},
        "subscribers": {"1"},
        "unregistered@telegram": {"4", ORGANIZER_ID},  # the organizer registered nothing
    }
    for audience, members in expected.items():
        preview, received = await announce_to(live_core, audience)
        assert received == members, audience
        telegram = sum(1 for m in members if m in {"1", "2", "4", ORGANIZER_ID})
        discord = len(members) - telegram
        text = preview.text
        assert f"Telegram: {telegram} members" in text and f"Discord: {discord} members" in text


async def test_stages_are_named_in_the_organizers_language(live_core: Core) -> None:  # noqa: F811
    organizer = Member(live_core, user_id=ORGANIZER_ID, locale="zh")
    [preview] = await organizer.says("/announce 通知")
    labels = [b.label for b in preview.buttons]
    assert "已报名、未组队" in labels and "未报名的成员" in labels and "提醒订阅者" in labels


async def fay_alone_in_a_team(core: Core) -> None:
    fay = Member(core, user_id="6", name="Fay")
    created = await fay.says("/team create One Woman Band")
    await fay.presses(next(b.payload for b in created[0].buttons if "aigc-tech" in b.payload))


async def test_the_organizer_chooses_the_size_of_teams_below_a_size(
    live_core: Core,  # noqa: F811
) -> None:
    await contest_in_progress(live_core)  # Bo and Cy: a team of two
    await fay_alone_in_a_team(live_core)
    organizer = Member(live_core, user_id=ORGANIZER_ID)
    [preview] = await organizer.says("/announce News for small teams")
    choose = {b.label: b.payload for b in preview.buttons}
    [below_three] = await organizer.presses(choose["teams of fewer than 3"])  # the default
    assert "Telegram: 2 members" in below_three.text and "Discord: 1 members" in below_three.text
    assert sizes_offered(below_three) == [2, 4, 5]  # no limit announced: up to 5
    choose = {b.label: b.payload for b in below_three.buttons}
    [below_two] = await organizer.presses(choose["teams of fewer than 2"])
    assert "Audience: teams of fewer than 2 —" in below_two.text
    assert "Telegram: 1 members" in below_two.text and "Discord: 0 members" in below_two.text
    await organizer.presses(next(b.payload for b in below_two.buttons if b.label == "Confirm"))
    sent = await Outbox().deliver(live_core)
    assert {t.chat_id for t, r in sent if r.text.startswith("News")} == {"6"}  # Fay alone


async def test_the_sizes_offered_end_at_the_team_size_limit(live_core: Core) -> None:  # noqa: F811
    contest = live_core.services.contest
    limited = contest.contest.model_copy(update={"team_max_size": 4})
    live_core.services.contest = contest.model_copy(update={"contest": limited})
    organizer = Member(live_core, user_id=ORGANIZER_ID)
    [preview] = await organizer.says("/announce News")
    not_full = next(b.payload for b in preview.buttons if b.label == "teams of fewer than 4")
    [chosen] = await organizer.presses(not_full)
    assert sizes_offered(chosen) == [2, 3]
    [on_discord] = await organizer.presses(
        next(b.payload for b in chosen.buttons if b.label == "teams of fewer than 4, on Discord")
    )
    other_sizes = [b.label for b in on_discord.buttons if "fewer than 2" in b.label]
    assert other_sizes == ["teams of fewer than 2, on Discord"]  # the platform is kept


def sizes_offered(preview: Reply) -> list[int]:
    """The sizes of the "teams of fewer than N" buttons (on every platform) of a preview."""
    labels = [b.label.removeprefix("teams of fewer than ") for b in preview.buttons]
    return [int(label) for label in labels if label.isdigit()]
