"""An intent's words as regular expressions: its openings and phrases, its phrases about a
person ("how old is {person}") and about a general term ("what is {term}"), and the words that
must or must not be beside them. `Shape.matches` says whether a question has the intent's shape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.knowledge.people import PeopleWords, any_of
from bot.knowledge.sentences import asking

# "from the Mango 5G lab", "at Wondershare": up to five words of where someone works.
_AFFILIATION = r"(?:\s+(?:from|of|at)\s+[\w&'./-]+(?:\s+[\w&'./-]+){0,4}?)?"
# "AIGC content", "超高清内容": the same term. (Not "AIGC技术" / "AIGC tech": members' short
# name for the technical innovation track.)
_TERM_NOUNS = r"(?:content|内容)(?![a-z])"
_QUOTES = "\"'“”‘’「」『』"
# Where a term opening its phrase may stand: at the start, after a space, punctuation or a
# quote, or after a lead-in ("请问AIGC是什么"); not inside a longer name ("万兴数字人是什么",
# "开源大模型是什么" ask about a company and CSDN's goal).
_TERM_EDGE = (
    r"(?:(?<![\w\ue000])|(?<=请问)|(?<=问下)|(?<=问一下)|(?<=想问)|(?<=话说)|(?<=所以)|(?<=那)"
    r"|(?<=到底)|(?<=就是)|(?<=这个)|(?<=那个))"
)
# Where a "what is {term}" phrase must stop: fillers, then the sentence's end (punctuation, an
# emoji or an emoticon, or nothing), not more words ("what is AIGC worth to the contest").
_FILLERS = (
    "exactly", "actually", "really", "anyway", "anyways", "again", "though", "tho", "then", "lol",
    "haha", "lmao", "btw", "pls", "please", "啊", "呀", "呢", "哈", "呗", "哇", "来着", "嘛", "吗",
    "亲", "捏", "哦", "呐",
)  # fmt: skip
_SENTENCE_END = rf"(?:\s*(?:{'|'.join(_FILLERS)}))*\s*(?:[^\w\s'’]|$)"


# At most this much around a definition: a CJK character counts one, an English word or a
# term two.
_AROUND_A_DEFINITION = 6
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")  # "what's" is one word


# "队名…改": the two parts in this order, with at most this many characters between them, commas
# included, and no end of a sentence (a full stop only before a space or the end: "4.29" and "v2.0"
# do not end one).
_GAP_CHARACTERS = 40
_GAP = rf"(?:[^。.!！?？]|\.(?!\s|$)){{0,{_GAP_CHARACTERS}}}?"
# "{make}": a part of a phrase that stands for the intent's list of words of that name.
LIST_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def phrase(text: str, words: Mapping[str, Sequence[str]] | None = None) -> str:
    """A phrase as a pattern: English words whole ("his wechat" is not in "this wechat"), 他/她
    not after 其 or 吉 (其他 means "other", 吉他 is a guitar). "…" stands for a few words of
    the same sentence: "change…team name" is in "how do I change our team name". A part that is
    only "{name}", a list of `words`, stands for any of them: "{make}…{text}" is in
    "整理成一条朋友圈" as in "起草一篇新闻通稿"."""
    if "…" in text:
        return _GAP.join(phrase(part.strip(), words) for part in text.split("…") if part.strip())
    if (named := LIST_PLACEHOLDER.fullmatch(text.strip())) and words and named[1] in words:
        listed = sorted({w.casefold() for w in words[named[1]]}, key=len, reverse=True)
        return f"(?:{'|'.join(phrase(w) for w in listed)})"
    if not text:
        return ""
    text = text.casefold()
    pattern = re.escape(text)
    # Whole English words, but beside Chinese too: "csdn" in "CSDN会员多少钱" (where \b finds
    # no edge, 会 being a word character as well).
    if text[:1].isascii() and text[:1].isalpha():
        pattern = r"(?<![a-z0-9_])" + pattern
    if text[-1:].isascii() and text[-1:].isalpha():
        pattern += r"(?![a-z0-9_])"
    if text.startswith(("他", "她")):
        pattern = "(?<![其吉])" + pattern
    return pattern


_CHINESE_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
# After a title that ends in 总 ("蒋总"), not the rest of a word that 总 begins: 总结, 总共, 总是…
_NOT_A_WORD_WITH_ZONG = r"(?:(?<=总)(?![结共计体数额量和部之是算归])|(?<!总))"


def person_pattern(
    names: Sequence[str],
    words: PeopleWords,
    with_affiliation: bool = False,
    role: str | None = None,
    anyone_titled: bool = False,
) -> str:
    """Any of these names, the longest first ("Hu Zhaohui" before "he"), with how members
    address someone around it ("Mr. Li Qiang", "熊琛总经济师"), and if asked, where they work
    after the name ("Wu Hong from the Mango 5G lab"); or, given its pattern, someone described
    by their role ("the tencent guy"); or a surname with a title ("蒋总")."""
    ordered = sorted({name.casefold() for name in names}, key=len, reverse=True)
    honorific = any_of(words.honorifics)
    title = any_of(words.titles)
    affiliation = _AFFILIATION if with_affiliation else ""
    alternatives = [phrase(name) for name in ordered] + ([role] if role else [])
    # "蒋总", "胡主任": a named person's surname with a title, as a group chat calls them, or
    # with `anyone_titled` anyone's ("组委会的张老师"). The title is needed (胡 alone is no one),
    # and 总 not in a word ("每周总结", "总是").
    surnames = {name[0] for name in ordered if _CHINESE_NAME.fullmatch(name)}
    if anyone_titled:
        surnames.update(words.surnames_zh)
    if surnames and words.titles:
        alternatives.append(f"(?:{any_of(tuple(surnames))})(?:{title}){_NOT_A_WORD_WITH_ZONG}")
    return (
        rf"(?:(?<![a-z])(?:{honorific})\s*)?"
        f"(?:{'|'.join(alternatives)})(?:{title})?{affiliation}"
    )


def named_only(phrases: Sequence[str]) -> list[str]:
    """The phrases about someone with {person} put as {member}, the placeholder whose pattern
    is given: for the pattern of names alone."""
    return [text.replace("{person}", "{member}") for text in phrases]


# A term, once found, stands as this one character in the text the phrases are matched on: one
# pattern for the terms and one for the phrases, rather than every term in every phrase (which
# compiled to a regular expression of a million characters and 60 MB held for good).
_TERM = "\ue000"


@dataclass(frozen=True, slots=True)
class Definitions:
    """ "what is {term}" phrases, each of which must end its sentence: "what is AIGC exactly?"
    asks for a definition, "what is AIGC worth to the contest" does not."""

    terms: re.Pattern[str]
    phrases: re.Pattern[str]

    @classmethod
    def of(cls, phrases: Sequence[str], terms: Sequence[str]) -> Definitions | None:
        if not phrases or not terms:
            return None
        ordered = sorted({term.casefold() for term in terms}, key=len, reverse=True)
        alternatives = "|".join(phrase(t) for t in ordered)
        quote = f"[{re.escape(_QUOTES)}]?"
        one = rf"{quote}(?:{alternatives})(?:\s*{_TERM_NOUNS})?{quote}"
        # "什么是AIGC和UGC", "AIGC、UGC、PGC分别是什么": several terms at once; "AIGC到底是什么",
        # "元宇宙究竟是个啥": an adverb between the terms and their phrase.
        joined = (
            rf"{_TERM}(?:\s*(?:、|,|，|/|&|和|与|跟|\band\b|\bor\b)\s*{_TERM})*(?:到底|究竟|具体)?"
        )
        patterns = []
        for text in phrases:
            parts = [phrase(part.strip()) if part.strip() else "" for part in text.split("{term}")]
            pattern = rf"\s*{joined}\s*".join(parts)
            patterns.append((_TERM_EDGE if not parts[0] else "") + pattern + _SENTENCE_END)
        return cls(re.compile(one), re.compile("|".join(f"(?:{p})" for p in patterns)))

    def only_a_definition(self, text: str) -> bool:
        """A definition asked, with no other question and no more than a few words around it
        ("hi, what is AIGC?", "AIGC到底啥意思，通俗讲讲"; not "超高清是什么？交的片子要多少分辨率",
        "what does AIGC mean? trying to figure out if my animation fits"). Definitions one after
        another are one ("AIGC到底啥意思，跟大模型有啥区别，科普一下", "what is AIGC? how is it
        different from generative AI?")."""
        marked = self.terms.sub(_TERM, text)
        questions = asking(marked)
        if len(questions) > 1 and not all(self.phrases.search(q) for q in questions):
            return False
        rest = self.phrases.sub(" ", marked)
        if rest == marked:
            return False
        words = len(_LATIN_WORD.findall(rest)) + rest.count(_TERM)
        return len(_CJK.findall(rest)) + 2 * words <= _AROUND_A_DEFINITION


# What ends a sentence or a clause before an opening (not an ASCII comma: "For the creative
# track, design a poster or a video, which is better?" asks).
_CLAUSE_ENDS = re.escape("，。.!！?？;；~～…")
# Nothing but fillers and punctuation to the end of the message.
_ONLY_A_SIGN_OFF = rf"(?:\s*(?:{'|'.join(_FILLERS)}))*\s*[^\w\s]*$"


def shape_pattern(
    starts: Sequence[str] = (),
    contains: Sequence[str] = (),
    words: Mapping[str, Sequence[str]] | None = None,
) -> re.Pattern[str] | None:
    """One expression for openings and phrases. An opening may open any sentence or clause:
    "GitCode是CSDN跟华为云推出的吧，帮我写段朋友圈文案" is a writing task after its check. Not
    one that only signs off: "... to support the community? tl;dr pls" asks for a short answer."""
    openings = "|".join(phrase(s, words) for s in starts)
    after_a_clause = rf"(?<=[{_CLAUSE_ENDS}])\s*(?:{openings})(?!{_ONLY_A_SIGN_OFF})"
    parts = [rf"^(?:{openings})|{after_a_clause}"] if starts else []
    if contains:
        parts.append(f"(?:{'|'.join(phrase(c, words) for c in contains)})")
    return re.compile("|".join(parts)) if parts else None


@dataclass(frozen=True, slots=True)
class AboutSomeone:
    """Phrases about a person ("how old is {person}"), looked for only where someone is named at
    all. The names (`who`: names, honorifics, titles) make a pattern of thousands of characters,
    quick to rule out, and most questions name nobody."""

    phrases: re.Pattern[str]
    who: re.Pattern[str]

    @classmethod
    def of(cls, about: Sequence[str], person: str, member: str) -> AboutSomeone | None:
        if not about:
            return None
        # The phrases grouped around each name pattern: "(?:how old is|where does)\s*{person}",
        # "{person}\s*(?:'s wife|的电话)". The same expression as one alternative per phrase,
        # each holding the whole name pattern, but a tenth of its size: that one took a second to
        # compile in every process (and every test) that builds the index.
        before_only: dict[str, list[str]] = {}
        after: dict[tuple[str, str], list[str]] = {}
        for template in about:
            placeholder, who = (
                ("{member}", member) if "{member}" in template else ("{person}", person)
            )
            opening, _, ending = template.partition(placeholder)
            opening = phrase(opening.rstrip()) + r"\s*" if opening.strip() else ""
            if ending.strip():
                after.setdefault((who, opening), []).append(phrase(ending.lstrip()))
            else:
                before_only.setdefault(who, []).append(opening)
        phrases = [f"(?:{'|'.join(openings)}){who}" for who, openings in before_only.items()]
        phrases += [
            rf"{opening}{who}\s*(?:{'|'.join(endings)})"
            for (who, opening), endings in after.items()
        ]
        who = "|".join(f"(?:{w})" for w in (person, member) if w)
        return cls(re.compile("|".join(f"(?:{p})" for p in phrases)), re.compile(who))

    def search(self, text: str) -> bool:
        return self.who.search(text) is not None and self.phrases.search(text) is not None


@dataclass(frozen=True, slots=True)
class Shape:
    """What makes a question an intent by its words."""

    words: re.Pattern[str] | None  # openings and phrases
    unless: re.Pattern[str] | None
    only_with: re.Pattern[str] | None
    about: AboutSomeone | None = None  # phrases about a person or a pronoun
    # Phrases about someone the knowledge names, by name: whatever else the question says.
    named: AboutSomeone | None = None
    # "what is {term}": only where the message is little else ("AIGC是什么意思？我能参加吗"
    # asks whether one may take part), and with none of `unless`.
    definition: Definitions | None = None

    def ruled_out(self, text: str) -> bool:
        """`text` holds one of `unless` (and names no one the knowledge names)."""
        if self.named is not None and self.named.search(text):
            return False
        return self.unless is not None and self.unless.search(text) is not None

    def matches(self, text: str) -> bool:
        """`text`: the question casefolded, its spaces collapsed."""
        if self.named is not None and self.named.search(text):
            return True
        if self.unless is not None and self.unless.search(text):
            return False
        if self.definition is not None and self.definition.only_a_definition(text):
            return True
        worded = (self.words is not None and self.words.search(text) is not None) or (
            self.about is not None and self.about.search(text)
        )
        return worded and (self.only_with is None or self.only_with.search(text) is not None)
