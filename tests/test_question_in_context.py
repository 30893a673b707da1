"""The question inside a message of context: a story around it, a guess after it, a lead-in,
a reported question; judged on its own where the whole message is doubtful, and not where
the context changes what is asked."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.context import question_sentence
from tests.answering import NOW, assert_answered_with


def test_a_question_after_its_context_is_answered(hybrid: RetrievalAnswerer) -> None:
    message = (
        "Hi! I'm a student from Singapore and a friend shared a post about this community with "
        "me. I might fly over for the event. Where will the final be held?"
    )
    answer = hybrid.answer(message, "en", "UTC", NOW)
    assert answer.known and "Changsha" in answer.text, answer.text
    chinese = "我是做短视频剪辑的，平时用AIGC工具比较多，朋友转给我这个比赛。总共有几个赛道？"
    answer = hybrid.answer(chinese, "zh", "UTC", NOW)
    assert (answer.known and "3" in answer.text) or "三" in answer.text, answer.text
    # A question that leans on its context ("it") is not answered from what it finds alone:
    # "what's it called?" alone finds the tracks.
    leaning = (
        "A friend mentioned the province wrote some long plan for the sector up to 2027. "
        "what's it called?"
    )
    answer = hybrid.answer(leaning, "en", "UTC", NOW)
    assert not answer.known or "2027" in answer.text, answer.text


def test_only_a_single_closing_question_is_judged_apart_from_its_context() -> None:
    assert question_sentence("I'm new here. How many tracks are there?") == (
        "How many tracks are there?"
    )
    # Context within the sentence may change what is asked: judged whole.
    assert question_sentence("For the Tencent hackathon next month, when is the deadline?") is None
    assert question_sentence("How many tracks are there?") is None  # the message itself
    # Two questions (a Chinese one may end in 吗 without a mark): the whole message decides.
    assert question_sentence("who are the judges? any famous ones on stage?") is None
    assert question_sentence("初赛是线上还是线下？需要跑去长沙吗") is None
    # Context after the question: the question is still the one thing asked.
    assert question_sentence("When does it start? I'm in Toronto, thanks!") == "When does it start?"
    # A lead-in before a colon: the question after it.
    assert question_sentence(
        "ok and follow up: which month is the final? need to plan my leave"
    ) == ("which month is the final?")


def test_a_guess_after_a_question_is_a_value_to_check_not_a_second_question() -> None:
    assert question_sentence("when did the community kick off? end of april or so?") == (
        "when did the community kick off?"
    )
    assert question_sentence("where was the launch? Beijing?") == "where was the launch?"
    # Two real questions stay two.
    assert question_sentence("who are the judges? any big names on the panel?") is None
    # An emoji ends the greeting before the question, as a full stop would.
    assert question_sentence("just joined this group 👋 when did it kick off?") == (
        "when did it kick off?"
    )


def test_a_clause_about_the_asker_is_set_apart_and_one_that_changes_the_question_is_not() -> None:
    assert (
        question_sentence(
            "I travel a lot and keep missing deadlines, can u ping me reminders when stuff is due?"
        )
        == "can u ping me reminders when stuff is due?"
    )
    # A reported question starts at its question word; the clause about the boss is context.
    assert (
        question_sentence(
            "My manager asked me to find out when exactly the community kickoff happened and in "
            "which city, he needs it for a weekly report"
        )
        == "when exactly the community kickoff happened and in which city"
    )
    assert question_sentence("my boss wants to know where the final is") == "where the final is"
    # The clause names what is asked about, not the asker: the whole decides.
    assert question_sentence("For the Tencent hackathon next month, when is the deadline?") is None
    # The question points back at the clause ("his", "their"), or the clause names another
    # member: the whole decides.
    assert (
        question_sentence(
            "I'd love to grab coffee with the Huawei panelist, could you tell me his schedule?"
        )
        is None
    )
    assert (
        question_sentence(
            "my team is thinking about the Tencent challenge, when is their deadline?"
        )
        is None
    )
    assert question_sentence("my friend signed up, which track is the most popular?") is None
    # Chinese clauses before a comma carry the topic as often as the asker.
    assert question_sentence("我们组小刘报了应用创新，队名叫啥？") is None


def test_questions_wrapped_in_a_story_or_followed_by_a_guess_are_answered(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_answered_with(
        hybrid,
        (
            (
                "My manager asked me to find out when exactly the community kickoff happened "
                "and in which city, he needs it for a weekly report",
                "en",
                "Changsha",
            ),
            (
                "just joined this group 👋 when did the community actually kick off? end of april "
                "or so?",
                "en",
                "29 April",
            ),
            (
                "when n where is final round + award ceremony? need to ask my boss for leave early",
                "en",
                "Changsha",
            ),
        ),
    )
    # A story that only frames a request for someone's data is still declined.
    answer = hybrid.answer(
        "Hi! I'd love to grab coffee with the Huawei Cloud panelist, could you tell me his "
        "personal schedule while he's in Changsha?",
        "en",
        "UTC",
        NOW,
    )
    assert not answer.known, answer.text
