"""A city put to be checked ("so the launch was in Beijing right?") is a value the answer
corrects, not a word the knowledge lacks; where a person studied or comes from stays private."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.config import BUNDLED_CONTENT_DIR
from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.checked import city_pattern, confirmed_values
from bot.knowledge.intents import INTENTS_FILE, IntentMatcher, load_intents
from bot.knowledge.places import PLACES_FILE, load_other_cities
from tests.answering import assert_answered_with, assert_declined


def test_a_city_is_a_value_to_check_only_where_something_of_the_community_happens() -> None:
    cities = city_pattern(load_other_cities(BUNDLED_CONTENT_DIR)[0])
    assert confirmed_values("so the launch was in Beijing right?", cities) == ["Beijing"]
    assert confirmed_values("启动会是在北京开的吗？", cities) == ["北京"]
    values = confirmed_values("is the final in 2025 in Shanghai?", cities)
    assert [value.strip() for value in values] == ["2025", "Shanghai"]
    assert confirmed_values("did Hu Zhaohui study in Beijing?", cities) == []
    # Asked, not put to check.
    assert confirmed_values("when is the launch in Beijing", cities) == []


def test_a_city_organizers_add_to_the_places_is_another_citys(tmp_path: Path) -> None:
    shutil.copy(BUNDLED_CONTENT_DIR / INTENTS_FILE, tmp_path / INTENTS_FILE)
    places = (BUNDLED_CONTENT_DIR / PLACES_FILE).read_text(encoding="utf-8")
    added = places.replace('"tokyo",', '"lhasa", "拉萨", "tokyo",')
    assert added != places
    (tmp_path / PLACES_FILE).write_text(added, encoding="utf-8")
    cities = city_pattern(load_other_cities(tmp_path)[0])
    assert confirmed_values("so the launch was in Lhasa right?", cities) == ["Lhasa"]

    def intent_of(question: str, content_dir: Path) -> str | None:
        intents, problems = load_intents(content_dir)
        assert problems == []
        found = IntentMatcher(intents, frozenset(), None, tmp_path).worded_by_shape(question)
        return found.key if found else None

    for question in ("拉萨的音视频峰会几月开", "when is the AV summit in Lhasa?"):
        assert intent_of(question, BUNDLED_CONTENT_DIR) is None
        assert intent_of(question, tmp_path) == "other-event"


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
