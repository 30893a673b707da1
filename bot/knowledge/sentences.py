"""A message's sentences, and which of them ask something."""

from __future__ import annotations

import re

# An emoji ends a sentence as a full stop would: "just joined 👋 when did it start?".
_EMOJI = "\U0001f300-\U0001faff\u2600-\u27bf"
SENTENCE = re.compile(rf".+?(?:[。！？!?；;{_EMOJI}]|\.(?=\s)|\n|$)\s*", re.S)


def sentences(message: str) -> list[str]:
    return [part.strip() for part in SENTENCE.findall(message) if part.strip()]


def asks(sentence: str) -> bool:
    """A question mark, or Chinese that asks without one ("需要跑去长沙吗")."""
    return sentence[-1] in "?？" or sentence.rstrip("。.!！~～ ")[-1:] in ("吗", "呢", "么")


def asking(message: str) -> list[str]:
    """The sentences of a message that ask something."""
    return [sentence for sentence in sentences(message) if asks(sentence)]
