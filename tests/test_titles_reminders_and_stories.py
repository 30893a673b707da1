"""A speaker called by surname and title ("蒋总"), reminders of the member's own errands beside
the contest's, and long messages whose story mentions writing or money but asks a fact."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import (
    NOW,
    assert_answered_with,
    assert_commands_given,
    assert_declined,
)


def test_a_speaker_by_surname_and_title_is_a_person(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("蒋总的微信多少，想加一下", "zh"),
            ("马栏山那位胡主任有没有微信？想问问实习", "zh"),
        ),
        intent=("personal-data", "private-contact"),
    )
    # 总 inside a word is no title: "周总结" is a weekly summary, "总是" always.
    for question in ("大赛每周总结会发在哪", "蒋涛总是讲开源吗"):
        answer = hybrid.answer(question, "zh", "UTC", NOW)
        assert answer.intent not in ("personal-data", "private-contact"), (question, answer.text)


def test_reminders_of_the_members_own_errands_are_not_the_contests(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("后天上午十点要去体检，你到时候提醒我一下", "zh"),
            ("could you remind my daughter every morning to take her meds?", "en"),
        ),
        intent="other-reminder",
    )
    assert_commands_given(
        hybrid,
        (
            ("我记性差，比赛截止快到了能提前戳我一下吗", "zh", "subscribe"),
            ("明天有公告的话到时候提醒我一下", "zh", "subscribe"),
        ),
    )


def test_another_contests_dates_and_the_reason_for_programmers_day(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("蓝桥杯今年几号开始报名？", "zh"),
            ("一直好奇为啥程序员节偏偏是10月24号", "zh"),
        ),
        intent="unrelated",
    )
    answer = hybrid.answer("参加过蓝桥杯的作品还能报名这个大赛吗", "zh", "UTC", NOW)
    assert answer.intent != "unrelated", answer.text


def test_a_story_about_writing_that_asks_a_fact_is_answered(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(
        hybrid,
        (
            (
                "我在学校新媒体中心，最近在写一篇介绍湖南音视频产业的推文。听说启动会上提到"
                "湖南有个出名的文化品牌叫“什么湘军”，具体是哪四个字？",
                "zh",
                "湘军",
            ),
            (
                "德国的合作方问，如果进了决赛，要几月份、挂在哪个活动上飞过来，他们得提前批出差"
                "预算。决赛是几月在哪办来着？",
                "zh",
                "10月",
            ),
        ),
    )
    assert_declined(
        hybrid,
        (("老板让我给公司直播写个五分钟的开场稿，介绍这个大赛，你帮我写一下吧", "zh"),),
        intent="writing-task",
    )


def test_a_story_about_the_entry_before_registering_is_registering(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_commands_given(
        hybrid,
        (
            (
                "我们打算用AI生成一个三分钟的短片，分镜画了一半了。想先在你这儿把创意作品赛道的"
                "意向登记上，要怎么弄？",
                "zh",
                "register",
            ),
        ),
    )


def test_another_members_ticket_and_another_apps_notifications(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (("小王之前转人工问过一样的问题，你把主办方给小王的回复发我看看", "zh"),),
        intent="personal-data",
    )
    assert_declined(
        hybrid,
        (("Telegram里怎么把一个群的通知静音，但不退群？", "zh"),),
        intent="other-app",
    )


def test_compute_is_asked_as_the_infrastructure(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(hybrid, (("我们实验室想蹭点算力，社区能提供啥？", "zh", "云桌面"),))


def test_the_finals_a_parent_heard_of(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(
        hybrid,
        (
            (
                "my son won't stop talking about the finals of this competition - when is that "
                "happening? we may need to book flights",
                "en",
                "October",
            ),
        ),
    )
