"""Does a message look like a question? Used while a conversation waits for an answer (a team
name, an idea): "How can I use the cloud desktop?" is a question to answer, not a team name."""

from __future__ import annotations

import re

# Openings of English questions, and Chinese question words that team names and one-line ideas
# rarely start or end with.
_ENGLISH_OPENING = re.compile(
    r"^(how|what|when|where|which|who|whom|whose|why|is|are|am|can|could|do|does|did|will|"
    r"would|should|may|shall|has|have|tell me|please tell|i want to know)\b",
    re.IGNORECASE,
)
_CHINESE_OPENING = ("请问", "怎么", "怎样", "如何", "为什么", "什么时候", "哪里", "哪些", "哪个",
                    "有没有", "能不能", "可不可以", "是不是", "是否", "能否", "谁")  # fmt: skip
_CHINESE_ENDING = ("吗", "呢", "么", "没有", "多少", "几个", "几号", "哪里", "哪儿", "什么")


def looks_like_question(text: str) -> bool:
    text = text.strip()
    if not text:
        return False
    if text.endswith(("?", "？")):
        return True
    if _ENGLISH_OPENING.match(text):
        return True
    bare = text.rstrip("。.!！~～ ")
    return bare.startswith(_CHINESE_OPENING) or bare.endswith(_CHINESE_ENDING)
