"""Every text the bot can show exists in Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from bot.config import PROJECT_ROOT
from bot.i18n import LOCALES_DIR, Translator, detect_language, normalize_language

_PLACEHOLDER = re.compile(r"\{(\w+)[^}]*\}")


# Python sources, and the dashboard's templates, which call _("…") through Jinja2.
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")]


def source_messages() -> set[str]:
    found = set()
    for folder in ("bot", "adapters"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT / folder, method_map=METHODS, keywords=DEFAULT_KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_the_dashboard_templates_are_extracted() -> None:
    assert {"Most frequent unanswered topics", "Publish as FAQ"} <= source_messages()


def chinese_catalog() -> dict[str, str]:
    path: Path = LOCALES_DIR / "zh" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {m.id: m.string for m in catalog if m.id and not m.fuzzy}


def test_every_message_in_the_code_has_a_chinese_translation() -> None:
    messages = source_messages()
    assert len(messages) > 30  # the extraction itself works
    catalog = chinese_catalog()
    missing = sorted(m for m in messages if not catalog.get(m))
    assert missing == [], "add these to bot/locales/zh/LC_MESSAGES/messages.po"


def test_translations_keep_every_placeholder() -> None:
    for message, translation in chinese_catalog().items():
        assert set(_PLACEHOLDER.findall(message)) == set(_PLACEHOLDER.findall(translation)), message


def test_catalog_has_no_stale_messages() -> None:
    stale = sorted(set(chinese_catalog()) - source_messages())
    assert stale == [], "remove these from messages.po or use them"


def test_platform_locales_map_to_our_languages() -> None:
    assert [normalize_language(x) for x in ("zh-hans", "zh-CN", "zh_TW.UTF-8", "en-GB", "fr")] == [
        "zh",
        "zh",
        "zh",
        "en",
        "en",
    ]
    assert normalize_language(None, default="zh") == "zh"


def test_question_language_is_detected() -> None:
    assert detect_language("有哪些赛道？") == "zh"
    assert detect_language("Which tracks exist?") == "en"
    assert detect_language("AIGC?") is None
    # Mixed: the language most of the message is in (a name does not make it Chinese).
    assert detect_language("AIGC赛道的deadline是啥时候") == "zh"
    assert detect_language("帮我 draft 一个 email") == "zh"
    assert detect_language("which company is 吕绍和 from and what does he do there") == "en"
    assert detect_language("长沙") == "zh"
    assert detect_language("who is 吕绍和?") == "en"
    assert detect_language("Open Source Hardware and Embodied AI track 的评委是谁") == "zh"
    assert detect_language("决赛在 Changsha International Convention Center 吗") == "zh"


def test_dates_and_durations_read_naturally_in_both_languages() -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    moment = datetime(2024, 10, 24, 1, 30, tzinfo=UTC)
    assert Translator("zh").datetime(moment, ZoneInfo("Asia/Shanghai")).startswith("2024年10月24日")
    assert "09:30" in Translator("en").datetime(moment, ZoneInfo("Asia/Shanghai"))
    assert Translator("en").time_left(timedelta(days=3, hours=2)) == "in 3 days"
    assert Translator("zh").time_left(timedelta(hours=5)) == "5小时后"
