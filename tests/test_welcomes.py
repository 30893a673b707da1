"""Welcomes: newcomers greeted in the chat where an organizer turned them on, batched to one
greeting per interval; the greeting's buttons answer only the one who presses them."""

from __future__ import annotations

from datetime import timedelta

from bot.core.app import Core
from bot.features.newcomers import send_due_welcomes
from bot.messages import ChatKind, ChatRef, Target, UserRef
from tests.conftest import ORGANIZER_ID, ManualClock, Member, Outbox, only_text

GROUP = ChatRef("-100", ChatKind.GROUP)


def people(*names: str) -> list[UserRef]:
    return [UserRef(str(200 + n), name) for n, name in enumerate(names)]


async def test_newcomers_are_greeted_together_at_most_once_per_interval(
    core: Core, clock: ManualClock
) -> None:
    organizer = Member(core, user_id=ORGANIZER_ID, chat=GROUP)
    assert "Welcomes are on" in only_text(await organizer.says("/welcome on"))
    await core.members_joined("telegram", "-100", people("Ann"))
    [(target, first)] = await Outbox().deliver(core)
    assert target == Target("telegram", "-100") and first.text.startswith("Welcome Ann!")
    assert [b.label for b in first.buttons] == ["Ask", "Register", "Deadlines", "Calendar"]
    assert all(b.opens_private_chat for b in first.buttons)

    await core.members_joined("telegram", "-100", people("Bo", "Cy"))
    await core.members_joined("telegram", "-100", people("Bo", "Cy", "Dee", "Eve", "Fay")[2:])
    assert await Outbox().deliver(core) == []  # within the interval: they wait
    clock.advance(timedelta(seconds=61))
    assert await send_due_welcomes(core.services) == 1
    [(_, batched)] = await Outbox().deliver(core)
    assert batched.text.startswith("Welcome Bo, Cy and 3 others!")
    assert await send_due_welcomes(core.services) == 0  # nobody left waiting


async def test_welcomes_are_off_until_an_organizer_turns_them_on(
    core: Core, clock: ManualClock
) -> None:
    await core.members_joined("telegram", "-100", people("Ann"))
    assert await Outbox().deliver(core) == []
    member = Member(core, user_id="7", chat=GROUP)
    assert "organizers" in only_text(await member.says("/welcome on"))
    organizer = Member(core, user_id=ORGANIZER_ID)
    assert "in the group" in only_text(await organizer.says("/welcome on"))  # privately
    in_group = Member(core, user_id=ORGANIZER_ID, chat=GROUP)
    await in_group.says("/welcome on")
    await in_group.says("/welcome off")
    clock.advance(timedelta(minutes=5))
    await core.members_joined("telegram", "-100", people("Bo"))
    assert await Outbox().deliver(core) == []


async def test_a_greeting_button_answers_only_the_one_who_pressed_it(core: Core) -> None:
    newcomer = Member(core, user_id="201", chat=GROUP)
    [answer] = await newcomer.presses("run:register")
    assert "Which track" in answer.text and answer.private
    # On Telegram the button is a deep link: the private chat opens with /start register.
    [private] = await Member(core, user_id="201").says("/start register")
    assert "Which track" in private.text


async def test_the_greeting_speaks_the_organizers_language(core: Core) -> None:
    organizer = Member(core, user_id=ORGANIZER_ID, chat=GROUP, locale="zh")
    await organizer.says("/welcome on")
    await core.members_joined("telegram", "-100", people("小明", "小红"))
    [(_, greeting)] = await Outbox().deliver(core)
    assert greeting.text.startswith("欢迎小明和小红！") and greeting.buttons[1].label == "报名"
