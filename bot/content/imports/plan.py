"""From a document's bytes to a checked knowledge file: what would be written, where, and what
changes against the file a previous import wrote. Nothing is written until `content check`
passes on a copy of the content folder holding the new file."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from bot.content.check import check_content
from bot.content.imports.extract import ImportRefused, extract, format_of
from bot.content.imports.fetch import too_big
from bot.content.imports.sections import ImportedDocument, cut_sections
from bot.content.loader import Problem
from bot.i18n import N_, Language, Translator, other_language
from bot.knowledge.dense import SHIPPED_VECTORS
from bot.knowledge.passages import KNOWLEDGE_DIR, PLACE_COMMENT, Passage, split_document

IMPORT_MARK = "<!-- Imported by `communitybot content import`"
OVERVIEW = {"zh": "概述", "en": "Overview"}
_DOC_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_LOOKS_LIKE_MARKDOWN = re.compile(r"^(\s{0,3}#|\s{0,3}(=+|-+)\s*$|\s{0,3}<!--)")


@dataclass(frozen=True, slots=True)
class Changes:
    """What a re-import changes, by section heading."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True, slots=True)
class ImportPlan:
    path: Path  # content/knowledge/<doc>.<lang>.md
    markdown: str
    language: Language
    document: ImportedDocument
    passages: list[Passage]  # the sections as the knowledge base will read them
    changes: Changes
    replaces: bool  # a previous import of this document is updated


def doc_name_for(source_name: str, data: bytes) -> str:
    """A knowledge file name from the source's name ("Rules 2024.pdf" → "rules-2024"), or from
    its content when the name has no Latin letters (a Chinese file name)."""
    stem = PurePosixPath(source_name.split("?")[0].rstrip("/")).stem.lower()
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:40].strip("-")
    return slug or "imported-" + hashlib.sha256(data).hexdigest()[:8]


def document_language(text: str) -> Language:
    """The language most of a document is written in: a Chinese word is about two characters
    (one Chinese name in an English guide does not make it Chinese)."""
    chinese = len(_CJK.findall(text)) / 2
    english = len(_LATIN_WORD.findall(text))
    return "zh" if chinese >= english else "en"


def plan_import(
    content_dir: Path,
    source_name: str,
    data: bytes,
    *,
    media_type: str | None = None,
    language: Language | None = None,
    doc: str | None = None,
    max_bytes: int,
    max_pages: int,
    today: date,
) -> ImportPlan:
    """Read the document and check the knowledge file it makes; ImportRefused on any problem,
    with nothing written."""
    if len(data) > max_bytes:
        raise too_big(len(data), max_bytes)
    doc = doc or doc_name_for(source_name, data)
    if not _DOC_NAME.match(doc):
        raise ImportRefused(
            N_("{doc} cannot name a document: use lower-case letters, digits and dashes."), doc=doc
        )
    extracted = extract(data, format_of(source_name, data, media_type), max_pages)
    text = "\n".join(block.text for block in extracted.blocks)
    language = language or document_language(text)
    document = cut_sections(extracted, OVERVIEW[language])
    title = document.title or doc.replace("-", " ").capitalize()
    path = content_dir / KNOWLEDGE_DIR / f"{doc}.{language}.md"
    replaces = path.exists()
    if replaces and IMPORT_MARK not in path.read_text(encoding="utf-8", errors="replace"):
        raise ImportRefused(
            N_("{file} already exists and was not imported: choose another document name."),
            file=path.name,
        )
    digest = hashlib.sha256(data).hexdigest()[:12]
    markdown = render(title, document, PurePosixPath(source_name).name, digest, today)
    passages = _checked(content_dir, path, markdown, language)
    previous = _previous_passages(path, doc, language) if replaces else []
    return ImportPlan(
        path, markdown, language, document, passages, _changes(previous, passages), replaces
    )


def plan_translation(
    content_dir: Path, original: ImportPlan, translated: ImportedDocument, today: date
) -> ImportPlan:
    """The other language's file of an import, checked together with the original."""
    language = other_language(original.language)
    doc = original.path.name.split(".")[0]
    path = original.path.with_name(f"{doc}.{language}.md")
    replaces = path.exists()
    if replaces and IMPORT_MARK not in path.read_text(encoding="utf-8", errors="replace"):
        raise ImportRefused(
            N_("{file} already exists and was not imported: choose another document name."),
            file=path.name,
        )
    source = f"a machine translation of {original.path.name}, for review"
    title = translated.title or doc
    digest = hashlib.sha256(original.markdown.encode()).hexdigest()[:12]
    markdown = render(title, translated, source, digest, today)
    passages = _checked(
        content_dir, path, markdown, language, also={original.path: original.markdown}
    )
    previous = _previous_passages(path, doc, language) if replaces else []
    return ImportPlan(
        path, markdown, language, translated, passages, _changes(previous, passages), replaces
    )


