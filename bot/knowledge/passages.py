"""Split the Markdown knowledge base into passages, one per heading, paired across languages.

Files are named `<topic>.<lang>.md`. Section N of `contest.zh.md` and section N of
`contest.en.md` say the same thing, so a question matched in one language can be answered in
the other. A document may exist in one language only (an organizer's imported rules): it is
answered in that language, found by questions in either.

A section may say where it sits in its source, on the line after its heading:
`<!-- place: p. 2 -->`; citations then read "Rules › 第三条 参赛资格 (p. 2)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from bot.content.loader import Problem
from bot.i18n import LANGUAGES, Language

KNOWLEDGE_DIR = "knowledge"
_FILE_NAME = re.compile(r"^(?P<topic>[a-z0-9][a-z0-9-]*)\.(?P<lang>[a-z]{2})\.md$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__|`)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
PLACE_COMMENT = "<!-- place: {place} -->"
_PLACE = re.compile(r"^\s*<!--\s*place:\s*(?P<place>.+?)\s*-->\s*$")


@dataclass(frozen=True, slots=True)
class Passage:
    """One section of one knowledge document in one language."""

    topic: str  # "contest"
    language: Language
    position: int  # section number within the document, the same in both languages
    doc: str  # file name, "contest.en.md"
    title: str  # the document's "# Title"
    heading: str  # the section's own heading, "Prizes"
    text: str  # plain text of the section, without its heading
    line: int  # 1-based line of the heading, for error reports
    live: str | None = None  # rendered afresh from contest.toml at answer time ("deadlines")
    place: str | None = None  # where the section sits in its source document ("p. 2")

    @property
    def section(self) -> tuple[str, int]:
        return (self.topic, self.position)

    @property
    def label(self) -> str:
        """How an answer cites it: "Rules › 第三条 知识产权 (p. 2)"."""
        return citation_label(self.title, self.heading, self.place)


def citation_label(title: str, heading: str, place: str | None = None) -> str:
    return f"{title} › {heading}" + (f" ({place})" if place else "")


def load_passages(content_dir: Path) -> tuple[list[Passage], list[Problem]]:
    """Every passage of the knowledge base, and the problems found while reading it."""
    folder = content_dir / KNOWLEDGE_DIR
    passages: list[Passage] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return [], [Problem(folder, None, "", "the knowledge folder is missing")]
    for path in sorted(folder.glob("*.md")):
        match = _FILE_NAME.match(path.name)
        if not match or match["lang"] not in LANGUAGES:
            problems.append(Problem(path, None, "", "name it <topic>.zh.md or <topic>.en.md"))
            continue
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(path, None, "", f"cannot read as UTF-8: {error}"))
            continue
        found, file_problems = split_document(path, match["topic"], match["lang"], source)
        passages.extend(found)
        problems.extend(file_problems)
    problems.extend(_pairing_problems(folder, passages))
    return passages, problems


def split_document(
    path: Path, topic: str, language: Language, source: str
) -> tuple[list[Passage], list[Problem]]:
    """Cut one Markdown document at its `##`/`###` headings."""
    tokens = MarkdownIt("commonmark").parse(source)
    lines = source.splitlines()
    headings: list[tuple[int, int, str]] = []  # (level, line index, text)
    for position, token in enumerate(tokens):
        if token.type == "heading_open" and token.map:
            inline = tokens[position + 1]
            headings.append((int(token.tag[1]), token.map[0], inline.content.strip()))
    problems: list[Problem] = []
    titles = [h for h in headings if h[0] == 1]
    if len(titles) != 1:
        problems.append(Problem(path, None, "", "needs exactly one '# Title' line"))
    title = titles[0][2] if titles else topic
    sections = [h for h in headings if h[0] > 1]
    if not sections:
        problems.append(Problem(path, None, "", "has no '## Section' headings"))
    passages = []
    boundaries = [h[1] for h in headings] + [len(lines)]
    for level, start, heading in sections:
        end = next(b for b in boundaries if b > start)
        place = _PLACE.match(lines[start + 1]) if start + 1 < end else None
        text = plain_text("\n".join(lines[start + 1 : end]))
        if not text and level == 2 and _has_subsections(sections, start):
            continue  # a "## Tracks" that only groups "### …" sections
        if not text:
            problems.append(Problem(path, start + 1, heading, "section has no text"))
            continue
        passages.append(
            Passage(
                topic,
                language,
                len(passages),
                path.name,
                title,
                heading,
                text,
                start + 1,
                place=place["place"] if place else None,
            )
        )
    return passages, problems


def _has_subsections(sections: list[tuple[int, int, str]], start: int) -> bool:
    later = [s for s in sections if s[1] > start]
    return bool(later) and later[0][0] > 2


def plain_text(markdown: str) -> str:
    """Markdown → readable plain text: links as "text (url)", no emphasis marks."""
    text = _LINK.sub(lambda m: f"{m[1]} ({m[2]})", _COMMENT.sub("", markdown))
    text = _EMPHASIS.sub("", text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def _pairing_problems(folder: Path, passages: list[Passage]) -> list[Problem]:
    problems = []
    by_topic: dict[str, dict[str, int]] = {}
    for passage in passages:
        counts = by_topic.setdefault(passage.topic, {})
        counts[passage.language] = counts.get(passage.language, 0) + 1
    for topic, counts in sorted(by_topic.items()):
        if len(set(counts.values())) > 1:
            detail = ", ".join(f"{lang}: {n}" for lang, n in sorted(counts.items()))
            problems.append(
                Problem(
                    folder / f"{topic}.*.md",
                    None,
                    "",
                    f"languages have different numbers of sections ({detail}); "
                    "section N must say the same in every language",
                )
            )
    return problems
