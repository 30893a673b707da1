"""A message that asks two or three things one after another gets each answered, in the order
asked ("how many third prizes per track? and when's the final?"); a later question that points
back at an earlier one is not asked alone."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.context import separate_questions
from tests.answering import NOW


def test_questions_asked_one_after_another_are_set_apart() -> None:
    assert separate_questions("how many tracks are there? who organized the launch?") == [
        "how many tracks are there?",
        "who organized the launch?",
    ]
    assert separate_questions(
        "two things: (1) hunan AV revenue (2) when does the contest start"
    ) == [
        "hunan AV revenue",
        "when does the contest start",
    ]
    assert separate_questions("一等奖几个？决赛在哪？") == ["一等奖几个？", "决赛在哪？"]
    # One question, a guess after it, or a question that points back: the whole is asked.
    assert separate_questions("when is the final?") == []
    assert separate_questions("when did it kick off? end of april or so?") == []
    assert separate_questions("who is Jiang Tao? what did he talk about?") == []
    assert separate_questions("蒋涛是谁？他讲了啥？") == []


def test_each_question_of_a_message_is_answered_in_the_order_asked(
    hybrid: RetrievalAnswerer,
) -> None:
    answer = hybrid.answer(
        "I was stuck in class during the kickoff. how many third prizes does each track get? "
        "and when's the final?",
        "en",
        "UTC",
        NOW,
    )
    assert answer.known and "five third prizes" in answer.text and "October" in answer.text
    assert [source.heading for source in answer.sources] == [
        "Contest prizes",
        "Contest dates and deadlines",
    ]
    answer = hybrid.answer("how many tracks are there? who organized the launch?", "en", "UTC", NOW)
    assert answer.text.index("AIGC Creative Works") < answer.text.index("CSDN"), answer.text
    answer = hybrid.answer("一等奖几个？决赛在哪？", "zh", "UTC", NOW)
    assert "一等奖 1 名" in answer.text and "长沙" in answer.text, answer.text


def test_a_message_refused_whole_stays_refused_unless_every_question_is_plain(
    hybrid: RetrievalAnswerer,
) -> None:
    answer = hybrid.answer(
        "what's the best pizza place in Changsha? and how many tracks are there?",
        "en",
        "UTC",
        NOW,
    )
    assert not answer.known and not answer.sources, answer.text
