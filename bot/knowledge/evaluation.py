"""Score the answerer against a set of questions with the facts each answer must contain.

Used by the evaluation test (a floor on the score) and by `bench/qa.py` (the figures).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.i18n import Language
from bot.knowledge.answer import Answer, RetrievalAnswerer
from bot.knowledge.index import KnowledgeIndex

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    id: str
    language: Language
    question: str
    facts: list[list[str]]  # each fact: acceptable spellings
    off_topic: bool = False
    doc: str | None = None  # topic expected to answer it
    heading: str | None = None
    # Written after the content was tuned against the rest: the honest figure for new wording.
    held_out: bool = False


@dataclass(frozen=True, slots=True)
class EvalResult:
    question: EvalQuestion
    answer: Answer
    score: float  # 0..1: share of facts present, or 1/0 for a correctly declined off-topic one
    rank: int | None  # 1-based position of the expected section among the hits


def load_questions(path: Path) -> list[EvalQuestion]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        questions.append(
            EvalQuestion(
                id=item["id"],
                language=item["lang"],
                question=item["question"],
                facts=item.get("facts", []),
                off_topic=item.get("off_topic", False),
                doc=item.get("doc"),
                heading=item.get("heading"),
                held_out=item.get("heldout", False),
            )
        )
    return questions


def _normalized(text: str) -> str:
    return _SPACE.sub("", text).casefold()


def fact_score(answer: Answer, question: EvalQuestion) -> float:
    if question.off_topic:
        return 0.0 if answer.known else 1.0
    if not answer.known:
        return 0.0
    if not question.facts:
        return 1.0
    text = _normalized(answer.text)
    found = sum(any(_normalized(s) in text for s in spellings) for spellings in question.facts)
    return found / len(question.facts)


def expected_rank(index: KnowledgeIndex, answer: Answer, question: EvalQuestion) -> int | None:
    """Where the section the question expects appears among the answer's hits (1 = first)."""
    if question.doc is None:
        return None
    for position, hit in enumerate(answer.hits, start=1):
        shown = index.variant(hit.passage, question.language)
        if shown.topic == question.doc and (
            question.heading is None or shown.heading == question.heading
        ):
            return position
    return None


def evaluate(
    answerer: RetrievalAnswerer, questions: list[EvalQuestion], zone_name: str, now: datetime
) -> list[EvalResult]:
    results = []
    for question in questions:
        answer = answerer.answer(question.question, question.language, zone_name, now)
        rank = expected_rank(answerer.index, answer, question)
        results.append(EvalResult(question, answer, fact_score(answer, question), rank))
    return results


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
