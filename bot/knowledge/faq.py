"""FAQ entries as knowledge: each language of an entry is a passage ("FAQ › <question>") and its
question a way of asking for it, so the same question in either language finds it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.knowledge.asked import AskedQuestion
from bot.knowledge.passages import Passage
from bot.storage.models import FaqEntry

FAQ_TOPIC = "faq"
FAQ_TITLE = "FAQ"


def faq_knowledge(entries: Sequence[FaqEntry]) -> tuple[list[Passage], list[AskedQuestion]]:
    passages: list[Passage] = []
    asked: list[AskedQuestion] = []
    for entry in entries:
        for language, question, answer in (
            ("zh", entry.question_zh, entry.answer_zh),
            ("en", entry.question_en, entry.answer_en),
        ):
            if not question or not answer:
                continue
            passage = Passage(
                FAQ_TOPIC, language, entry.id, FAQ_TOPIC, FAQ_TITLE, question, answer, 0
            )
            passages.append(passage)
            asked.append(AskedQuestion(passage.section, language, question))
    return passages, asked
