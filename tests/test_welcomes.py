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
    # Where the private chat opens: Ask with the private welcome, the others with their command.
    assert [b.start_parameter for b in first.buttons] == ["welcome", None, None, None]

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


async def test_the_deep_link_opens_a_private_welcome_with_the_four_choices(core: Core) -> None:
    newcomer = Member(core, user_id="201", name="Ann")
    [welcome] = await newcomer.says("/start welcome")
    assert welcome.text.startswith("Welcome, Ann!") and "Write your question here" in welcome.text
    assert "Commands:" not in welcome.text  # not the generic /start
    labels = [b.label for b in welcome.buttons]
    assert labels == ["Ask", "Register", "Deadlines", "Calendar"]
    assert not any(b.opens_private_chat for b in welcome.buttons)  # already in it
    choices = {b.label: b.payload for b in welcome.buttons}
    assert "Write your question here" in only_text(await newcomer.presses(choices["Ask"]))
    assert "Which track" in only_text(await newcomer.presses(choices["Register"]))
    [calendar] = await newcomer.presses(choices["Calendar"])
    assert calendar.attachment is not None
    [chinese] = await Member(core, user_id="202", name="小明", locale="zh").says("/start welcome")
    assert chinese.text.startswith("欢迎你，小明！") and chinese.buttons[0].label == "提问"


async def test_the_greeting_speaks_the_organizers_language(core: Core) -> None:
    organizer = Member(core, user_id=ORGANIZER_ID, chat=GROUP, locale="zh")
    await organizer.says("/welcome on")
    await core.members_joined("telegram", "-100", people("小明", "小红"))
    [(_, greeting)] = await Outbox().deliver(core)
    assert greeting.text.startswith("欢迎小明和小红！") and greeting.buttons[1].label == "报名"
