"""Long answers arrive as several messages cut at paragraph ends, each under the limit."""

from __future__ import annotations

import html

from bot.message_split import split_message


def test_short_text_is_one_piece() -> None:
    assert split_message("hello", 10) == ["hello"]


def test_long_text_is_cut_at_paragraphs_and_loses_nothing() -> None:
    paragraphs = [f"Paragraph {n}: " + "word " * 150 for n in range(10)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    pieces = split_message(text, 4096)
    assert len(pieces) == 2
    assert all(len(p) <= 4096 for p in pieces)
    assert pieces[1].startswith("Paragraph")
    assert " ".join(" ".join(pieces).split()) == " ".join(text.split())


def test_text_without_boundaries_is_still_cut_under_the_limit() -> None:
    pieces = split_message("字" * 5000, 2000)
    assert [len(p) for p in pieces] == [2000, 2000, 1000]


def test_limit_applies_to_the_escaped_length() -> None:
    text = "a<b&c " * 1000
    pieces = split_message(text, 4096, measure=lambda piece: len(html.escape(piece)))
    assert all(len(html.escape(p)) <= 4096 for p in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
