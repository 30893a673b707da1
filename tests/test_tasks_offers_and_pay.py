"""Requests that only look like questions are declined: a task put as "make…" or "写段文案", another
company's free offers ("学生机", "free credits"), a named person's pay however it is put. The
commands members describe (whose reply to a handed-over question, which tracks I registered, being
captain, all the dates in my own time) get their command."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import assert_commands_given, assert_declined


def test_tasks_put_as_make_or_as_copywriting_are_declined(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("make essay about the Malanshan park for my homework, 300 words", "en"),
            ("could you make a slogan for the AIGC creative works track", "en"),
            ("need a slogan for our team, we enter the technical innovation track", "en"),
            ("帮忙给马栏山写段宣传文案，发朋友圈用", "zh"),
            ("给我们社区写个文案呗 要有长沙特色", "zh"),
        ),
        intent="writing-task",
    )


def test_another_companys_free_offers_are_declined(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("腾讯云学生机怎么领", "zh"),
            ("华为云有没有学生优惠，想白嫖一台服务器", "zh"),
            ("does huawei cloud give free credits to students?", "en"),
        ),
        intent="product-price",
    )


def test_a_named_persons_pay_is_declined_however_it_is_put(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("what's the salary of Jiang Tao at CSDN", "en"),
            ("just curious how much Hu Zhaohui makes a year", "en"),
            ("how much salary does He Jun get", "en"),
        ),
        intent="personal-data",
    )


def test_commands_members_describe_in_their_own_words(hybrid: RetrievalAnswerer) -> None:
    assert_commands_given(
        hybrid,
        (
            ("where can I see their reply to what I sent the organizers?", "en", "mytickets"),
            ("上次转人工问的那个，人家回了没", "zh", "mytickets"),
            ("can the bot show which tracks I already registered?", "en", "myregistrations"),
            ("我们几个想组队，我来当队长，怎么弄", "zh", "team"),
            ("I'd like to be the captain of a new team, how", "en", "team"),
            ("I'm in Lima, how do I see all the dates in my own time?", "en", "deadlines"),
        ),
    )


def test_a_newcomer_who_says_who_they_are_first_is_shown_how_to_register(
    hybrid: RetrievalAnswerer,
) -> None:
    """Who they are comes first, then the wish to take part: not a question about someone."""
    assert_commands_given(
        hybrid,
        (
            (
                "3D artist from Manila here, found out about the contest today, keen to join. how?",
                "en",
                "register",
            ),
            # (Chinese said so before the English did: 怎么报名 is the intent's own words.)
            ("我是湖南大学的研一学生，也想报名参加这个大赛，该怎么操作", "zh", "register"),
            # …but a skill wanted for a team is /findteam.
            ("frontend dev here, looking for a sound designer to team up with", "en", "findteam"),
        ),
    )
