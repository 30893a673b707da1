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
    # Written apart from the content, from the source article alone: the honest figure.
    held_out: bool = False
    # Why it must be declined: unrelated | not_published | personal | task.
    decline_kind: str | None = None
    # About the bot itself ("how do I sign up"): answered with a command to run, `command`
    # when the question names which.
    about_bot: bool = False
    command: str | None = None


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
                decline_kind=item.get("decline_kind"),
                about_bot=item.get("about_bot", False),
                command=item.get("command"),
            )
        )
    return questions


def _normalized(text: str) -> str:
    return _SPACE.sub("", text).casefold()


# An answer to what the source does not say must say so, not guess.
NOT_PUBLISHED = (
    "not published", "not been published", "not announced", "not been announced", "gives no",
    "does not say", "doesn't say", "did not say", "no prize money", "has not said",
    "does not publish", "not publish",
    "未公布", "没有公布", "尚未公布", "未提及", "没有提到", "没有给出", "未给出",
    "未说明", "没有说明", "暂无", "尚未宣布",
)  # fmt: skip
INVENTED_FIGURE = re.compile(
    r"(\d[\d,.]*\s*(?:万|元|yuan|rmb|usd|\$|美元|人民币))|[$¥￥]\s*\d", re.IGNORECASE
)


def fact_score(answer: Answer, question: EvalQuestion) -> float:
    if question.about_bot:
        expected = question.command
        if answer.command is not None and expected in (None, answer.command):
            return 1.0
        # "What tracks are there? just looking" answered with the list /tracks itself sends
        # (rendered live from contest.toml, with its Register button): the command's own reply.
        return float(expected is not None and expected == shown_live(answer))
    if question.off_topic:
        if not answer.known:
            return 1.0
        says_unpublished = any(marker in answer.text for marker in NOT_PUBLISHED)
        invents_no_figure = not INVENTED_FIGURE.search(answer.text)
        return float(
            question.decline_kind == "not_published" and says_unpublished and invents_no_figure
        )
    if not answer.known:
        return 0.0
    if not question.facts:
        return 1.0
    return _facts_found(answer.text, question)


def shown_live(answer: Answer) -> str | None:
    """The contest topic ("tracks", "deadlines", "resources") whose live list the answer is."""
    if not answer.known or answer.intent is not None or not answer.hits:
        return None
    return answer.hits[0].passage.live


def _facts_found(text: str, question: EvalQuestion) -> float:
    text = _normalized(text)
    found = sum(any(_normalized(s) in text for s in spellings) for spellings in question.facts)
    return found / len(question.facts)


def expected_rank(index: KnowledgeIndex, answer: Answer, question: EvalQuestion) -> int | None:
    """Where the section the question expects appears among the answer's hits (1 = first):
    the labelled section, or else the first that holds all the question's facts."""
    if question.doc is None and not question.facts:
        return None
    for position, hit in enumerate(answer.hits, start=1):
        shown = index.variant(hit.passage, question.language)
        if question.doc is not None:
            if shown.topic == question.doc and (
                question.heading is None or shown.heading == question.heading
            ):
                return position
        elif _facts_found(f"{shown.heading} {shown.text}", question) == 1.0:
            return position
    return None


def evaluate(
    answerer: RetrievalAnswerer, questions: list[EvalQuestion], zone_name: str, now: datetime
) -> list[EvalResult]:
    results = []
    vectors = answerer.index.embed_many([question.question for question in questions])
    for question, vector in zip(questions, vectors, strict=True):
        answer = answerer.answer(
            question.question, question.language, zone_name, now, vector=vector
        )
        rank = expected_rank(answerer.index, answer, question)
        results.append(EvalResult(question, answer, fact_score(answer, question), rank))
    return results


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
