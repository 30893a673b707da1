"""How members ask: per knowledge section, questions in members' own words that it answers
(`knowledge/<topic>.questions.toml`).

A member rarely uses the section's words: "这次比赛分几个方向" is about 赛道, "who's behind this
whole thing" about the hosts. The index matches a question against these as well as against the
section (question to question is what a sentence-embedding model judges best), and their words
widen the section's vocabulary for BM25. They are content: an organizer adds the phrasings
members used, and `content check` validates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.content.loader import Problem, read_toml
from bot.i18n import Language
from bot.knowledge.passages import KNOWLEDGE_DIR, Passage

QUESTIONS_SUFFIX = ".questions.toml"


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """One way a member asks for one section."""

    section: tuple[str, int]  # (topic, position), as Passage.section
    language: Language
    text: str


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
    heading: str  # the section's heading in any of its languages
    zh: list[str] = []
    en: list[str] = []


class _QuestionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sections: list[_Section] = []


def load_asked_questions(
    content_dir: Path, passages: list[Passage]
) -> tuple[list[AskedQuestion], list[Problem]]:
    """Every topic's questions, tied to the sections they name, and the problems found.

    A file names its own topic's sections, and may name the sections computed from contest.toml
    (the prize table, the dates), which belong to no Markdown file."""
    sections_by_heading: dict[tuple[str, str], tuple[str, int]] = {
        (p.topic, p.heading): p.section for p in passages
    }
    computed = {p.heading: p.section for p in passages if p.live is not None}
    asked: list[AskedQuestion] = []
    problems: list[Problem] = []
    for path in sorted((content_dir / KNOWLEDGE_DIR).glob(f"*{QUESTIONS_SUFFIX}")):
        topic = path.name.removesuffix(QUESTIONS_SUFFIX)
        raw, unreadable = read_toml(path, _QuestionsFile, "sections", "expected [[sections]]")
        if raw is None:
            problems += unreadable
            continue
        for entry in raw.sections:
            section = sections_by_heading.get((topic, entry.heading), computed.get(entry.heading))
            if section is None:
                problems.append(
                    Problem(path, None, entry.heading, f"no section with this heading in {topic}")
                )
                continue
            for language, questions in (("zh", entry.zh), ("en", entry.en)):
                asked += [AskedQuestion(section, language, q) for q in questions if q.strip()]
    return asked, problems
