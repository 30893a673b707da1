"""Commands members mix up are told apart by the member's own words: stopping reminders after
dropping out is /unsubscribe, not /withdraw; leaving a team is /team; checking a registration
went through is /myregistrations; "what can you do?" is /help, with a button that shows it."""

from __future__ import annotations

from bot.core.app import Core
from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import NOW, assert_commands_given, assert_declined
from tests.conftest import Member, only_text


async def test_what_can_you_do_gets_a_button_that_lists_the_commands(core: Core) -> None:
    member = Member(core, user_id="81")
    [reply] = await member.says("what can this bot do?")
    assert "/help" in reply.text
    button = reply.buttons[0]
    assert button.label == "Show commands"
    listed = only_text(await member.presses(button.payload))
    assert "/register" in listed and "/deadlines" in listed
    [zh] = await Member(core, user_id="82", locale="zh").says("这个机器人怎么用")
    assert zh.buttons and zh.buttons[0].label == "查看命令"


def test_each_of_two_close_commands_is_told_apart_by_what_is_asked(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_commands_given(
        hybrid,
        (
            ("what commands does this bot have", "en", "help"),
            # A command for one thing is that thing's, not the list of all.
            ("is there a command for the deadlines?", "en", "deadlines"),
            # Dropping out, then the reminders: stop the reminders.
            ("不参加比赛了，那些提醒能停了吧", "zh", "unsubscribe"),
            ("quit the contest so no need for the reminder pings", "en", "unsubscribe"),
            ("不想参加了，帮我把赛道登记撤掉", "zh", "withdraw"),
            # Leaving a team is the team's, not a track's.
            ("想退出现在的队伍", "zh", "team"),
            ("上周报的赛道，想确认下报上没有", "zh", "myregistrations"),
            ("我之前报过啥来着 怎么查自己报的", "zh", "myregistrations"),
            # Reminders of some dates, not a registration for the track they belong to.
            ("remind me about creative works track dates only", "en", "subscribe"),
            ("只提醒我创意作品赛道的日期就行", "zh", "subscribe"),
            # People to search for are teammates, not a track to register for.
            (
                "where can I search for people who know audio DSP for the tech innovation track",
                "en",
                "findteam",
            ),
            # The dates and the time left, in the member's own time: /deadlines shows them so;
            # the dates shown in the wrong zone is the member's zone to set.
            ("大赛几个关键时间点，按我这边的时间显示一下 还剩几天", "zh", "deadlines"),
            ("how many days left until the deadline in my time zone", "en", "deadlines"),
            ("时区不对，怎么改成我这边的时间", "zh", "timezone"),
            (
                "the dates the bot shows are in china time but im in london, how do i fix that",
                "en",
                "timezone",
            ),
            (
                "wait which tracks did i already sign up for? can you show me",
                "en",
                "myregistrations",
            ),
            (
                "i wanna sign up for the creative works track and add my team name + idea, how",
                "en",
                "register",
            ),
            ("how do i start my own team and get a code for others to join?", "en", "team"),
            ("想拉几个朋友一起组个队 用bot咋整", "zh", "team"),
            (
                "im solo, is there a way to browse teams that still have open spots?",
                "en",
                "findteam",
            ),
            (
                "i want other people to be able to find me as a teammate, how do i set that up",
                "en",
                "lookingfor",
            ),
            ("i want the organizers' announcements sent to me in DMs, how", "en", "subscribe"),
            # Short requests that describe the action.
            ("pull me out of the creative works track", "en", "withdraw"),
            ("did the organizers answer my q yet?", "en", "mytickets"),
            ("list me as available for a team", "en", "lookingfor"),
            ("list the infra stuff we get", "en", "resources"),
            ("还没想好赛道，能先报上名吗", "zh", "register"),
            (
                "register me for the application innovation track, team name Pixel Pushers",
                "en",
                "register",
            ),
            ("any teams with room for a sound designer?", "en", "findteam"),
            ("is there a listing of teams looking for people", "en", "findteam"),
            ("有没有缺人的队伍", "zh", "findteam"),
            # Being found, not finding: the profile.
            ("I'm a 3D artist looking for a team, how do I get found", "en", "lookingfor"),
            ("我想挂个求组队的信息", "zh", "lookingfor"),
            ("my friend made a team, how do I join a team with his code", "en", "team"),
            ("can I put up a post so teams see I'm available", "en", "lookingfor"),
            ("need a human for a billing question", "en", "human"),
            ("我问人工的那个事有结果了吗", "zh", "mytickets"),
            ("I'm in Berlin and the times you show are wrong", "en", "timezone"),
            ("决赛前到时提醒我一声", "zh", "subscribe"),
        ),
    )


def test_someone_elses_registration_or_withdrawal_is_declined_ones_own_is_a_command(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("did my friend withdraw from the contest?", "en"),
            ("check if my roommate registered", "en"),
            ("帮我查查我室友报了哪些赛道", "zh"),
            ("我男朋友登记的是哪个赛道", "zh"),
            ("他登记成功了吗", "zh"),
        ),
        intent="personal-data",
    )
    assert_commands_given(
        hybrid,
        (
            ("我登记成功了吗", "zh", "myregistrations"),
            ("check if I registered", "en", "myregistrations"),
            ("我朋友也想报名，怎么登记", "zh", "register"),
        ),
    )


