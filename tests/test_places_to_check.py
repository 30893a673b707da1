"""A city put to be checked ("so the launch was in Beijing right?") is a value the answer
corrects, not a word the knowledge lacks; where a person studied or comes from stays private."""

from __future__ import annotations

from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.checked import confirmed_values
from tests.answering import assert_answered_with, assert_declined


def test_a_city_is_a_value_to_check_only_where_something_of_the_community_happens() -> None:
    assert confirmed_values("so the launch was in Beijing right?") == ["Beijing"]
    assert confirmed_values("启动会是在北京开的吗？") == ["北京"]
    values = confirmed_values("is the final in 2025 in Shanghai?")
    assert [value.strip() for value in values] == ["2025", "Shanghai"]
    assert confirmed_values("did Hu Zhaohui study in Beijing?") == []
    assert confirmed_values("when is the launch in Beijing") == []  # asked, not put to check


def test_a_wrong_city_put_to_check_gets_the_right_one(hybrid: RetrievalAnswerer) -> None:
    assert_answered_with(
        hybrid,
        (
            ("so the launch was in Beijing right?", "en", "Changsha"),
            (
                "was the launch event in Beijing? i remember it was some big city but not sure "
                "which",
                "en",
                "Changsha",
            ),
            ("启动会是在北京开的吗？", "zh", "长沙"),
            ("is the final in Shanghai?", "en", "Changsha"),
            ("is the community based in Shenzhen?", "en", "Changsha"),
            ("where is the community based", "en", "Changsha"),
            ("这个社区在哪个城市啊", "zh", "长沙"),
        ),
    )


def test_a_persons_city_stays_private_and_another_citys_event_unrelated(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_declined(
        hybrid,
        (("did Hu Zhaohui study in Beijing?", "en"), ("胡朝晖是北京人吗", "zh")),
        intent="personal-data",
    )
    assert_declined(hybrid, (("is the Beijing AV summit in October?", "en"),), intent="other-event")
