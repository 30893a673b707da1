"""Answers without an LLM: the best knowledge section, trimmed, with its source — or an honest
"not in my knowledge" that names no source."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from bot.content.models import Contest, Deadline
from bot.contest_text import render_live
from bot.i18n import Language, Translator, detect_language
from bot.knowledge.address import as_read
from bot.knowledge.context import (
    instruction_head,
    question_sentence,
    questions_asked,
    separate_questions,
)
from bot.knowledge.index import Hit, KnowledgeIndex
from bot.knowledge.intents import Intent, IntentMatch
from bot.knowledge.passages import citation_label
from bot.knowledge.sentences import SENTENCE
from bot.knowledge.tokenize import tokenize

# The gate: a question concerns the knowledge base when its best section holds enough of its
# topical words (coverage), or is close enough in meaning (similarity), or both in part.
# Chosen on tests/data/qa_calibration.jsonl with bench/qa.py; see the README's figures.
MIN_COVERAGE = 0.5
MIN_SIMILARITY = 0.90
PARTIAL_COVERAGE, PARTIAL_SIMILARITY = 0.2, 0.86
# A question this close to a way members ask for a section (knowledge/*.questions.toml) is
# about that section, whatever words it uses.
MIN_ASKED_SIMILARITY = 0.92
PARTIAL_ASKED_SIMILARITY = 0.88  # enough for a language model to read the section and judge
# An intent wins when a question is this close to one of its examples and closer than to any
# knowledge section.
MIN_INTENT_SIMILARITY = 0.92
# A question closer to the ways members ask for sections than to anything the bot declines, by
# this much, concerns the knowledge base even in words the gate does not know.
MIN_NEIGHBOUR_SIMILARITY, NEIGHBOUR_MARGIN = 0.89, 0.06
# Nearest neighbour: a question closer (by this much) to an example of what the bot declines,
# or of a command, than to any way members ask for a section, is that.
INTENT_MARGIN = 0.01
# Between two commands, the nearer example wins over a section standing for the other if it is
# at most this much further than the nearest way of asking.
SIBLING_MARGIN = 0.0
# English takes three to four times the characters of Chinese for the same facts: 800 keeps a
# list of seven speakers with their titles whole, and still reads as one short message.
ANSWER_CHARACTERS = 800
_COMMAND = re.compile(r"(?<![\w/])/([a-z]+)\b")


@dataclass(frozen=True, slots=True)
class Source:
    doc: str  # "contest.en.md" or "contest.toml"
    title: str  # the document's title
    heading: str  # the section heading
    place: str | None = None  # where in its source document ("p. 2")

    def label(self) -> str:
        return citation_label(self.title, self.heading, self.place)


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    language: Language
    sources: tuple[Source, ...] = ()
    known: bool = True
    hits: list[Hit] = field(default_factory=list, compare=False)
    intent: str | None = None  # the intent it was recognised as (content/intents.toml)
    command: str | None = None  # a question about the bot itself: the command that does it
    button: str | None = None  # the label of the button that runs `command`


class RetrievalAnswerer:
    """Answers a question from the knowledge index and contest.toml."""

    def __init__(self, index: KnowledgeIndex, contest: Contest) -> None:
        self.index = index
        self.contest = contest

    def answer(
        self,
        question: str,
        fallback_language: Language,
        zone_name: str,
        now: datetime,
        language: Language | None = None,
        deadlines: list[Deadline] | None = None,
        vector: np.ndarray | None = None,
    ) -> Answer:
        """Answer in `language` if given, else the question's own language, else the fallback.

        `vector`: the question's embedding, when the caller computed it off the event loop."""
        question = as_read(question)
        language = language or detect_language(question) or fallback_language
        t = Translator(language)
        if vector is None:
            vector = self.index.embed(question)
        hits = self.index.search(question, vector=vector)
        # Matched once: the nearest intent example, and the nearest way of asking for a section.
        match = self.index.intents.match(question, vector)
        asked = self.index.closest_asked(vector)
        intent = self._nearest_intent(question, vector, match, asked)
        in_domain = self._in_domain(vector, asked)
        if intent is None and hits and (concerns_knowledge(hits[0]) or in_domain):
            intent = self.index.section_intent(hits[0].passage)
            # A section that stands for one command ("Registering interest…" → /register) is
            # about the bot; a nearer example of another command ("which tracks did I pick?" →
            # /myregistrations) says more exactly which.
            if (
                intent is not None
                and intent.command is not None
                and match is not None
                and match.intent.command is not None
                and match.similarity >= asked - SIBLING_MARGIN
            ):
                intent = match.intent
            if intent is None:
                answer = self._section_answer(
                    question, hits, language, t, zone_name, now, deadlines
                )
                return self._with_other_questions(question, answer, zone_name, now, deadlines)
        if intent is None:
            intent = _worded_intent(match, hits)
        if intent is None:
            # "I'm an indie dev from Malaysia, a friend told me… how many categories r there?",
            # "When does it start? I'm in Toronto and…": the context around a question can hide
            # it; judge the question on its own, and answer it only where it is plainly about
            # a section (the context it came with may be what made it doubtful).
            asked_alone = question_sentence(question)
            if asked_alone is not None:
                alone = self.answer(
                    asked_alone, fallback_language, zone_name, now, language, deadlines
                )
                if alone.known and (
                    alone.intent is not None
                    or (plainly_about(alone.hits[0]) and _related(alone.hits, hits))
                ):
                    return alone
            followed_up = self._one_section_asked_about(
                question, language, zone_name, now, deadlines
            )
            if followed_up is not None:
                return followed_up
            refused = Answer(dont_know_text(t), language, known=False, hits=hits)
            return self._with_other_questions(question, refused, zone_name, now, deadlines)
        return Answer(
            t.pick(intent.answer.as_dict()),
            language,
            known=not intent.decline,
            hits=hits,
            intent=intent.key,
            command=intent.command,
            button=t.pick(intent.button.as_dict()) if intent.button else None,
        )

    def _one_section_asked_about(
        self,
        question: str,
        language: Language,
        zone_name: str,
        now: datetime,
        deadlines: list[Deadline] | None,
    ) -> Answer | None:
        """ "when's the final round? which month, and is it piggybacking on some bigger event?":
        a first question plainly about a section, then more about the same one. The later
        questions' own words (and "it") make the whole doubtful; each alone finds that section
        first, and none is declined, so the first question's answer answers them all."""
        parts = questions_asked(question)
        if not parts:
            return None
        first = self.answer(parts[0], language, zone_name, now, language, deadlines)
        if not (first.known and first.intent is None and first.hits):
            return None
        if not plainly_about(first.hits[0]):
            return None
        section = first.hits[0].passage.section
        for part in parts[1:]:
            later = self.answer(part, language, zone_name, now, language, deadlines)
            if later.intent is not None or not later.hits:
                return None
            if later.hits[0].passage.section != section:
                return None
        return first

    def _with_other_questions(
        self,
        question: str,
        answer: Answer,
        zone_name: str,
        now: datetime,
        deadlines: list[Deadline] | None,
    ) -> Answer:
        """For a message that asks two or three things one after another ("how many third
        prizes per track? and when's the final?"), the section each question alone plainly
        finds, in the order asked; the message's own answer covers only one of them. The
        message's own section comes first where no question alone finds it. A message refused
        as a whole is answered so only when every question it asks plainly finds a section."""
        parts = separate_questions(question)
        if not parts:
            return answer
        language = answer.language
        found: dict[tuple[str, int], Answer] = {}
        for part in parts:
            alone = self.answer(part, language, zone_name, now, language, deadlines)
            if alone.known and alone.intent is None and alone.hits and plainly_about(alone.hits[0]):
                found.setdefault(alone.hits[0].passage.section, alone)
            elif not answer.known:
                return answer
        if answer.known and answer.hits and answer.hits[0].passage.section not in found:
            answers = [answer, *found.values()]
        else:
            answers = list(found.values())
        if len(answers) < 2:
            return answer
        return replace(
            answers[0],
            text="\n\n".join(a.text for a in answers),
            sources=tuple(source for a in answers for source in a.sources),
            hits=answer.hits,
        )

    def _section_answer(
        self,
        question: str,
        hits: list[Hit],
        language: Language,
        t: Translator,
        zone_name: str,
        now: datetime,
        deadlines: list[Deadline] | None,
    ) -> Answer:
        passage = self.index.variant(hits[0].passage, language)
        if passage.live:
            text = render_live(
                passage.live, self.contest, t, ZoneInfo(zone_name), zone_name, now, deadlines
            )
        else:
            text = trim(passage.text, asked_for=frozenset(self.index.topical_terms(question)))
            if passage.language != language:  # a document published in one language only
                text = f"{only_published_in(t, passage.language)}\n\n{text}"
        source = Source(passage.doc, passage.title, passage.heading, passage.place)
        # A section that tells the member to run a command gets the button that runs it, and so
        # does one that content/intents.toml puts a command's button under.
        runs = self._first_command_intent(text) or self.index.button_under(passage)
        return Answer(
            text,
            language,
            (source,),
            hits=hits,
            command=runs.command if runs else None,
            button=t.pick(runs.button.as_dict()) if runs and runs.button else None,
        )

    def _first_command_intent(self, text: str) -> Intent | None:
        by_command = {i.command: i for i in self.index.intents.intents if i.command}
        for command in _COMMAND.findall(text):
            if command in by_command:
                return by_command[command]
        return None

    def _in_domain(self, vector: np.ndarray | None, asked: float) -> bool:
        """Nearer to how members ask about the knowledge than to what the bot declines."""
        declined = self.index.intents.closest_decline(vector)
        return asked >= MIN_NEIGHBOUR_SIMILARITY and asked >= declined + NEIGHBOUR_MARGIN

    def _nearest_intent(
        self, question: str, vector: np.ndarray | None, match: IntentMatch | None, asked: float
    ) -> Intent | None:
        """The intent whose example is the question's nearest neighbour, clearly nearer than
        any way members ask for a knowledge section (`asked`)."""
        matcher = self.index.intents
        # Its shape first ("帮我写…", "…的手机号"): surer than the nearest example, which the
        # names and topics in the message pull toward whatever else they appear in.
        if (shaped := matcher.worded_by_shape(question)) is not None:
            return shaped
        # What makes the example a decline may be what the question leaves out: "keynote
        # speaker?" is close to "the keynote speaker's phone number", but asks for no phone.
        if (
            match is not None
            and match.similarity > asked + INTENT_MARGIN
            and not (match.intent.decline and match.within_example)
            # A decline's `unless` marks the questions it must not refuse; a command's only
            # where its phrases stop ("my team fell apart, I need to pull out" is /withdraw).
            and not (match.intent.decline and matcher.ruled_out(match.intent, question))
        ):
            return match.intent
        # "Translate this: …", "帮我写一段介绍：…": the instruction, not its material, says what
        # is asked, and the material may well be about the community.
        head = instruction_head(question)
        if head is None or vector is None:
            return None
        head_vector = self.index.embed(head)
        match = matcher.match(head, head_vector)
        if match is None or not match.intent.decline:
            return None
        return (
            match.intent
            if match.similarity > self.index.closest_asked(head_vector) + INTENT_MARGIN
            else None
        )


