"""The knowledge base, read-only, at /kb/<topic>#s<section>: where the web chat's source links
lead. Markdown is rendered with raw HTML off, so a knowledge file cannot inject a script."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from bot.i18n import Language
from bot.knowledge.passages import Passage

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("web_assets")),
    autoescape=jinja2.select_autoescape(["html"]),
)


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False})


def section_url(passages: Sequence[Passage], doc: str, heading: str) -> str | None:
    """The address of a cited section, or None when it is no longer in the index."""
    for passage in passages:
        if passage.doc == doc and passage.heading == heading:
            return f"/kb/{passage.topic}#s{passage.position}"
    return None


def knowledge_page(passages: Sequence[Passage], topic: str, language: Language) -> str | None:
    """One document's sections in the reader's language (else the other), as a page."""
    by_position: dict[int, Passage] = {}
    for passage in passages:
        if passage.topic != topic:
            continue
        chosen = by_position.get(passage.position)
        if chosen is None or (passage.language == language and chosen.language != language):
            by_position[passage.position] = passage
    if not by_position:
        return None
    sections = [
        {
            "anchor": f"s{position}",
            "heading": passage.heading,
            "body": Markup(_markdown().render(passage.text)),  # raw HTML is escaped by the parser
            "language": passage.language,
        }
        for position, passage in sorted(by_position.items())
    ]
    title = next(iter(by_position.values())).title
    return _templates.get_template("kb.html").render(
        title=title, sections=sections, language=language
    )
