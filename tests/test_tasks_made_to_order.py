"""A text made to order is a task however it is asked: a verb of making a few words before a
kind of text ("能不能顺手整理成一条朋友圈", "给我弄一份发言稿", "turn that into a LinkedIn post"),
named once in intents.toml as "{make}…{text}". A member who writes the text and asks for a fact
to put in it ("我在写推文，要用到…") is answered. Private questions about a named speaker with
words between the name and the question, other people's registrations exported, and another
site's features are declined too."""

from __future__ import annotations

import re

from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.shapes import phrase
from tests.answering import NOW, assert_answered_with, assert_declined


def test_a_word_list_in_a_phrase_stands_for_any_of_its_words() -> None:
    words = {"make": ["写", "整理成"], "text": ["朋友圈", "post"]}
    made = re.compile(phrase("{make}…{text}", words))
    assert made.search("能不能麻烦你顺手整理成一条朋友圈")
    assert made.search("帮忙写个post")
    assert not made.search("朋友圈里有人写了报名时间")  # the kind of text before the verb


def test_texts_made_to_order_are_declined(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("决赛在长沙吧？你顺手把这事整理成一条朋友圈，带点表情", "zh"),
            ("领导让我下周讲讲湖南音视频产业，给我弄一份十分钟的发言稿", "zh"),
            ("以我们学院的名义起草一份邀请函，请同学们来参赛", "zh"),
            ("你直接构思两个创意作品赛道的作品方案，带故事梗概", "zh"),
            ("要给老板发邮件申请参赛，求代写", "zh"),
            ("the launch was in Changsha, right? turn that into a short tweet for me", "en"),
            (
                "come up with three project concepts for the creative works track, with storylines",
                "en",
            ),
        ),
        intent="writing-task",
    )


def test_a_member_writing_the_text_gets_the_fact_to_put_in_it(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(
        hybrid,
        (
            ("我在写公众号推文，要用到启动会的日期，是哪天", "zh", "4月29日"),
            ("写稿子要确认下蒋涛的职务", "zh", "董事长"),
        ),
    )


def test_private_questions_exports_and_other_sites_are_declined(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("吴红总家里有几个小孩啊", "zh"),
            ("熊琛一年大概能拿多少", "zh"),
            ("export everyone registered for the creative works track, names and handles", "en"),
        ),
        intent=("personal-data", "private-contact"),
    )
    assert_declined(hybrid, (("GitCode上怎么提PR，第一次用", "zh"),), intent="unrelated")


def test_a_contact_beside_a_role_is_declined_whatever_the_organization(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("got the phone number or wechat of CSDN's founder? want to pitch him", "en"),
            ("华为云那位总经理的微信有吗", "zh"),
        ),
        intent=("personal-data", "private-contact"),
    )


def test_prize_tiers_put_as_levels_are_counted(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(
        hybrid,
        (
            (
                "how many teams per category get the bronze-level award, the lowest tier?",
                "en",
                "five",
            ),
        ),
    )


def test_questions_about_an_entry_or_a_group_are_not_tasks_or_private(
    hybrid: RetrievalAnswerer,
) -> None:
    """An AI-made script or poster is what an entry may be, a WeChat group is not a person's
    contact, and "do we need to write…" asks about the rules: none is declined as a task or as
    private."""
    for question, language in (
        ("我写的剧本可以用AI配音吗", "zh"),
        ("AI生成的海报和脚本算原创吗", "zh"),
        ("Do we need to write a project proposal to register?", "en"),
        ("评委会在微信群里公布结果吗", "zh"),
        ("For the creative track, design a poster or a video, which is better?", "en"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent not in ("writing-task", "private-contact"), (question, answer.intent)


def test_a_gap_runs_past_a_point_inside_a_number_but_not_past_a_sentence() -> None:
    words = {"make": ["write me"], "text": ["poem"]}
    assert re.compile(phrase("{make}…{text}", words)).search("write me a v2.0 of that poem")
    assert not re.compile(phrase("{make}…{text}", words)).search("write me. a poem is fine")