def _related(alone: list[Hit], whole: list[Hit]) -> bool:
    """Whether the question alone found what the whole message points at: its best section is
    among the message's, or the message's best among its own. "what's it called?" after "the
    province has an industry plan that runs till 2027" does not ask for the tracks, which the
    question alone finds. Any of the sections each finds will do, not only the first: with a
    story about the asker before "how many categories r there?", the prize table may come first
    and the tracks' section third; "saw this contest in a newsletter, which city is it based in?"
    finds the contest's overview whole and the community alone, both beside its dates."""
    return any(_among(hit, whole) for hit in alone)


def _among(hit: Hit, hits: list[Hit]) -> bool:
    return any(hit.passage.section == other.passage.section for other in hits)


def _worded_intent(match: IntentMatch | None, hits: list[Hit]) -> Intent | None:
    """Without a knowledge section to answer: an intent the question says in words."""
    if match is None or not match.worded:
        return None
    best_similarity = hits[0].similarity if hits else 0.0
    return match.intent if match.similarity >= max(MIN_INTENT_SIMILARITY, best_similarity) else None


def may_concern_knowledge(hit: Hit) -> bool:
    """Looser than the gate: enough for a language model to read the passages and judge (it
    says when they don't answer)."""
    return (
        hit.coverage >= PARTIAL_COVERAGE
        or hit.similarity >= PARTIAL_SIMILARITY
        or hit.asked_similarity >= PARTIAL_ASKED_SIMILARITY
    )


