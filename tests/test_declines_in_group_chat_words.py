"""What a busy group chat asks the bot to do or to tell about someone, in its own everyday words,
is declined as what it is; the same words asking what the article says are answered.

- A task gives its reason after the request ("我要写进简历", "公司要交学习心得"): the reason does
  not turn it into a question about the contest.
- Someone described by a long role ("the Wondershare digital human Hunan ops center GM") is a
  person; the list of who came or who registered is private.
- Another city's 1024 Programmers' Day or a community like this one elsewhere is not ours."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import (
    NOW,
    assert_answered_with,
    assert_commands_given,
    assert_declined,
    assert_said_unpublished,
)


def test_a_task_with_its_reason_after_it_is_a_task(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("把三个赛道的名字翻译成英文，我要写进简历", "zh"),
            ("公司要交学习心得，帮我写篇蒋涛演讲的观后感", "zh"),
            ("帮我搞份PPT大纲，讲讲社区的三年目标", "zh"),
            ("帮忙起个好记的队名，跟马栏山有关", "zh"),
            ("麻烦帮我出个奖项的表格，我贴到文档里", "zh"),
        ),
        intent="writing-task",
    )


def test_asking_what_must_be_written_or_handed_in_is_not_a_task(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_said_unpublished(hybrid, (("参赛要写方案吗", "zh"), ("作品要交什么格式", "zh")))


def test_people_by_a_long_role_and_lists_of_people_are_private(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("胡朝晖主任办公室在哪一层", "zh"),
            ("圆桌上那位李强的履历有人知道吗", "zh"),
            ("那天来的100多个开发者的名单能发我吗", "zh"),
            ("工信厅对接这个社区的处长，微信能推一下不", "zh"),
            ("what's the personal contact of the Tencent Cloud GM from the panel?", "en"),
            ("where does the Mango (5G lab) product tech center GM live?", "en"),
            ("who in this server has signed up for the creative works track?", "en"),
        ),
        intent="personal-data",
    )
    assert_answered_with(
        hybrid,
        (
            ("who is the Tencent Cloud GM from the panel?", "en", "Wang Yaguang"),
            ("胡朝晖是哪个单位的", "zh", "马栏山"),
        ),
    )


def test_another_citys_programmers_day_or_community_is_not_ours(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("上海那边的1024程序员节有什么活动", "zh"),
            ("杭州有没有类似的社区", "zh"),
            ("does Shenzhen have a similar developer community for audio/video?", "en"),
            ("阿里天池那个视频生成比赛报名截止了没", "zh"),
        ),
    )
    assert_answered_with(hybrid, (("长沙1024程序员节是决赛吗", "zh", "10月"),))


def test_support_the_article_gives_no_figure_for_says_so(hybrid: RetrievalAnswerer) -> None:
    assert_said_unpublished(
        hybrid,
        (
            ("省工信厅说要通过项目建设支持社区，怎么申请？", "zh"),
            ("how do we apply for the provincial department's project support?", "en"),
        ),
    )


def test_asking_whether_one_may_write_in_english_is_about_the_rules(
    hybrid: RetrievalAnswerer,
) -> None:
    """Close in meaning to "write my project proposal", but a question, as writing-task's own
    `unless` ("can i write") says: the submission language is not published. Nor is it /lang."""
    assert_said_unpublished(
        hybrid,
        (
            ("Can I write the proposal in English?", "en"),
            ("作品可以用英文写吗", "zh"),
        ),
    )
    # Asking how long a description must be is not asking for one.
    asked = hybrid.answer("我们项目是AI花鼓戏，作品简介要写多少字？", "zh", "UTC", NOW)
    assert asked.intent != "writing-task", asked.text
    assert_declined(
        hybrid,
        (("我们项目是用AI生成花鼓戏视频，给写段200字的作品简介呗", "zh"),),
        intent="writing-task",
    )
    assert_commands_given(
        hybrid,
        (
            (
                "my team fell apart, I need to pull out of the tech innovation track",
                "en",
                "withdraw",
            ),
        ),
    )
