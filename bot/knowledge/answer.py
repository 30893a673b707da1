"""Answers without an LLM: the best knowledge section, trimmed, with its source — or an honest
"not in my knowledge" that names no source."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from bot.content.models import Contest, Deadline
from bot.contest_text import render_live
from bot.i18n import Language, Translator, detect_language
from bot.knowledge.index import Hit, KnowledgeIndex

# The gate: a question concerns the knowledge base when its best section holds enough of its
# topical words (coverage), or is close enough in meaning (similarity), or both in part.
# Chosen on tests/data/qa_calibration.jsonl with bench/qa.py; see the README's figures.
MIN_COVERAGE = 0.5
MIN_SIMILARITY = 0.90
PARTIAL_COVERAGE, PARTIAL_SIMILARITY = 0.2, 0.86
# An intent wins when a question is this close to one of its examples and closer than to any
# knowledge section.
MIN_INTENT_SIMILARITY = 0.92
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
    intent: str | None = None  # the intent it was recognised as (content/intents.toml)
    command: str | None = None  # a question about the bot itself: the command that does it
    button: str | None = None  # the label of the button that runs `command`


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
        vector: np.ndarray | None = None,
    ) -> Answer:
        """Answer in `language` if given, else the question's own language, else the fallback.

        `vector`: the question's embedding, when the caller computed it off the event loop."""
        language = language or detect_language(question) or fallback_language
        t = Translator(language)
        if vector is None:
            vector = self.index.embed(question)
        hits = self.index.search(question, vector=vector)
        intent = self.index.intents.match(question, vector)
        best_similarity = hits[0].similarity if hits else 0.0
        if intent is not None and intent.similarity >= max(MIN_INTENT_SIMILARITY, best_similarity):
            text = t.pick(intent.intent.answer.as_dict())
            return Answer(
                text,
                language,
                known=not intent.intent.decline,
                hits=hits,
                intent=intent.intent.key,
                command=intent.intent.command,
                button=t.pick(intent.intent.button.as_dict()) if intent.intent.button else None,
            )
        if not hits or not concerns_knowledge(hits[0]):
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


def may_concern_knowledge(hit: Hit) -> bool:
    """Looser than the gate: enough for a language model to read the passages and judge (it
    says when they don't answer)."""
    return hit.coverage >= PARTIAL_COVERAGE or hit.similarity >= PARTIAL_SIMILARITY


def concerns_knowledge(hit: Hit) -> bool:
    """The gate: is the question about what this section says?"""
    return (
        hit.coverage >= MIN_COVERAGE
        or hit.similarity >= MIN_SIMILARITY
        or (hit.coverage >= PARTIAL_COVERAGE and hit.similarity >= PARTIAL_SIMILARITY)
    )


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