def plainly_about(hit: Hit) -> bool:
    """The gate's surest signals alone: a close way of asking, or most of the question's words."""
    return hit.asked_similarity >= MIN_ASKED_SIMILARITY or hit.coverage >= MIN_COVERAGE


def concerns_knowledge(hit: Hit) -> bool:
    """The gate: is the question about what this section says?"""
    return (
        hit.asked_similarity >= MIN_ASKED_SIMILARITY
        or hit.coverage >= MIN_COVERAGE
        or hit.similarity >= MIN_SIMILARITY
        or (hit.coverage >= PARTIAL_COVERAGE and hit.similarity >= PARTIAL_SIMILARITY)
        # Across languages words cannot match: the similarity that, with partial coverage,
        # lets a same-language section through.
        or (hit.cross_language and hit.similarity >= PARTIAL_SIMILARITY)
    )


def only_published_in(t: Translator, language: Language) -> str:
    """The note before a section quoted in the language it was published in."""
    if language == "zh":
        return t.gettext("This is published in Chinese only; here it is as published:")
    return t.gettext("This is published in English only; here it is as published:")


def dont_know_text(t: Translator) -> str:
    return t.gettext(
        "I couldn't find that in what I know about the community and the contest, so I won't "
        "guess. Please ask the organizers; /help shows what I can answer."
    )


