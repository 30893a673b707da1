"""Synonym groups from `content/synonyms.toml`: a question's words rewritten onto the knowledge
base's own words before searching, so "方向" finds the sections about "赛道"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.content.loader import Problem, read_toml

SYNONYMS_FILE = "synonyms.toml"
_CJK = re.compile(r"[\u3400-\u9fff]")


class _SynonymFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    groups: list[list[str]] = []


@dataclass(frozen=True)
class Synonyms:
    """Rewrites words to their group's first word in the same script (Chinese or Latin)."""

    chinese: dict[str, str] = field(default_factory=dict)
    latin: dict[str, str] = field(default_factory=dict)  # lower-cased word or phrase → canonical

    def rewrite(self, question: str) -> str:
        for word in sorted(self.chinese, key=len, reverse=True):
            question = question.replace(word, self.chinese[word])
        if self.latin:
            question = self._latin_pattern.sub(
                lambda match: self.latin[match.group(0).lower()], question
            )
        return question

    @property
    def _latin_pattern(self) -> re.Pattern[str]:
        words = sorted(self.latin, key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)


def load_synonyms(content_dir: Path) -> tuple[Synonyms, list[Problem]]:
    """The synonyms of a content folder (the file is optional) and any problems in it."""
    path = content_dir / SYNONYMS_FILE
    if not path.exists():
        return Synonyms(), []
    raw, problems = read_toml(path, _SynonymFile, "groups", "expected lists of words")
    if raw is None:
        return Synonyms(), problems
    chinese: dict[str, str] = {}
    latin: dict[str, str] = {}
    problems = []
    for number, group in enumerate(raw.groups):
        chinese_words = [w.strip() for w in group if _CJK.search(w)]
        latin_words = [w.strip().lower() for w in group if not _CJK.search(w)]
        for word in chinese_words:
            if len(word) < 2:
                reason = f"{word!r}: Chinese synonyms need at least two characters"
                problems.append(Problem(path, None, f"groups[{number}]", reason))
        for word in chinese_words[1:]:
            chinese.setdefault(word, chinese_words[0])
        for word in latin_words[1:]:
            latin.setdefault(word, latin_words[0])
    return Synonyms(chinese, latin), problems
