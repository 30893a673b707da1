"""What a member offers to be checked: alternatives ("May or June?", "是200还是2000亿？", "in
Changsha or somewhere else?") and the figure of a fact they ask to confirm ("final is in 2025
yes?", "决赛是2025年吗？", "the launch was on 4/28?"). Checking a fact this way names things the
knowledge may not hold, so such a value a section lacks must not count against it: the answer
gives the fact as the section has it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.knowledge.sentences import sentences

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
# A statement put to be confirmed: "…, right?", "…yes?", "…对吧？", "决赛是2025年吗？", or a
# question that can be answered yes or no ("is the final in 2025?").
_CONFIRMING = re.compile(
    r"(?:\b(?:right|yes|yeah|correct|true|no|isn't it|is that right|is that so|am i right)"
    r"|对吧|对吗|对不对|是吧|是吗|没错吧|没错吗|吗)\s*[?？]*\s*$"
    r"|^(?:so\s+)?(?:is|was|are|were|will|does|did|do)\b",
    re.IGNORECASE,
)
# Or a statement with a question mark and no question word: "the launch day was 4/30?".
_STATED = re.compile(
    r"^(?!.*\b(?:what|whats|when|whens|where|wheres|who|whos|whom|which|why|how)\b)"
    r"[^\u4e00-\u9fff]*[?？]\s*$",
    re.IGNORECASE,
)
# The values such a statement checks: its figures, and another city it puts ("so the launch was
# in Beijing right?", content/places.toml). Not its other names or words: "did Hu Zhaohui go to
# Tsinghua?" and "did my teammate Kevin register?" ask what the bot declines.
_FIGURE = re.compile(r"\d[\d,.]*\s*(?:亿|万|千|百)?")
# A city is put as where something of the community's happens, not where a person studied or
# comes from ("did Hu Zhaohui study in Beijing?" is still a private question).
_EVENT = re.compile(
    r"启动|决赛|大赛|比赛|颁奖|举办|举行|社区|总部|\b(?:launch\w*|final\w*|contest|competition|"
    r"ceremony|event|held|community|kick-?off|hq|headquarter\w*|based)\b",
    re.IGNORECASE,
)


def offered_alternatives(question: str) -> list[str]:
    """The text of each alternative offered after "or" (还是, 或者), in order."""
    return [match.strip() for match in _OFFERED.findall(question) if match.strip()]


def city_pattern(cities: Sequence[str]) -> re.Pattern[str] | None:
    """Any of these cities, as a whole word where it is written in Latin letters."""
    if not cities:
        return None
    return re.compile(
        "|".join(rf"(?<![a-z]){re.escape(city)}(?![a-z])" for city in cities), re.IGNORECASE
    )


def confirmed_values(question: str, cities: re.Pattern[str] | None = None) -> list[str]:
    """The figures, and the `cities`, of each statement the message asks to confirm."""
    return [
        value
        for sentence in sentences(question)
        if _CONFIRMING.search(sentence) or _STATED.search(sentence)
        for value in [
            *_FIGURE.findall(sentence),
            *(cities.findall(sentence) if cities and _EVENT.search(sentence) else ()),
        ]
    ]
