"""Read the text out of a PDF, a Word file, a web page or a Markdown file, as blocks: headings
with their level, and paragraphs, each with the page it is on when the format has pages.

Each format has a maintained library that does the reading: pypdf (pure Python, reads encrypted
and broken files far enough to say so), python-docx (paragraph styles give the headings),
trafilatura (finds a page's article among its navigation, and keeps its headings)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from markdown_it import MarkdownIt

from bot.i18n import N_, Translator

# Fewer characters of text than this, once the navigation is gone, is not a document.
MIN_TEXT_CHARACTERS = 40
# A page whose extracted text is mostly its link labels is a menu, not an article.
MAX_LINK_SHARE = 0.6
FORMATS = ("pdf", "docx", "html", "markdown")
_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
}
_MEDIA_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
}
_DOCX_HEADING = re.compile(r"^(?:Heading|标题)\s*(\d)$", re.I)


class ImportRefused(Exception):
    """A document that cannot be imported, with a reason an organizer can act on. `message` is
    an English text marked for translation, with `{placeholders}` filled from `details`."""

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message.format(**details))
        self.message = message
        self.details = details

    def told(self, t: Translator) -> str:
        """What the organizer reads: nothing was imported, and why, in their language."""
        reason = t.gettext(self.message, **self.details)
        return t.gettext("Nothing was imported: {reason}", reason=reason)


@dataclass(frozen=True, slots=True)
class Block:
    text: str
    heading_level: int = 0  # 0: body text; 1: title; 2, 3…: headings
    page: int | None = None  # 1-based, for formats that have pages


@dataclass(frozen=True, slots=True)
class Extracted:
    blocks: list[Block]
    title: str | None  # what the file calls itself (PDF or Word metadata, the page's <title>)
    pages: int | None = None
    # Lines broken where the page ended, not where the author did (PDF): join them back.
    reflow: bool = False


def format_of(name: str, data: bytes, media_type: str | None = None) -> str:
    """The document's format from its bytes, its media type or its name; ImportRefused when
    none of them is one we read."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if media_type and media_type.split(";")[0].strip().lower() in _MEDIA_TYPES:
        return _MEDIA_TYPES[media_type.split(";")[0].strip().lower()]
    suffix = PurePosixPath(name.lower()).suffix
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    raise ImportRefused(
        N_(
            "{name} is not a document I can import: send a PDF, a Word (.docx) file, a web page "
            "or a Markdown file."
        ),
        name=name,
    )


def extract(data: bytes, kind: str, max_pages: int) -> Extracted:
    """The document's blocks; ImportRefused when it is broken, locked, scanned or empty."""
    readers = {"pdf": _pdf, "docx": _docx, "html": _html, "markdown": _markdown}
    extracted = readers[kind](data, max_pages)
    text = "".join(block.text for block in extracted.blocks)
    if len(text.strip()) < MIN_TEXT_CHARACTERS:
        raise ImportRefused(N_("The document has no text to import."))
    return extracted


def _pdf(data: bytes, max_pages: int) -> Extracted:
    from pypdf import PdfReader  # only an import needs it: an idle bot doesn't load it
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportRefused(
                N_("The PDF is protected by a password. Save a copy without one and send that.")
            )
        pages = list(reader.pages)
        if len(pages) > max_pages:
            raise ImportRefused(
                N_("The PDF has {pages} pages; the limit is {limit}."),
                pages=len(pages),
                limit=max_pages,
            )
        blocks = [
            Block(line.strip(), page=number)
            for number, page in enumerate(pages, start=1)
            for line in (page.extract_text() or "").splitlines()
            if line.strip()
        ]
        title = str((reader.metadata or {}).get("/Title") or "").strip() or None
    except ImportRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise ImportRefused(N_("The PDF cannot be read ({error})."), error=_short(error)) from None
    if pages and not blocks:
        raise ImportRefused(
            N_(
                "The PDF has no text layer: it looks scanned. Import a version with text "
                "(run it through OCR first) or the original Word file."
            )
        )
    title = None if title in {"untitled", "anonymous"} else title
    return Extracted(blocks, title, len(pages), reflow=True)


def _docx(data: bytes, max_pages: int) -> Extracted:
    from docx import Document  # only an import needs it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ImportRefused(
            N_("The Word file cannot be read ({error}). Only .docx files are read, not .doc."),
            error=_short(error),
        ) from None
    blocks = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = paragraph.style.name if paragraph.style is not None else ""
        heading = _DOCX_HEADING.match(style)
        level = 1 if style == "Title" else int(heading[1]) + 1 if heading else 0
        blocks.append(Block(text, heading_level=level))
    for table in document.tables:  # tables after the text: a rules table is still found
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                blocks.append(Block(" | ".join(dict.fromkeys(cells))))
    title = (document.core_properties.title or "").strip() or None
    return Extracted(blocks, title)


def _html(data: bytes, max_pages: int) -> Extracted:
    import trafilatura  # only an import needs it
    from trafilatura.utils import decode_file

    page = decode_file(data)  # the page's own charset: many Chinese sites still serve GBK
    article = trafilatura.extract(
        page, output_format="markdown", include_formatting=True, include_links=False
    )
    if not article:
        raise ImportRefused(N_("The page has no article text to import."))
    if _link_share(page, article) > MAX_LINK_SHARE:
        raise ImportRefused(
            N_(
                "The page is mostly navigation (links and menus), with no article to import. "
                "Send the address of the page that holds the text itself."
            )
        )
    metadata = trafilatura.extract_metadata(page)
    extracted = _markdown(article.encode(), max_pages)
    return Extracted(extracted.blocks, extracted.title or (metadata.title if metadata else None))


def _link_share(page: str, article: str) -> float:
    """How much of what was taken for the article is the page's link labels: where a page
    has no article, the extractor falls back to its menus."""
    from lxml import html as lxml_html  # trafilatura's own parser

    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, TypeError):
        return 0.0
    labels = {" ".join("".join(link.itertext()).split()) for link in tree.iter("a")}
    lines = [" ".join(line.split()) for line in article.splitlines() if line.strip()]
    total = sum(len(line) for line in lines)
    linked = sum(len(line) for line in lines if line in labels)
    return linked / total if total else 0.0


def _markdown(data: bytes, max_pages: int) -> Extracted:
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportRefused(N_("The Markdown file is not UTF-8 text.")) from None
    tokens = MarkdownIt("commonmark").parse(source)
    lines = source.splitlines()
    headings = [
        (int(token.tag[1]), token.map[0], tokens[index + 1].content.strip())
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.map
    ]
    blocks: list[Block] = []
    boundaries = [start for _level, start, _text in headings] + [len(lines)]
    first = boundaries[0]
    if "\n".join(lines[:first]).strip():
        blocks.append(Block("\n".join(lines[:first]).strip()))
    for level, start, text in headings:
        blocks.append(Block(text, heading_level=level))
        end = next(b for b in boundaries if b > start)
        body = "\n".join(lines[start + 1 : end]).strip()
        if body:
            blocks.append(Block(body))
    titles = [text for level, _start, text in headings if level == 1]
    return Extracted(blocks, titles[0] if len(titles) == 1 else None)


def _short(error: BaseException) -> str:
    return (str(error) or type(error).__name__)[:120]
