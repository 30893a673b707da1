"""The people the knowledge base names, so that a question can be recognised as asking about one
of them ("how old is Hu Zhaohui?") without listing every name in the intents."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.content.loader import Problem, read_toml
from bot.knowledge.passages import Passage

# The content's convention: an English section gives a person's name in Chinese too, "Lü Shaohe
# (吕绍和)", because members write names either way.
_NAMED = re.compile(r"([A-Z][\w'-]+(?: [A-Z][\w'-]+)+) \(([\u4e00-\u9fff·]{2,6})\)")
# Who a follow-up means without a name.
PRONOUNS = ("he", "she", "him", "her", "他", "她")
PEOPLE_FILE = "people.toml"


class _Relations(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zh: list[str] = []
    en: list[str] = []


class _PeopleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    honorifics: list[str] = []
    titles: list[str] = []
    roles: list[str] = []
    surnames_zh: list[str] = []
    relations: _Relations = _Relations()


@dataclass(frozen=True, slots=True)
class PeopleWords:
    """How members speak of people (`content/people.toml`): how they address someone they name,
    the roles they describe someone by, and how they name another member."""

    honorifics: tuple[str, ...] = ()  # "Mr. Li Qiang"
    titles: tuple[str, ...] = ()  # "熊琛总经济师", "蒋总"
    roles: tuple[str, ...] = ()  # "the chief economist"
    surnames_zh: tuple[str, ...] = ()  # 小王, 老张
    relations_zh: tuple[str, ...] = ()  # 我同学
    relations_en: tuple[str, ...] = ()  # my teammate

    def role(self) -> str | None:
        """Someone described by their role, perhaps with where they work before it ("the
        tencent guy from the panel", "the malanshan deputy director", "the Mango (5G lab)
        product tech center GM", "那个腾讯云的总经理")."""
        if not self.roles:
            return None
        roles = any_of(self.roles)
        # Up to six words between: "the Wondershare digital human Hunan ops center GM", "the
        # Tencent Cloud EO / video product GM".
        after_the = r"the\s+(?:[a-z0-9&./()-]+\s+){0,6}?"
        # Or where they work, possessive, before it: "CSDN's founder", "Hunan TV's tech guy".
        after_whose = r"[a-z0-9&.-]+(?:\s+[a-z0-9&.-]+){0,2}?'s\s+(?:[a-z0-9&.()-]+\s+){0,3}?"
        english = rf"(?<![a-z0-9_])(?:{after_the}|{after_whose})(?:{roles})(?![a-z0-9_])"
        # "那个腾讯云的总经理", "那位马栏山的主任": a title after 那个/那位 and where they work.
        chinese = rf"(?:那个|那位|这位|这个)[\w\u4e00-\u9fff]{{1,10}}?(?:{any_of(self.titles)})"
        return f"{english}|{chinese}" if self.titles else english

    def other_member(self) -> str:
        """Another member, as the one asking names them: "我同学张伟", "my teammate Li Ming" (the
        relation, then perhaps a name of a word or two). Or someone named by what they are
        called: "群里那个叫小鱼的", "the guy called Bob in our server", or by their handle after
        "that" ("群里那个@阿杰", "that @jay in the group"; the bot's own mention opens a message,
        without "that"), or as someone of the group ("群里阿杰"), or by a handle inside the
        message ("which track did @kevin_w register for?"), or as 小王 or 老张."""
        relations_zh = any_of(self.relations_zh)
        relations_en = any_of(self.relations_en)
        surnames_zh = any_of(self.surnames_zh)
        alternatives = (
            rf"(?:我的?|我们的?)(?:{relations_zh})(?:[\u4e00-\u9fff]{{2,3}})?",
            r"(?:那个|一个|有个)(?:网名)?叫[\u4e00-\u9fff\w]{1,8}?的",
            rf"(?:my|our) (?:{relations_en})(?: [a-z]+){{0,2}}",
            r"(?:a|the|this|that) (?:guy|girl|person|user|member|dude|lady|man|woman) "
            r"(?:named|called) \w+",
            r"someone (?:named|called) \w+",
            r"(?:那个|这个)\s*@[\w\u4e00-\u9fff]{1,20}\s*",
            r"群里(?:的)?[\u4e00-\u9fff]{2,3}",
            r"(?:that|this) @\w+",
            r"(?<=[\s\u4e00-\u9fff，,])@\w+",
            rf"(?:小|老|阿)(?:{surnames_zh})",
        )
        return "|".join(alternatives)


# Names and pronouns alone are people: what a matcher built without the content knows.
NO_PEOPLE_WORDS = PeopleWords()


def load_people_words(content_dir: Path) -> tuple[PeopleWords, list[Problem]]:
    path = content_dir / PEOPLE_FILE
    if not path.exists():
        return NO_PEOPLE_WORDS, []
    raw, problems = read_toml(path, _PeopleFile, "people", "expected lists of words")
    if raw is None:
        return NO_PEOPLE_WORDS, problems
    return (
        PeopleWords(
            honorifics=tuple(w.casefold() for w in raw.honorifics),
            titles=tuple(raw.titles),
            roles=tuple(w.casefold() for w in raw.roles),
            surnames_zh=tuple(raw.surnames_zh),
            relations_zh=tuple(raw.relations.zh),
            relations_en=tuple(w.casefold() for w in raw.relations.en),
        ),
        [],
    )


def any_of(words: tuple[str, ...]) -> str:
    """The words as alternatives of a pattern, the longest first ("副主任" before "主任"); for
    none, a pattern that matches nothing."""
    if not words:
        return "(?!)"
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def people_named(passages: Iterable[Passage]) -> list[str]:
    """Each person's name as the knowledge writes it, in English and in Chinese."""
    names: set[str] = set()
    for passage in passages:
        for english, chinese in _NAMED.findall(passage.text):
            names.update((english, chinese, *_as_typed(english)))
    return sorted(names)


def _as_typed(name: str) -> set[str]:
    """ "Lu Shaohe", "Lv Shaohe", "Lyu Shaohe" for "Lü Shaohe": pinyin keyboards have no ü."""
    return {name.replace("ü", typed) for typed in ("u", "v", "yu") if "ü" in name}