def apply(plan: ImportPlan) -> None:
    """Write the knowledge file in one step: a reader sees the old file or the new one.
    ImportRefused when the folder cannot be written (a read-only image, another owner)."""
    try:
        plan.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=plan.path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(plan.markdown)
        os.replace(temporary, plan.path)
    except OSError as error:
        raise ImportRefused(
            N_(
                "The knowledge folder {folder} cannot be written ({error}). With Docker, keep the "
                "content folder in a volume the bot can write (see the README)."
            ),
            folder=str(plan.path.parent),
            error=error.strerror or type(error).__name__,
        ) from None


def render(
    title: str, document: ImportedDocument, source_name: str, digest: str, today: date
) -> str:
    """The knowledge file, in the format of the bundled ones: a title, a section per heading,
    and where each section sits in the source."""
    lines = [
        f"{IMPORT_MARK} from {source_name} (sha256 {digest}) on {today.isoformat()}. "
        "Edit freely; importing the source again replaces this file. -->",
        "",
        f"# {_one_line(title)}",
    ]
    for section in document.sections:
        lines += ["", f"## {_one_line(section.heading)}"]
        if section.place:
            lines.append(PLACE_COMMENT.format(place=section.place))
        lines += ["", *_escaped(section.text)]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lstrip("#").strip()


def _escaped(text: str) -> list[str]:
    """Body lines that Markdown would read as a heading or a comment, made plain text."""
    return ["\\" + line if _LOOKS_LIKE_MARKDOWN.match(line) else line for line in text.split("\n")]


def _checked(
    content_dir: Path,
    path: Path,
    markdown: str,
    language: Language,
    also: dict[Path, str] | None = None,
) -> list[Passage]:
    """`content check` on a copy of the content folder holding the new file (and `also`, the
    files written with it)."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "content"
        shutil.copytree(content_dir, copy, ignore=shutil.ignore_patterns(SHIPPED_VECTORS))
        for written, text in {**(also or {}), path: markdown}.items():
            (copy / written.relative_to(content_dir)).write_text(text, encoding="utf-8")
        problems, _summary = check_content(copy)
        problems = [_relocated(p, copy, content_dir) for p in problems]
        passages, _ = split_document(path, path.name.split(".")[0], language, markdown)
    if problems:
        raise ImportRefused(
            N_("The imported document does not pass the content check:\n{problems}"),
            problems="\n".join(str(p) for p in problems[:10]),
        )
    return passages


def _relocated(problem: Problem, copy: Path, content_dir: Path) -> Problem:
    try:
        file = content_dir / problem.file.relative_to(copy)
    except ValueError:
        file = problem.file
    return Problem(file, problem.line, problem.field, problem.reason)


def _previous_passages(path: Path, doc: str, language: Language) -> list[Passage]:
    source = path.read_text(encoding="utf-8", errors="replace")
    return split_document(path, doc, language, source)[0]


def _changes(previous: list[Passage], current: list[Passage]) -> Changes:
    before = {p.heading: p.text for p in previous}
    after = {p.heading: p.text for p in current}
    return Changes(
        added=[h for h in after if h not in before],
        changed=[h for h in after if h in before and before[h] != after[h]],
        removed=[h for h in before if h not in after],
        unchanged=sum(1 for h in after if before.get(h) == after[h]),
    )


def describe(plan: ImportPlan, t: Translator) -> str:
    """What an import would do, for the organizer to confirm: the sections found and, for a
    re-import, what changes."""
    headings = "\n".join(f"• {p.label}" for p in plan.passages)
    if plan.language == "zh":
        found = N_("{file}: {count} section(s), in Chinese:\n{headings}")
    else:
        found = N_("{file}: {count} section(s), in English:\n{headings}")
    text = t.gettext(found, file=plan.path.name, count=len(plan.passages), headings=headings)
    if plan.replaces:
        changes = plan.changes
        text += "\n\n" + t.gettext(
            "Against the previous import: {added} added, {changed} changed, {removed} removed, "
            "{unchanged} unchanged.",
            added=len(changes.added),
            changed=len(changes.changed),
            removed=len(changes.removed),
            unchanged=changes.unchanged,
        )
        for heading in changes.changed:
            text += "\n" + t.gettext("changed: {heading}", heading=heading)
        for heading in changes.added:
            text += "\n" + t.gettext("added: {heading}", heading=heading)
        for heading in changes.removed:
            text += "\n" + t.gettext("removed: {heading}", heading=heading)
    return text
