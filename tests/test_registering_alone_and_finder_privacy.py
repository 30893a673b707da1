"""Registering alone, undoing a registration, the whole team at once: the words of one command
inside another's ("不组队就自己玩" holds 组队, "不是我想报的" holds 我想报) no longer decide.
Another member's finder profile, invite code or refusal stays theirs."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import assert_commands_given, assert_declined


def test_what_the_member_does_with_a_registration_picks_the_command(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_commands_given(
        hybrid,
        (
            ("单人参赛，不组队，想报技术创新，发什么命令", "zh", "register"),
            ("报错赛道了，技术创新那个不是我想报的，想取消掉", "zh", "withdraw"),
            ("我不想参加创意作品赛道了，在机器人里怎么取消登记", "zh", "withdraw"),
            ("忘了自己报的是哪个赛道，怎么查", "zh", "myregistrations"),
            ("赛道列表那条消息被我删了，在哪再看", "zh", "tracks"),
            ("我是队长，想整个队一起报到应用创新赛道，怎么弄", "zh", "team"),
            ("刚进群，一个人想参赛，怎么找队友组队？", "zh", "findteam"),
            ("which command marks me as available for any track?", "en", "lookingfor"),
            ("how do I get on the list of people looking for teammates?", "en", "lookingfor"),
            ("can I advertise my skills so teams reach out to me?", "en", "lookingfor"),
            ("我不想再出现在找队友列表里了", "zh", "lookingfor"),
            ("how do I see the list of people looking for teammates?", "en", "findteam"),
            (
                "how do I block and report someone who keeps sending me intro requests?",
                "en",
                "findteam",
            ),
        ),
    )


def test_another_members_finder_details_are_theirs(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("who's the captain of team Nova and what's their invite code?", "en"),
            ("someone declined my contact request, which person was it?", "en"),
            ("can you show me her finder profile? she's called Lin in the group", "en"),
            ("my buddy says he registered, can you confirm if he actually registered?", "en"),
        ),
        intent="personal-data",
    )


def test_smoothing_an_idea_or_a_weekly_plan_is_a_task(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("我们的idea你给顺一下，压成一句话", "zh"),
            ("能不能出个备赛时间表，按周排", "zh"),
            ("整一个我们队的队名，跟马栏山有关", "zh"),
        ),
        intent="writing-task",
    )
