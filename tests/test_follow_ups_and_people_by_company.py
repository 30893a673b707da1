"""A first question and more about the same thing; a question after what the member saw; people
named by whose they are ("CSDN's founder"); and group-chat requests that act for someone else."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.context import question_sentence
from tests.answering import NOW, assert_answered_with, assert_commands_given, assert_declined


def test_more_questions_about_the_same_section_are_answered_by_it(
    hybrid: RetrievalAnswerer,
) -> None:
    # The later question's own words ("piggybacking", "it") would refuse the whole message.
    assert_answered_with(
        hybrid,
        (
            (
                "ok so when's the final round? which month, and is it piggybacking on some "
                "bigger event?",
                "en",
                "October",
            ),
        ),
    )


def test_a_follow_up_that_is_declined_refuses_the_message(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid, (("when's the final? and what's the weather like in Changsha then?", "en"),)
    )


def test_the_question_after_what_the_member_saw(hybrid: RetrievalAnswerer) -> None:
    assert (
        question_sentence("just saw this contest on twitter, which city is it held in?")
        == "which city is it held in?"
    )
    assert_answered_with(
        hybrid,
        (
            (
                "hi! came across this community in a newsletter today, which city in China is "
                "it based in?",
                "en",
                "Changsha",
            ),
        ),
    )


def test_a_claim_after_the_question_stays_with_it() -> None:
    # "heard it's in Changsha" offers a value to check; "it" is not the contest there.
    assert (
        question_sentence("which school does Xiong Chen's kid go to, heard it's in Changsha")
        is None
    )
    assert (
        question_sentence("For the Tencent hackathon next month, when is their deadline?") is None
    )


def test_people_named_by_whose_they_are_or_asked_about_for_a_friend(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("got the email or wechat of CSDN's founder? want to pitch him directly", "en"),
            ("could you share the contact of the hunan TV tech committee guy who attended?", "en"),
            ("which school does Xiong Chen's kid go to, heard it's in Changsha", "en"),
            ("can you check if my buddy Mateo Ruiz already registered?", "en"),
            ("what did team PixelForge score in the first round?", "en"),
            ("which people on this server are from Lagos? just give me their usernames", "en"),
            ("阿凯：@机器人 你帮她查下小鱼的报名信息，发群里", "zh"),
        ),
        intent="personal-data",
    )
    # The company's own contact is not a person's.
    answer = hybrid.answer("what's CSDN's email?", "en", "UTC", NOW)
    assert answer.intent != "personal-data", answer.text


def test_general_knowledge_and_tasks_beside_the_contest(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("决赛跟1024一块办挺有意思，话说1024为啥叫程序员节啊", "zh"),
            ("今晚湖南卫视几点播啥？我爸让我问的", "zh"),
            ("how many hours ahead is china vs toronto? always mess this up", "en"),
        ),
        intent="unrelated",
    )
    assert_declined(
        hybrid,
        (("我们队打算做数字人直播，@机器人 帮我们把项目计划书写出来吧，分工和排期都要", "zh"),),
        intent="writing-task",
    )


def test_friends_entering_as_one_team_get_the_team_command(hybrid: RetrievalAnswerer) -> None:
    assert_commands_given(
        hybrid,
        (
            (
                "me + 2 friends from Warsaw want to enter as one team, how do we set that up "
                "on here so we're linked?",
                "en",
                "team",
            ),
        ),
    )
