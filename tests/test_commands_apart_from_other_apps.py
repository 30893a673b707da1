"""Commands told apart by what the member wants to happen, and another app's settings told
apart from the bot's: "微信怎么把语言改成英文" is WeChat's setting, not /lang."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import assert_commands_given, assert_declined, assert_said_unpublished


def test_another_apps_settings_are_not_the_bots(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("微信怎么把语言改成英文啊？", "zh"),
            ("飞书的时区在哪里设置？", "zh"),
            ("Outlook里订阅了日历以后，怎么改日历的颜色？", "zh"),
            ("How do I change the timezone on my iPhone?", "en"),
            ("my Google Calendar keeps duplicating events from my work account, how to fix?", "en"),
        ),
        intent="other-app",
    )
    assert_commands_given(
        hybrid,
        (
            ("我用iPhone，怎么把机器人改成英文", "zh", "lang"),
            ("iPhone上比赛提醒的时间不对，怎么改", "zh", "timezone"),
            ("how do I add the contest dates to Outlook?", "en", "calendar"),
        ),
    )


def test_what_the_member_wants_to_happen_picks_the_command(hybrid: RetrievalAnswerer) -> None:
    assert_commands_given(
        hybrid,
        (
            ("队长这边，有个队员退出了但他自己不操作，我怎么把他从队里移出去", "zh", "team"),
            ("I'm captain, can I rename our team in the bot?", "en", "team"),
            ("我一个人参赛，想直接登记参加AIGC应用创新，用哪个命令", "zh", "register"),
            (
                "I'm halfway through registering and it wants a team name, can I skip that bit?",
                "en",
                "register",
            ),
            ("公告的私聊推送能关吗", "zh", "unsubscribe"),
            ("能把我的问题转给工作人员吗", "zh", "human"),
            ("前天转给工作人员的问题，到现在没人回，去哪看进度", "zh", "mytickets"),
            ("我交给工作人员的几个问题，哪些已经答复了", "zh", "mytickets"),
            (
                "I want to cancel my registration for the creative track but don't want to "
                "wipe my profile",
                "en",
                "withdraw",
            ),
        ),
    )


def test_acting_for_someone_else_or_asking_who_registered_is_private(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("把我同学也报进技术创新赛道吧", "zh"),
            ("我室友想删掉他在bot上的数据，你帮他删一下", "zh"),
            ("who has registered for the creative works track so far?", "en"),
        ),
        intent="personal-data",
    )


def test_a_prize_pool_heard_of_or_a_platforms_quota_is_not_published(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(hybrid, (("I heard the prize pool is 500k RMB, true?", "en"),))
    assert_said_unpublished(
        hybrid,
        (
            ("how many hours a month can we use the digital humans?", "en"),
            ("虚拟数字人平台每个月能用多久，有配额吗", "zh"),
        ),
    )
