"""What a model's answer cites, as a vote keeps it. Apart from the answerer so that recording a
vote needs no model client (processes without one never load the SDK)."""

from __future__ import annotations

import re

from bot.messages import Reply

_NUMBERED_LABEL = re.compile(r"^\[\d+\]\s*")


def cited_sources(reply: Reply) -> str:
    """The sections a reply cites, without their numbers ("Contest › Prizes; FAQ › …")."""
    return "; ".join(_NUMBERED_LABEL.sub("", citation.label) for citation in reply.citations)