def test_a_fee_beside_a_track_is_not_a_registration(hybrid: RetrievalAnswerer) -> None:
    fee = hybrid.answer("想报名技术创新赛道，要交报名费吗", "zh", "UTC", NOW)
    assert fee.intent != "register", fee.text


def test_close_commands_described_after_who_the_member_is(hybrid: RetrievalAnswerer) -> None:
    """Stopping reminders or announcements, dropping one track, erasing everything, leaving or
    handing over a team, registering a team as one, finding a ticket's reply, being listed,
    contacting someone found: each its own command, however the member leads up to it."""
    assert_commands_given(
        hybrid,
        (
            ("I dropped creative works, please stop sending me its reminders", "en", "unsubscribe"),
            ("I don't need the announcement DMs anymore, how do I stop them?", "en", "unsubscribe"),
            ("我报了两个赛道，想把创意作品那个取消掉", "zh", "withdraw"),
            ("registered by mistake, how do I drop the tech one?", "en", "withdraw"),
            ("不想玩了，把我在机器人里的数据都清掉吧", "zh", "forgetme"),
            ("我想退出这个队，我不是队长", "zh", "team"),
            ("how do I hand over the captaincy? I'm leaving", "en", "team"),
            ("我是队长，想把我们队整体报到技术创新赛道", "zh", "team"),
            ("前几天转人工问了个问题，在哪能看到回复", "zh", "mytickets"),
            ("能不能到点私信提醒我截止日期", "zh", "subscribe"),
            ("I want teams to find me instead, how do I get myself listed?", "en", "lookingfor"),
            ("saw a designer in the search results, how do I contact them?", "en", "findteam"),
            ("where can I see the tracks I've signed up for?", "en", "myregistrations"),
            ("我们工作室做AI音乐的，想参赛，需要干啥", "zh", "register"),
        ),
    )
    # Asking which tracks there are, while wanting to take part, is asking for the tracks.
    answer = hybrid.answer("想参赛，大赛一共几个赛道？", "zh", "UTC", NOW)
    assert answer.intent is None and "AIGC创意作品" in answer.text, answer.text


def test_private_contacts_and_others_tickets_are_declined_whoever_they_belong_to(
    hybrid: RetrievalAnswerer,
) -> None:
    """Whatever company the question names: no organization has a private phone."""
    assert_declined(
        hybrid,
        (
            ("give me the telegram handles of everyone looking for a team", "en"),
            ("need the personal email of the AI company's regional manager from the panel", "en"),
            ("what's Jiang Tao's personal WeChat? want to pitch him", "en"),
            ("我队友问过主办方一个问题，他问的啥", "zh"),
        ),
        intent=("personal-data", "private-contact"),
    )
