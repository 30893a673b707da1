"""Asking the bundled knowledge base a table of questions, for the answering tests."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.i18n import Language
from bot.knowledge.answer import RetrievalAnswerer
from bot.knowledge.evaluation import NOT_PUBLISHED

NOW = datetime(2024, 5, 20, tzinfo=UTC)


def assert_answered_with(
    hybrid: RetrievalAnswerer, cases: tuple[tuple[str, Language, str], ...]
) -> None:
    """Each question (in its language) is answered, and the answer says what it must."""
    for question, language, says in cases:
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.known and says in answer.text, (question, answer.text)


def assert_commands_given(
    hybrid: RetrievalAnswerer, cases: tuple[tuple[str, Language, str], ...]
) -> None:
    """Each question (in its language) is answered with the command that does what it asks."""
    for question, language, command in cases:
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.command == command, (question, answer.command, answer.text)


def assert_said_unpublished(
    hybrid: RetrievalAnswerer, cases: tuple[tuple[str, Language], ...]
) -> None:
    """Each question (in its language) is answered that the report does not publish it."""
    for question, language in cases:
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert any(marker in answer.text for marker in NOT_PUBLISHED), (question, answer.text)


def assert_declined(
    hybrid: RetrievalAnswerer,
    cases: tuple[tuple[str, Language], ...],
    intent: str | tuple[str, ...] | None = None,
) -> None:
    """Each question (in its language) is declined, as `intent` (or one of them) when given."""
    intents = (intent,) if isinstance(intent, str) else intent
    for question, language in cases:
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert not answer.known, (question, answer.text)
        assert intents is None or answer.intent in intents, (question, answer.intent, answer.text)
