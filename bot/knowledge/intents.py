"""Intents from `content/intents.toml`: questions about the bot itself ("how do I sign up?"),
answered with the command that does it, and questions it must decline (other members' data,
writing tasks, unrelated topics), recognised by their closeness to the intent's examples."""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.content.loader import Problem, read_toml
from bot.content.models import Bilingual
from bot.knowledge.dense import Embedder, passage_vectors
from bot.knowledge.people import NO_PEOPLE_WORDS, PRONOUNS, PeopleWords
from bot.knowledge.places import OTHER_CITY, load_other_cities
from bot.knowledge.shapes import (
    LIST_PLACEHOLDER,
    AboutSomeone,
    Definitions,
    Shape,
    named_only,
    person_pattern,
    shape_pattern,
)
from bot.knowledge.tokenize import tokenize

INTENTS_FILE = "intents.toml"
_SPACES = re.compile(r"\s+")
_LINE_BREAK = re.compile(r"\s*\n\s*")


class Intent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    answer: Bilingual
    examples: list[str] = Field(min_length=1)
    command: str | None = None  # the command a button under the answer runs
    button: Bilingual | None = None
    decline: bool = False  # not something the bot answers: the answer says so, without sources
    # A knowledge section (its heading, in any language) about the same thing: a question that
    # finds that section gets this intent's answer and button instead.
    section: str | None = None
    # Knowledge sections (headings, in any language) whose answer keeps its own text and gets
    # this intent's button under it: the list of tracks, after "what tracks are there?", gets
    # [Register interest].
    button_under: list[str] = []
    # A question that starts with one of these (or has a clause that does) is this intent,
    # whatever it names: "帮我写一份AIGC应用创新赛道的计划书" is a writing task, though most of
    # its words are a track's.
    starts: list[str] = []
    # A question that holds one of these is this intent, whatever it names: "蒋涛的私人邮箱"
    # asks for someone's data, though it names a speaker the knowledge describes. In any of these
    # phrase lists, "…" stands for a few words of the same sentence ("队名…改"), and a part
    # "{name}" for any of `words[name]`.
    contains: list[str] = []
    # Word lists that phrases name as a whole part, "{make}…{text}": one line for what would be
    # hundreds of phrases, each verb of making beside each kind of text.
    words: dict[str, list[str]] = {}
    # Unless it holds one of these: "Hu Zhaohui's email" asks for someone's data, "the
    # organizer's email" for the contest's contact.
    unless: list[str] = []
    # Phrases about a person, "{person}" standing for anyone the knowledge names or a pronoun:
    # "how old is {person}" declines "how old is Hu Zhaohui?" but not "how old is the community?".
    # "{member}" stands for the names and for another member named by relation ("我同学张伟",
    # "my teammate Li Ming"), for phrases that ask for a member's own record.
    about_someone: list[str] = []
    # Phrases that ask what a general term means, "{term}" standing for any of `terms`: "什么是
    # {term}" declines "什么是超高清？" but not "什么是超高清产业园" (the phrase must end the
    # sentence), nor a question that names none of the terms.
    what_is: list[str] = []
    terms: list[str] = []
    # When given, the intent's phrases count only in a question that also holds one of
    # these: "怎么收费" asks for a product's price in "腾讯云EdgeOne怎么收费", not in
    # "云桌面怎么收费".
    only_with: list[str] = []
    # Recognised by its words alone: its examples show what the words catch (the content check
    # makes sure they do) but are not neighbours to match by meaning. Examples full of the
    # article's names ("华为云的云桌面多少钱") would draw questions about the community itself.
    shape_only: bool = False

    @property
    def has_words(self) -> bool:
        """Whether any words make a question this intent (not only nearness to its examples)."""
        return bool(self.starts or self.contains or self.about_someone or self.what_is)

    @model_validator(mode="after")
    def _command_or_decline(self) -> Intent:
        if (self.command is None) == (not self.decline):
            raise ValueError("give either `command` (with `button`) or `decline = true`")
        if self.command is not None and self.button is None:
            raise ValueError("an intent with a command needs a `button` label")
        if self.button_under and self.command is None:
            raise ValueError("`button_under` needs a `command` for the button to run")
        if self.shape_only and not self.has_words:
            raise ValueError(
                "a `shape_only` intent needs `starts`, `contains`, `about_someone` or `what_is`"
            )
        for name, listed in self.words.items():
            if not LIST_PLACEHOLDER.fullmatch(f"{{{name}}}") or not all(w.strip() for w in listed):
                raise ValueError(f"`words` list {name!r}: a lowercase name, words none blank")
            if not listed:
                raise ValueError(f"`words` list {name!r} is empty: it would match every message")
        for field in ("starts", "contains", "unless", "only_with"):
            for text in getattr(self, field):
                for part in text.split("…"):
                    named = LIST_PLACEHOLDER.fullmatch(part.strip())
                    if (named is None and "{" not in part) or part.strip() == OTHER_CITY:
                        continue
                    if named is None or named[1] not in self.words:
                        raise ValueError(
                            f"{field} phrase {text!r}: {part.strip()!r} is not a whole part "
                            "naming one of `words`"
                        )
        if bool(self.what_is) != bool(self.terms):
            raise ValueError("`what_is` phrases and their `terms` go together")
        for phrase in self.what_is:
            if "{term}" not in phrase:
                raise ValueError(f"`what_is` phrase {phrase!r} names no {{term}}")
        # Without its placeholder a phrase would silently wait for a name after it.
        for phrase in self.about_someone:
            if "{person}" not in phrase and "{member}" not in phrase:
                raise ValueError(
                    f"`about_someone` phrase {phrase!r} names no {{person}} or {{member}}"
                )
        return self


