"""Sums of money the report does not give are said to be unpublished, never guessed, while the
one sum it gives is still answered; and questions that sit beside the article's own words (a
guest's home, the weather at the park, another city's 1024 festival) are declined."""

from __future__ import annotations

from bot.i18n import Language
from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.evaluation import INVENTED_FIGURE
from tests.answering import NOW, assert_answered_with, assert_declined, assert_said_unpublished

UNPUBLISHED_SUMS: tuple[tuple[str, Language], ...] = (
    ("省工信厅说要加大支持，那具体给社区砸了多少钱？", "zh"),
    ("一等奖奖金到底有多少？", "zh"),
    ("how much prize money does first place get?", "en"),
    ("what's the budget for the community?", "en"),
)


def test_a_sum_the_report_does_not_give_is_unpublished_and_no_figure_is_invented(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_said_unpublished(hybrid, UNPUBLISHED_SUMS)
    for question, language in UNPUBLISHED_SUMS:
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert not INVENTED_FIGURE.search(answer.text), (question, answer.text)


def test_the_industrys_revenue_is_still_answered_and_a_travel_budget_is_not_a_sum_asked(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_answered_with(
        hybrid,
        (
            ("2023年湖南音视频产业营收多少钱？", "zh", "2000亿"),
            ("how much money did Hunan's audio/video industry make in 2023?", "en", "200 billion"),
            (
                "Where and when will the finals and award ceremony take place? Need to know if "
                "I should budget a trip to China this fall.",
                "en",
                "Changsha",
            ),
            ("基础设施这块会给开发者提供哪些平台？我们团队没预算买服务器", "zh", "云桌面"),
            ("is the final at the 1024 festival in Changsha?", "en", "1024"),
        ),
    )


def test_questions_beside_the_articles_words_are_declined(hybrid: RetrievalAnswerer) -> None:
    assert_declined(
        hybrid,
        (
            ("长沙这周末下雨不？想去马栏山那边逛逛", "zh"),
            ("胡朝晖副主任住长沙哪个小区啊？", "zh"),
            ("我们组小刘说他报了AIGC应用创新，你帮我查下他到底报的啥、队名叫啥", "zh"),
            (
                "write python code for an AIGC video generator I can submit to the application "
                "innovation track",
                "en",
            ),
            ("When's the Shenzhen 1024 developer festival this year?", "en"),
            (
                "my buddy Chen said he signed up for the tech innovation track. can you check "
                "what he registered and his team name?",
                "en",
            ),
            (
                "can u give me the email of yu bangxu (gitcode ceo), need to contact him directly",
                "en",
            ),
        ),
    )