def slow_down_text(t: Translator) -> str:
    return t.gettext(
        "You have asked many questions in a short time. Please wait a few minutes, then ask again."
    )


def trim(text: str, limit: int = ANSWER_CHARACTERS, asked_for: frozenset[str] = frozenset()) -> str:
    """Shorten a passage to a readable answer, cutting at a sentence end. Words of the question
    (`asked_for`, as the index compares them) that only a later sentence holds bring that
    sentence in, in place of the last ones before it: "who owns the copyright?" must see the
    end of the long list of what is not published, which says so."""
    if len(text) <= limit:
        return text
    parts = SENTENCE.findall(text)
    shown = _leading(parts, limit)
    seen = {term for part in shown for term in tokenize(part)}
    later = [
        part
        for part in parts[len(shown) :]
        if any(term in asked_for and term not in seen for term in tokenize(part))
    ]
    # Only the first such sentence, and only where some of the opening still fits beside it.
    if not shown or not later or len(later[0]) > limit // 2:
        return ("".join(shown) or text[:limit]).rstrip() + " …"
    wanted = later[0]
    shown = _leading(shown, limit - len(wanted) - 3)
    tail = " …" if parts[-1] is not wanted else ""
    return "".join(shown).rstrip() + " … " + wanted.strip() + tail


def _leading(parts: list[str], limit: int) -> list[str]:
    """As many of the first sentences as fit in `limit` characters."""
    kept: list[str] = []
    length = 0
    for part in parts:
        if length + len(part) > limit:
            break
        kept.append(part)
        length += len(part)
    return kept
