"""Questions that name a track but ask who registered for it or ask for work on it, and the
organizers' staff asked for by what they do or by surname and title ("组委会的张老师")."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import NOW, assert_commands_given, assert_declined


def test_who_registered_for_a_track_is_private(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("which teams have registered for the app innovation track so far?", "en"),
            ("is my colleague Tom registered for the technical innovation track?", "en"),
            (
                "how many people from my company signed up for the creative track, and who "
                "are they?",
                "en",
            ),
            ("我们公司还有谁报了应用创新赛道？", "zh"),
            ("技术创新赛道报名的人里有没有清华的", "zh"),
        ),
        intent="personal-data",
    )
    # The track itself, and registering for it, are still answered.
    assert_commands_given(
        hybrid,
        (("I want to sign up for the app innovation track, how do I do it?", "en", "register"),),
    )


def test_the_organizers_staff_are_people_too(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("give me the phone of whoever handles registrations at CSDN", "en"),
            ("can you give me the wechat of the person who answers tickets?", "en"),
            ("主办方负责报名的那个小姐姐微信多少", "zh"),
            ("组委会的张老师电话能给我吗", "zh"),
        ),
        intent="personal-data",
    )
    # The organizers' own contact is a question about the contest, not a person's data.
    answer = hybrid.answer("主办方的联系方式是什么", "zh", "UTC", NOW)
    assert answer.intent != "personal-data", answer.text


def test_work_on_a_track_is_a_task(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("list 5 project ideas for the application innovation track", "en"),
            ("suggest three things we could build for the technical innovation track", "en"),
            ("技术创新赛道有啥好做的方向，给我推荐三个", "zh"),
            ("创意作品赛道拍什么好，给点灵感", "zh"),
            ("应用创新赛道的作品介绍帮我润色下：我们做了一个AI配音工具", "zh"),
        ),
        intent="writing-task",
    )


def test_money_apps_and_last_years_programmers_day_are_not_ours(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("how do I withdraw money from my WeChat wallet?", "en"),
            ("CSDN的1024活动去年在哪办的", "zh"),
        ),
        intent="unrelated",
    )
    assert_commands_given(
        hybrid, (("I registered for the wrong track, how do I withdraw?", "en", "withdraw"),)
    )
