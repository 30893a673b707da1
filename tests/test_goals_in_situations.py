"""Members describe what they want from the bot by the situation they are in, not by the
command: a lost message of tracks, a countdown, a calendar app, a step of /register they want to
skip, reminders at odd hours, one registration of two to drop. Each gets the command that does
it. Acting for a friend, errands and chat groups elsewhere are declined; a fact checked in
passing ("the kickoff was in Wuhan, yeah?") is answered with the right one."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import assert_answered_with, assert_commands_given, assert_declined


def test_a_goal_described_by_its_situation_gets_its_command(hybrid: RetrievalAnswerer) -> None:
    assert_commands_given(
        hybrid,
        (
            ("the tracks message with the buttons is gone, can I get it back?", "en", "tracks"),
            ("赛道列表那条消息找不到了，能再发一遍吗", "zh", "tracks"),
            ("can the bot show me a countdown for each contest date?", "en", "deadlines"),
            ("我想把比赛日期加到Outlook里", "zh", "calendar"),
            ("注册到一半问我队名，还没想好，能先跳过吗", "zh", "register"),
            ("how do I contact one of the people the bot shows as looking?", "en", "findteam"),
            ("我报了两个赛道，只想退一个，怎么弄", "zh", "withdraw"),
            ("reminders come at weird hours, how do I tell the bot where I am?", "en", "timezone"),
            ("第一次用这个机器人，它都能干嘛", "zh", "help"),
            ("主办方的公告老是私信推给我，能不接收吗", "zh", "unsubscribe"),
            ("公告私信推给我吧，我想收", "zh", "subscribe"),
            ("社区给参赛的人提供哪些基础设施？机器人里哪能看到", "zh", "resources"),
            ("cloud desktops on offer? how do I see them through the bot?", "en", "resources"),
            ("my teammate-finder thing has the wrong track, how do i redo it", "en", "lookingfor"),
            ("can I get my whole profile wiped from this bot for good?", "en", "forgetme"),
            ("签证的事想让主办方的人亲自回我，怎么弄", "zh", "human"),
        ),
    )  # fmt: skip


def test_the_register_answer_says_the_team_name_and_idea_can_be_skipped(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_answered_with(
        hybrid,
        (
            ("注册到一半问我队名，还没想好，能先跳过吗", "zh", "/skip"),
            ("the bot asked me for an idea while I was signing up, can I skip it?", "en", "/skip"),
        ),
    )


def test_acting_for_a_friend_errands_and_other_apps_are_declined(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid, (("please withdraw my friend Tom from the tech track, he asked me to", "en"),)
    )
    assert_declined(hybrid, (("提醒我今晚八点去取快递", "zh"),), intent="other-reminder")
    assert_declined(hybrid, (("帮我在微信里建个群，把队友拉进来", "zh"),), intent="unrelated")


def test_a_fact_checked_in_passing_is_answered(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(
        hybrid,
        (
            ("so the kickoff was in Wuhan, yeah?", "en", "Changsha"),
            ("is the final on some programmer holiday?", "en", "1024"),
        ),
    )
