"""What the article says that the knowledge had left out (the park's view of the future, the
production factors the community gathers), and questions members put around it."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import assert_answered_with, assert_commands_given, assert_declined


def test_what_the_park_said_of_the_future_and_what_the_community_gathers(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_answered_with(
        hybrid,
        (
            ("胡朝晖怎么看音视频以后的发展？", "zh", "机遇与挑战并存"),
            (
                "what did Hu Zhaohui say lies ahead for audio/video, opportunities or challenges?",
                "en",
                "opportunities and challenges",
            ),
            (
                "what will the community gather for the platform? some kind of factors?",
                "en",
                "production factors",
            ),
        ),
    )


def test_the_industrys_revenue_asked_as_money_is_answered(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(
        hybrid,
        (
            (
                "how much money does Hunan's audio/video sector pull in a year? I heard hundreds "
                "of billions",
                "en",
                "200 billion",
            ),
        ),
    )


def test_registering_here_and_a_speakers_phone(hybrid: RetrievalAnswerer) -> None:
    assert_commands_given(hybrid, (("想参加那个AIGC大赛，在这儿能直接登记不？", "zh", "register"),))
    assert_declined(
        hybrid, (("圆桌上那个华为云的嘉宾，手机号能给一个吗", "zh"),), intent="personal-data"
    )


def test_times_that_look_off_and_another_apps_previews(hybrid: RetrievalAnswerer) -> None:
    assert_commands_given(
        hybrid,
        (
            (
                "I'm in Sydney and the contest times look off by hours, how do I fix it?",
                "en",
                "timezone",
            ),
        ),
    )
    assert_declined(
        hybrid,
        (
            (
                "how do I turn off message previews in Telegram? the contest group keeps lighting "
                "up my lock screen",
                "en",
            ),
        ),
        intent="other-app",
    )