class _IntentsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # English words and how members shorten them in chat ("you" → "u"): each phrase of an
    # intent also stands in its shortened forms ("can you write" catches "can u write").
    short_forms: dict[str, list[str]] = {}
    intents: list[Intent] = []


@dataclass(frozen=True, slots=True)
class IntentMatch:
    intent: Intent
    similarity: float  # to its closest example (1.0 for a keyword match without embeddings)
    worded: bool = False  # the question holds every topical word of one of its examples
    # The question's topical words are some of its closest example's, and no others: it says
    # only that example's topic ("keynote speaker?" beside "the keynote speaker's phone").
    within_example: bool = False


def section_problems(content_dir: Path, intents: list[Intent], headings: set[str]) -> list[Problem]:
    """An intent's `section` and `button_under` must name sections of the knowledge base."""
    return [
        Problem(content_dir / INTENTS_FILE, None, intent.key, f"no section headed {heading!r}")
        for intent in intents
        for heading in [*([] if intent.section is None else [intent.section]), *intent.button_under]
        if heading not in headings
    ]


def command_problems(
    content_dir: Path, intents: list[Intent], commands: Collection[str]
) -> list[Problem]:
    """An intent's button runs its `command`: it must be one of the bot's commands."""
    return [
        Problem(content_dir / INTENTS_FILE, None, intent.key, f"no command /{intent.command}")
        for intent in intents
        if intent.command is not None and intent.command not in commands
    ]


def shape_problems(
    content_dir: Path,
    intents: list[Intent],
    people: Sequence[str] = (),
    people_words: PeopleWords = NO_PEOPLE_WORDS,
) -> list[Problem]:
    """Each example of a `shape_only` intent must be caught by that intent's words (`people`:
    the names the knowledge gives, and `people_words` how members speak of people, for its
    `about_someone` phrases)."""
    matcher = IntentMatcher(
        intents, frozenset(), None, content_dir, people=people, people_words=people_words
    )
    problems = []
    for intent in intents:
        if not intent.shape_only:
            continue
        for example in intent.examples:
            caught = matcher.worded_by_shape(example)
            if caught is intent:
                continue
            by = f"caught by {caught.key!r} first" if caught else "not caught by its words"
            problems.append(
                Problem(content_dir / INTENTS_FILE, None, intent.key, f"example {example!r}: {by}")
            )
    return problems


def load_intents(content_dir: Path) -> tuple[list[Intent], list[Problem]]:
    path = content_dir / INTENTS_FILE
    if not path.exists():
        return [], []
    raw, problems = read_toml(path, _IntentsFile, "intents")
    if raw is None:
        return [], problems
    cities, problems = load_other_cities(content_dir)
    return [_spelled_out(intent, raw.short_forms, cities) for intent in raw.intents], problems


_PHRASE_LISTS = ("starts", "contains", "unless", "about_someone", "only_with")
_WORD = re.compile(r"\{[a-z_]+\}|[a-z]+")


def _spelled_out(intent: Intent, short_forms: dict[str, list[str]], cities: list[str]) -> Intent:
    """The intent with `{other city}` as each city, and each phrase also in its short forms."""
    update = {}
    for field in _PHRASE_LISTS:
        phrases: list[str] = []
        for text in getattr(intent, field):
            for one in cities if text == OTHER_CITY else [text]:
                phrases.extend(p for p in _shortened(one, short_forms) if p not in phrases)
        update[field] = phrases
    update["words"] = {
        name: [form for word in listed for form in _shortened(word, short_forms)]
        for name, listed in intent.words.items()
    }
    return intent.model_copy(update=update)


def _shortened(text: str, short_forms: dict[str, list[str]]) -> list[str]:
    """`text` and every way of writing it with its words shortened ("please tell you" →
    "pls tell u", "please tell u", …), `text` first."""
    text = text.casefold()
    pieces = _WORD.split(text)
    words = _WORD.findall(text)
    # A list's name ("{with}") is not a word to shorten.
    choices = [
        [word] if word.startswith("{") else [word, *short_forms.get(word, [])] for word in words
    ]
    return [
        "".join(itertools.chain.from_iterable(zip(pieces, chosen, strict=False))) + pieces[-1]
        for chosen in itertools.product(*choices)
    ]


def _as_matched(question: str) -> str:
    """The question as phrases are matched on: casefolded, its spaces collapsed."""
    # A line break ends a sentence: a "…" gap does not run from one line into the next.
    text = _SPACES.sub(" ", _LINE_BREAK.sub("。", question.strip().casefold()))
    # Phones type ’ for ' ("Hu Zhaohui’s phone number").
    return text.replace("’", "'")


