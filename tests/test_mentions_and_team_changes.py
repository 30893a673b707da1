"""A mention typed by hand ("@机器人 …", "@bot …") is not part of the question."""

from __future__ import annotations

from bot.knowledge.address import without_address
from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import NOW, assert_answered_with


def test_a_mention_of_the_bot_or_a_leading_handle_is_taken_out() -> None:
    assert without_address("@机器人 决赛在哪") == "决赛在哪"
    assert without_address("主办方有谁 @机器人 列一下") == "主办方有谁 列一下"
    assert without_address("@bot问一下决赛在哪") == "问一下决赛在哪"
    assert without_address("@community_bot, when is the final?") == "when is the final?"
    # Someone asked about is the question: a handle in the middle, a Chinese name.
    assert without_address("what's @alice's phone number") == "what's @alice's phone number"
    assert without_address("@小王 的微信是多少") == "@小王 的微信是多少"
    # A mention alone stays what it is.
    assert without_address("@bot") == "@bot"


def test_a_question_after_a_typed_mention_is_answered_as_asked(hybrid: RetrievalAnswerer) -> None:
    """Left in, "机器人" drew "how many tracks" to what members ask about their own registration."""
    assert_answered_with(
        hybrid,
        (
            ("@机器人 这个比赛总共有几个赛道", "zh", "3"),
            ("@机器人 启动会是哪天来着 我记得是五月", "zh", "4月29日"),
            ("@bot how many tracks does the contest have", "en", "3"),
        ),
    )


def test_the_vector_computed_beforehand_reads_the_question_as_the_answerer_does(
    hybrid: RetrievalAnswerer,
) -> None:
    """The bot embeds off the event loop and passes the vector in: it must be the same answer."""
    question = "@机器人 这个比赛总共有几个赛道"
    vector = hybrid.index.embed(question)
    given = hybrid.answer(question, "zh", "UTC", NOW, vector=vector)
    assert given == hybrid.answer(question, "zh", "UTC", NOW)
    assert given.known and "3" in given.text
