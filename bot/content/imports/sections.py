"""Cut a document's blocks into sections: at its own headings, or, where it has none (a PDF,
a Word file typed without heading styles), at its numbered clauses: 第三条, 一、, 1.1 or 1."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.content.imports.extract import Block, Extracted

# The kinds of clause numbers, from the one that cuts finest in rules texts to the loosest.
# The first kind the document uses at least twice is where it is cut.
CLAUSE_PATTERNS = (
    re.compile(r"^第[一二三四五六七八九十百零〇两\d]+条"),
    re.compile(r"^[一二三四五六七八九十]+[、.．]"),
    re.compile(r"^\d+\.\d+(?:\.\d+)*(?=\s|[^\d.])"),
    re.compile(r"^\d+[、.．)）](?!\d)"),
)
Joiner = Callable[[list[str]], str]
# A clause line this short without sentence punctuation is the clause's title.
MAX_TITLE_CHARACTERS = 32
_SENTENCE_END = re.compile(r"[。！？；;!?]|[.:：](?:\s|$)")
_CJK_END = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@dataclass(frozen=True, slots=True)
class ImportedSection:
    heading: str
    text: str
    page: int | None = None  # the page the section starts on

    @property
    def place(self) -> str | None:
        return f"p. {self.page}" if self.page else None


@dataclass(frozen=True, slots=True)
class ImportedDocument:
    title: str | None
    sections: list[ImportedSection]
    pages: int | None = None


def cut_sections(extracted: Extracted, overview: str) -> ImportedDocument:
    """The document as sections. `overview` names the text before the first heading or clause
    (a preamble), in the document's language."""
    blocks = extracted.blocks
    title = extracted.title
    levels = [b.heading_level for b in blocks if b.heading_level]
    if levels.count(1) == 1 and blocks[0].heading_level == 1:
        title, blocks = blocks[0].text, blocks[1:]
        levels.remove(1)
    join = _reflow if extracted.reflow else _paragraphs
    if levels:
        sections = _at_headings(blocks, overview, join)
    else:
        sections = _at_clauses(blocks, overview, join)
    sections = [s for s in sections if s.text]
    if sections and sections[0].heading == overview and _is_title_line(sections[0].text):
        # A PDF's first line is often its title, set large: a title, not an overview.
        title, sections = title or sections[0].text, sections[1:]
    return ImportedDocument(title, sections, extracted.pages)


def _is_title_line(text: str) -> bool:
    return (
        "\n" not in text
        and len(text) <= 2 * MAX_TITLE_CHARACTERS
        and not _SENTENCE_END.search(text)
    )


def _at_headings(blocks: list[Block], overview: str, join: Joiner) -> list[ImportedSection]:
    sections: list[ImportedSection] = []
    heading, page, body = overview, blocks[0].page if blocks else None, []
    for block in blocks:
        if block.heading_level:
            sections.append(ImportedSection(heading, join(body), page))
            heading, page, body = block.text, block.page, []
        else:
            body.append(block.text)
    sections.append(ImportedSection(heading, join(body), page))
    return sections


def _at_clauses(blocks: list[Block], overview: str, join: Joiner) -> list[ImportedSection]:
    pattern = next(
        (p for p in CLAUSE_PATTERNS if sum(1 for b in blocks if p.match(b.text)) >= 2), None
    )
    if pattern is None:  # no structure at all: one section
        return [ImportedSection(overview, join([b.text for b in blocks]), _first_page(blocks))]
    sections: list[ImportedSection] = []
    heading, page, body = overview, _first_page(blocks), []
    for block in blocks:
        match = pattern.match(block.text)
        if match is None:
            body.append(block.text)
            continue
        sections.append(ImportedSection(heading, join(body), page))
        page, body = block.page, []
        if len(block.text) <= MAX_TITLE_CHARACTERS and not _SENTENCE_END.search(block.text):
            heading = block.text
        else:  # "第五条 参赛作品须为原创……": the number is the heading, the rest is text
            heading = match.group(0).rstrip("、.．)）")
            body.append(block.text[match.end() :].strip())
    sections.append(ImportedSection(heading, join(body), page))
    return sections


def _paragraphs(lines: list[str]) -> str:
    return "\n\n".join(line.strip() for line in lines if line.strip())


def _first_page(blocks: list[Block]) -> int | None:
    return blocks[0].page if blocks else None


def _reflow(lines: list[str]) -> str:
    """Lines of one section as paragraphs. A PDF breaks a paragraph at each line's end: join
    those lines back (without a space between Chinese characters), and keep a new paragraph
    where a line ends a sentence."""
    paragraphs: list[str] = []
    current = ""
    for line in (part.strip() for text in lines for part in text.splitlines()):
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if not current:
            current = line
        elif _CJK_END.search(current) and _CJK_START.search(line):
            current += line
        else:
            current += " " + line
        if re.search(r"[。！？!?]$|[.:：]$", line):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)