class IntentMatcher:
    """Finds the intent whose examples a question is closest to."""

    def __init__(
        self,
        intents: list[Intent],
        topic_free: frozenset[str],
        embedder: Embedder | None,
        cache_dir: Path,
        shipped_vectors: Path | None = None,
        people: Sequence[str] = (),
        people_words: PeopleWords = NO_PEOPLE_WORDS,
    ) -> None:
        """`people`: the names the knowledge gives; `people_words`: how members speak of
        people (content/people.toml), without which only names and pronouns are people."""
        self.intents = intents
        by_example = [intent for intent in intents if not intent.shape_only]
        self._owners = [intent for intent in by_example for _ in intent.examples]
        examples = [example for intent in by_example for example in intent.examples]
        self._terms = [
            frozenset(t for t in tokenize(example) if t not in topic_free) for example in examples
        ]
        self._topic_free = topic_free
        self._declines = np.array([owner.decline for owner in self._owners], dtype=bool)
        self._vectors = (
            passage_vectors(embedder, examples, cache_dir, True, shipped_vectors)
            if embedder is not None and examples
            else None
        )
        # Anyone called by surname and title ("张老师") as well: not only those the knowledge
        # names, whose private details the phrases ask for all the same.
        person = person_pattern([*people, *PRONOUNS], people_words, anyone_titled=True)
        # Not "he": "which track did he win?" asks about last year's winner.
        other_member = people_words.other_member()
        member = (
            f"(?:{person_pattern(people, people_words)}|{other_member})" if people else other_member
        )
        # Someone the knowledge names, by name, perhaps with where they work ("does Wu Hong from
        # the Mango 5G lab have kids?"): a private question whatever company it names, so
        # `unless` ("Wondershare's", the company's contact) does not apply.
        named = (
            person_pattern(people, people_words, with_affiliation=True, role=people_words.role())
            if people
            else ""
        )
        # What must be refused is looked for first: "想找人组队，把他的微信发我" names a command's
        # words ("找人组队") but asks for someone's data.
        by_shape = sorted(
            (intent for intent in intents if intent.has_words),
            key=lambda intent: not intent.decline,
        )
        self._shapes = [
            (
                intent,
                Shape(
                    words=shape_pattern(intent.starts, intent.contains, intent.words),
                    unless=shape_pattern(contains=intent.unless, words=intent.words),
                    only_with=shape_pattern(contains=intent.only_with, words=intent.words),
                    about=AboutSomeone.of(intent.about_someone, person, member),
                    named=AboutSomeone.of(named_only(intent.about_someone), "", named)
                    if named
                    else None,
                    definition=Definitions.of(intent.what_is, intent.terms),
                ),
            )
            for intent in by_shape
        ]
        self._shape_of = {intent.key: shape for intent, shape in self._shapes}

    def worded_by_shape(self, question: str) -> Intent | None:
        """The intent whose `starts` the question begins with, or one of whose `contains` it
        holds, with one of its `only_with` if it has them, and none of its `unless` (case and
        spaces aside; English phrases as whole words)."""
        text = _as_matched(question)
        for intent, shape in self._shapes:
            if shape.matches(text):
                return intent
        return None

    def ruled_out(self, intent: Intent, question: str) -> bool:
        """Whether the question holds one of the intent's `unless` words, which say it is not
        that intent ("Can I write the proposal in English?" asks about the contest, however
        close it comes to "write my project proposal")."""
        shape = self._shape_of.get(intent.key)
        return shape is not None and shape.ruled_out(_as_matched(question))

    def closest_decline(self, vector: np.ndarray | None) -> float:
        """The cosine of a question with the closest example of what the bot declines."""
        if self._vectors is None or vector is None or not self._declines.any():
            return 0.0
        return float((self._vectors[self._declines] @ vector).max())

    def match(self, question: str, vector: np.ndarray | None) -> IntentMatch | None:
        """The intent of the example closest in meaning (with embeddings), or else the one whose
        example the question says in words; `worded` tells whether it does."""
        if not self._owners:
            return None
        terms = {t for t in tokenize(question) if t not in self._topic_free}
        # Saying what one of the intent's examples says (every topical word of it) is the
        # stronger sign: the small embedding model alone finds "大赛有哪几个赛道" close to
        # "我报了哪些赛道".
        worded = {
            owner.key
            for owner, example_terms in zip(self._owners, self._terms, strict=True)
            if example_terms and example_terms <= terms
        }
        if self._vectors is not None and vector is not None:
            similarities = self._vectors @ vector
            best = int(np.argmax(similarities))
            owner = self._owners[best]
            within = bool(terms) and terms < self._terms[best]
            return IntentMatch(owner, float(similarities[best]), owner.key in worded, within)
        for owner, example_terms in zip(self._owners, self._terms, strict=True):
            if owner.key in worded and len(terms) <= len(example_terms) + 1:
                return IntentMatch(owner, 1.0, True)
        return None
