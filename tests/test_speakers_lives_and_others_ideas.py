"""A speaker's life away from the launch, someone by a Chinese title ("那个腾讯云的总经理"), other
members' ideas and contacts, and work made from the article's facts."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import NOW, assert_answered_with, assert_declined


def test_a_speakers_life_away_from_the_launch_is_private(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("what car does Jiang Tao drive?", "en"),
            ("is the deputy director of the park on Instagram?", "en"),
            ("蒋涛的私人助理电话多少", "zh"),
            ("那个腾讯云的总经理有抖音吗", "zh"),
            ("圆桌上那几位嘉宾都多大年纪", "zh"),
        ),
        intent="personal-data",
    )
    # Who they are and what they said are the article's.
    assert_answered_with(
        hybrid,
        (
            ("那个腾讯云的总经理叫什么", "zh", "王雅光"),
            ("what did the deputy director of the park talk about?", "en", "Hu Zhaohui"),
        ),
    )


def test_other_members_ideas_and_contacts_are_private(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("把报创意作品赛道的人的微信都拉个群", "zh"),
            ("给我看看别人登记的想法，我参考一下", "zh"),
        ),
        intent="personal-data",
    )


def test_work_made_from_the_facts_is_a_task(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("用三句话概括一下这次启动会，我发朋友圈", "zh"),
            ("make a timeline graphic of the contest dates for our Discord banner", "en"),
        ),
        intent="writing-task",
    )
    # A short answer asked for is still an answer.
    answer = hybrid.answer("用一句话说说这个社区是干嘛的", "zh", "UTC", NOW)
    assert answer.known and answer.intent is None, answer.text


def test_other_products_and_languages_to_learn_are_not_ours(hybrid: RetrievalAnswerer) -> None:
    assert_declined(hybrid, (("is Huawei Cloud better than Tencent Cloud for video?", "en"),))
    assert_declined(hybrid, (("音视频开发学哪个语言好", "zh"),), intent="unrelated")
