"""The people the knowledge base names, so that a question can be recognised as asking about one
of them ("how old is Hu Zhaohui?") without listing every name in the intents."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.knowledge.passages import Passage

# The content's convention: an English section gives a person's name in Chinese too, "Lü Shaohe
# (吕绍和)", because members write names either way.
_NAMED = re.compile(r"([A-Z][\w'-]+(?: [A-Z][\w'-]+)+) \(([\u4e00-\u9fff·]{2,6})\)")
# Who a follow-up means without a name.
PRONOUNS = ("he", "she", "him", "her", "他", "她")


def people_named(passages: Iterable[Passage]) -> list[str]:
    """Each person's name as the knowledge writes it, in English and in Chinese."""
    names: set[str] = set()
    for passage in passages:
        for english, chinese in _NAMED.findall(passage.text):
            names.update((english, chinese))
    return sorted(names)
