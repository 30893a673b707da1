"""Answers without an LLM: the best knowledge section, trimmed, with its source — or an honest
"not in my knowledge" that names no source."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content.models import Contest, Deadline
from bot.contest_text import render_live
from bot.i18n import Language, Translator, detect_language
from bot.knowledge.index import Hit, KnowledgeIndex

# Below this share of the question's term weight found in the best passage, we don't know.
MIN_COVERAGE = 0.5
ANSWER_CHARACTERS = 700
_SENTENCE = re.compile(r".+?(?:[。！？!?；;]|\.(?=\s)|\n|$)\s*", re.S)


@dataclass(frozen=True, slots=True)
class Source:
    doc: str  # "contest.en.md" or "contest.toml"
    title: str  # the document's title
    heading: str  # the section heading

    def label(self) -> str:
        return f"{self.title} › {self.heading}"


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    language: Language
    sources: tuple[Source, ...] = ()
    known: bool = True
    hits: list[Hit] = field(default_factory=list, compare=False)


class RetrievalAnswerer:
    """Answers a question from the knowledge index and contest.toml."""

    def __init__(self, index: KnowledgeIndex, contest: Contest) -> None:
        self.index = index
        self.contest = contest

    def answer(
        self,
        question: str,
        fallback_language: Language,
        zone_name: str,
        now: datetime,
        language: Language | None = None,
        deadlines: list[Deadline] | None = None,
    ) -> Answer:
        """Answer in `language` if given, else the question's own language, else the fallback."""
        language = language or detect_language(question) or fallback_language
        t = Translator(language)
        hits = self.index.search(question)
        if not hits or hits[0].coverage < MIN_COVERAGE:
            return Answer(dont_know_text(t), language, known=False, hits=hits)
        passage = self.index.variant(hits[0].passage, language)
        if passage.live:
            text = render_live(
                passage.live, self.contest, t, ZoneInfo(zone_name), zone_name, now, deadlines
            )
        else:
            text = trim(passage.text)
        source = Source(passage.doc, passage.title, passage.heading)
        return Answer(text, language, (source,), hits=hits)


def dont_know_text(t: Translator) -> str:
    return t.gettext(
        "I couldn't find that in what I know about the community and the contest, so I won't "
        "guess. Please ask the organizers; /help shows what I can answer."
    )


def slow_down_text(t: Translator) -> str:
    return t.gettext(
        "You have asked many questions in a short time. Please wait a few minutes, then ask again."
    )


def trim(text: str, limit: int = ANSWER_CHARACTERS) -> str:
    """Shorten a passage to a readable answer, cutting at a sentence end."""
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in _SENTENCE.findall(text):
        if len(kept) + len(sentence) > limit:
            break
        kept += sentence
    return (kept or text[:limit]).rstrip() + " …"
