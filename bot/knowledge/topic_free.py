"""Topic-free words from `content/topic_free_words.toml`: greetings, fillers and question words
that a question may carry without them being what it is about ("这次", "哪几个", "please")."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.content.loader import Problem
from bot.knowledge.tokenize import tokenize

TOPIC_FREE_FILE = "topic_free_words.toml"


class _TopicFreeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zh: str = ""
    en: str = ""


def load_topic_free_words(content_dir: Path) -> tuple[frozenset[str], list[Problem]]:
    """The words as index terms (segmented and stemmed like the knowledge base), and problems."""
    path = content_dir / TOPIC_FREE_FILE
    if not path.exists():
        return frozenset(), []
    try:
        raw = _TopicFreeFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError, UnicodeDecodeError) as error:
        return frozenset(), [Problem(path, None, "zh/en", f"expected two word lists: {error}")]
    words = f"{raw.zh}\n{raw.en}".split()
    # Each listed word as the index sees it, plus its pieces ("哪几个" → also "哪几" and "几个").
    terms = {term for word in words for term in [*tokenize(word), word.lower()]}
    return frozenset(terms), []
