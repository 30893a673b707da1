"""Intents from `content/intents.toml`: questions about the bot itself ("how do I sign up?"),
answered with the command that does it, and questions it must decline (other members' data,
writing tasks, unrelated topics), recognised by their closeness to the intent's examples."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.content.loader import Problem
from bot.content.models import Bilingual
from bot.knowledge.dense import Embedder, passage_vectors
from bot.knowledge.tokenize import tokenize

INTENTS_FILE = "intents.toml"


class Intent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    answer: Bilingual
    examples: list[str] = Field(min_length=1)
    command: str | None = None  # the command a button under the answer runs
    button: Bilingual | None = None
    decline: bool = False  # not something the bot answers: the answer says so, without sources

    @model_validator(mode="after")
    def _command_or_decline(self) -> Intent:
        if (self.command is None) == (not self.decline):
            raise ValueError("give either `command` (with `button`) or `decline = true`")
        if self.command is not None and self.button is None:
            raise ValueError("an intent with a command needs a `button` label")
        return self


class _IntentsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    intents: list[Intent] = []


@dataclass(frozen=True, slots=True)
class IntentMatch:
    intent: Intent
    similarity: float  # to its closest example (1.0 for a keyword match without embeddings)


def load_intents(content_dir: Path) -> tuple[list[Intent], list[Problem]]:
    path = content_dir / INTENTS_FILE
    if not path.exists():
        return [], []
    try:
        raw = _IntentsFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError, UnicodeDecodeError) as error:
        return [], [Problem(path, None, "intents", str(error))]
    return raw.intents, []


class IntentMatcher:
    """Finds the intent whose examples a question is closest to."""

    def __init__(
        self,
        intents: list[Intent],
        topic_free: frozenset[str],
        embedder: Embedder | None,
        cache_dir: Path,
    ) -> None:
        self.intents = intents
        self._owners = [intent for intent in intents for _ in intent.examples]
        examples = [example for intent in intents for example in intent.examples]
        self._terms = [
            frozenset(t for t in tokenize(example) if t not in topic_free) for example in examples
        ]
        self._topic_free = topic_free
        self._vectors = (
            passage_vectors(embedder, examples, cache_dir, as_questions=True)
            if embedder is not None and examples
            else None
        )

    def match(self, question: str, vector: np.ndarray | None) -> IntentMatch | None:
        if not self._owners:
            return None
        terms = {t for t in tokenize(question) if t not in self._topic_free}
        # The question must say what one of the intent's examples says in words (every topical
        # word of it), as well as be close in meaning: the small embedding model alone finds
        # "大赛有哪几个赛道" close to "我报了哪些赛道".
        worded = {
            owner.key
            for owner, example_terms in zip(self._owners, self._terms, strict=True)
            if example_terms and example_terms <= terms
        }
        if self._vectors is not None and vector is not None:
            similarities = self._vectors @ vector
            best = int(np.argmax(similarities))
            owner = self._owners[best]
            return IntentMatch(owner, float(similarities[best])) if owner.key in worded else None
        for owner, example_terms in zip(self._owners, self._terms, strict=True):
            if owner.key in worded and len(terms) <= len(example_terms) + 1:
                return IntentMatch(owner, 1.0)
        return None
