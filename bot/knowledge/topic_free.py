"""Topic-free words from `content/topic_free_words.toml`: greetings, fillers and question words
that a question may carry without them being what it is about ("这次", "哪几个", "please")."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.content.loader import Problem, read_toml
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
    raw, problems = read_toml(path, _TopicFreeFile, "zh/en", "expected two word lists")
    if raw is None:
        return frozenset(), problems
    words = f"{raw.zh}\n{raw.en}".split()
    # Each listed word as the index sees it, plus its pieces ("哪几个" → also "哪几" and "几个").
    terms = {term for word in words for term in [*tokenize(word), word.lower()]}
    return frozenset(terms), []
