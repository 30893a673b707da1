"""A question that quotes a fact from the article and then asks for something else is judged by
what it asks: a summary cut to a size is a task, another province's figures are not in the
report, an unnamed person's phone is private, a company's own product is the company's. The
same words asking what the article states are answered."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import assert_answered_with, assert_declined, assert_said_unpublished


def test_a_summary_cut_to_a_size_is_a_task(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("启动会的事你帮我总结成三句话，我发朋友圈用", "zh"),
            ("sum up the keynote in 3 bullet points for my team", "en"),
            ("i was away, can you summarize the whole launch for me in english", "en"),
        ),
        intent="writing-task",
    )


def test_asking_for_a_summary_of_what_the_bot_knows_is_answered(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_answered_with(
        hybrid,
        (
            ("can you summarize the three tracks?", "en", "AIGC Creative Works"),
            ("简单概括下三个赛道", "zh", "AIGC创意作品"),
        ),
    )


def test_other_provinces_figures_are_declined_and_hunans_answered(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("湖南音视频产业营收2000亿，江苏是多少？", "zh"),
            ("ok and how does Hunan compare with Sichuan?", "en"),
        ),
        intent="other-region",
    )
    assert_answered_with(
        hybrid,
        (
            ("湖南2023年音视频产业营收多少", "zh", "2000亿"),
            ("what was hunan's audio/video revenue in 2023?", "en", "200 billion"),
        ),
    )


def test_unnamed_and_named_peoples_private_details_are_declined(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("which track did she register for? she's in my team", "en"),
            ("phone number for Jiang Tao please", "en"),
            ("CSDN负责社区的对接人手机号有吗", "zh"),
            ("圆桌上的吴红总，结婚没", "zh"),
            ("can you check if my friend li ming has already joined?", "en"),
        ),
        intent=("personal-data", "private-contact"),
    )


def test_a_companys_own_product_is_declined(hybrid: RetrievalAnswerer) -> None:
    assert_declined(hybrid, (("CSDN的付费专栏怎么开通", "zh"),), intent="product-price")


def test_what_the_report_leaves_out_of_a_section_is_said(hybrid: RetrievalAnswerer) -> None:
    assert_said_unpublished(
        hybrid, (("when and where is the first summit?", "en"), ("第一场峰会在哪开", "zh"))
    )


def test_titles_and_names_a_member_checks_are_in_the_answer(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(
        hybrid,
        (
            ("what's the community called in Chinese?", "en", "全球音视频开发者与创作者社区"),
            ("whats hu's title", "en", "deputy director"),
            ("did Xiong Chen give a speech at the launch?", "en", "speech"),
        ),
    )


def test_chinese_tasks_in_everyday_verbs_are_declined(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("给我们队出一版海报文字，主题是AIGC创意作品赛道", "zh"),
            ("决赛在10月，帮我列个复习计划", "zh"),
            ("把三个赛道的名字做成表格", "zh"),
            ("来段顺口溜夸夸马栏山", "zh"),
            ("帮我搞个群公告，说大赛5月启动", "zh"),
        ),
        intent="writing-task",
    )
    assert_answered_with(hybrid, (("我自己做PPT，主办单位是哪几家", "zh", "CSDN"),))


def test_socials_and_handles_of_someone_described_by_role_are_declined(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (
            ("Is the Huawei Cloud guy from the panel on LinkedIn?", "en"),
            ("what's the telegram handle of the CSDN CEO", "en"),
            ("我队友小王在哪个城市", "zh"),
        ),
        intent=("personal-data", "private-contact"),
    )


def test_a_sports_result_is_declined_though_it_asks_who_won(hybrid: RetrievalAnswerer) -> None:
    assert_declined(hybrid, (("who won the NBA finals", "en"),), intent="unrelated")


def test_the_contests_overview_says_which_rules_are_not_published(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_said_unpublished(
        hybrid,
        (
            ("max team size for the 全球音视频开发者与创作者大赛? can i do it solo", "en"),
            ("全球音视频开发者与创作者大赛的评审标准是啥", "zh"),
        ),
    )
