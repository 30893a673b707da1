"""The alternatives a member offers: "May or June?", "是200还是2000亿？", "in Changsha or
somewhere else?". Checking a fact this way names at least one thing the knowledge does not
hold, so an alternative a section lacks must not count against it."""

from __future__ import annotations

import re

# What follows "or" up to the end of its clause. An alternative is a word or two that ends the
# clause ("May or June?"); a longer remainder asks something more ("Discord or Telegram for the
# community itself, where I can meet other devs?"); so does a new question after it ("…in
# Chinese, or can we submit in English?").
_OFFERED = re.compile(
    r"(?:\bor\b(?!\s+(?:can|could|do|does|did|should|shall|will|would|may|might|must)\b)"
    r"|还是|或者|或是)\s*([^?？,，.。!！;；:：\n]+)",
    re.IGNORECASE,
)
WORDS_PER_ALTERNATIVE = 2


def offered_alternatives(question: str) -> list[str]:
    """The text of each alternative offered after "or" (还是, 或者), in order."""
    return [match.strip() for match in _OFFERED.findall(question) if match.strip()]
