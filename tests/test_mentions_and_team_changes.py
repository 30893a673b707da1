"""A mention typed by hand ("@机器人 …", "@bot …") is not part of the question. Another company's
own contest is not this one. What members describe in their own words gets its command: a captain
changing the team, announcements in a private chat, the resources as a list, a handed-over
question's reply, a team that lacks a role, the time left in one's own time."""

from __future__ import annotations

import numpy as np

from bot.core.app import Core
from bot.knowledge.address import as_read, without_address
from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import NOW, assert_answered_with, assert_commands_given, assert_declined
from tests.conftest import Member


def test_a_mention_of_the_bot_or_a_leading_handle_is_taken_out() -> None:
    assert without_address("@机器人 决赛在哪") == "决赛在哪"
    assert without_address("＠机器人 决赛在哪") == "决赛在哪"  # a Chinese keyboard's ＠
    assert without_address("主办方有谁 @机器人 列一下") == "主办方有谁 列一下"
    assert without_address("@bot问一下决赛在哪") == "问一下决赛在哪"
    assert without_address("@community_bot, when is the final?") == "when is the final?"
    # Someone asked about is the question: a handle in the middle or asked about, a Chinese
    # name, an email address.
    for kept in (
        "what's @alice's phone number",
        "what's @bot's phone number",
        "@alice 的微信是多少",
        "@小王 的微信是多少",
        "is contact@bot.org the official email?",
    ):
        assert without_address(kept) == kept
    # Two questions on two lines stay two.
    assert without_address("@机器人 几个赛道\n\n决赛在哪") == "几个赛道\n\n决赛在哪"
    # A mention alone stays what it is.
    assert without_address("@bot") == "@bot"


def test_a_question_is_read_the_same_however_often_it_is_read() -> None:
    """The answerer reads it, then the search and the embedding read what the answerer read."""
    for message in ("@bot, @alice hi how many tracks", "@机器人 ＠bot 决赛在哪", " , @bot x"):
        once = as_read(message)
        assert as_read(once) == once, message


def test_a_question_after_a_typed_mention_is_answered_as_asked(hybrid: RetrievalAnswerer) -> None:
    """Left in, "机器人" drew "how many tracks" to what members ask about their own registration."""
    assert_answered_with(
        hybrid,
        (
            ("@机器人 这个比赛总共有几个赛道", "zh", "AIGC创意作品"),
            ("@机器人 启动会是哪天来着 我记得是五月", "zh", "4月29日"),
            ("@bot how many tracks does the contest have", "en", "AIGC Creative Works"),
        ),
    )


def test_the_vector_computed_beforehand_reads_the_question_as_the_answerer_does(
    hybrid: RetrievalAnswerer,
) -> None:
    """The bot embeds off the event loop and passes the vector in: the same vector, the same
    sections found, the same answer."""
    question = "@机器人 这个比赛总共有几个赛道"
    vector = hybrid.index.embed(question)
    assert np.array_equal(vector, hybrid.index.embed("这个比赛总共有几个赛道"))
    given = hybrid.answer(question, "zh", "UTC", NOW, vector=vector)
    alone = hybrid.answer(question, "zh", "UTC", NOW)
    assert given == alone and given.hits == alone.hits
    assert given.known and "AIGC创意作品" in given.text


async def test_a_mention_alone_is_asked_for_the_question(core: Core) -> None:
    """Not answered as a question the bot cannot answer: it asks for the question."""
    [reply] = await Member(core).says("@机器人")
    assert "Write your question here" in reply.text and not reply.buttons


def test_another_companys_own_contest_is_declined(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("腾讯的开发者大赛什么时候开始报名", "zh"),
            ("does Huawei's developer contest have an AIGC track too?", "en"),
        ),
        intent="company-contest",
    )
    # …but a company taking part in this contest is a question about this one.
    answer = hybrid.answer("华为云也参与这个大赛吗", "zh", "UTC", NOW)
    assert answer.intent != "company-contest", answer.text


def test_a_named_persons_pay_in_chinese_is_declined(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid, (("蒋涛一年能拿多少钱", "zh"), ("胡朝晖身价多少", "zh")), intent="personal-data"
    )


def test_commands_described_in_members_own_words(hybrid: RetrievalAnswerer) -> None:
    assert_commands_given(
        hybrid,
        (
            ("我是队长，想把一个不干活的踢出队伍", "zh", "team"),
            ("how do I kick someone from my team? I'm the captain", "en", "team"),
            ("公告能私聊推给我吗，群里看不过来", "zh", "subscribe"),
            ("社区的资源有没有清单，调出来看看", "zh", "resources"),
            ("did the organizers ever reply to what I asked them?", "en", "mytickets"),
            ("有没有缺设计的队伍 帮我找找", "zh", "findteam"),
            ("any teams with space on their team for a sound guy?", "en", "findteam"),
        ),
    )


def test_the_team_answer_tells_a_captain_how_to_change_the_team(
    hybrid: RetrievalAnswerer,
) -> None:
    for question, language in (("队长怎么换队友", "zh"), ("how do I kick a member", "en")):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert "/team remove" in answer.text and "/team captain" in answer.text, answer.text


def test_the_time_left_to_each_date_is_answered_with_the_dates(hybrid: RetrievalAnswerer) -> None:
    """The dates, in the member's zone with the time left, and the button to see them again."""
    for question, language in (
        ("各个截止还剩几天 能按我这边时间算一下吗", "zh"),
        ("when is everything due in my local time, and how long is left?", "en"),
        ("what's due when in my own time and how many days remain", "en"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.known and answer.command == "deadlines", (question, answer.text)
        assert "10" in answer.text, answer.text  # the final's month, from contest.toml
