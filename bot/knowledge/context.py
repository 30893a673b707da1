"""The question inside a message that carries context around it: "I'm an indie dev…, how many
categories r there?", "When does it start? I'm in Toronto…", "My manager asked me to find out
when the kickoff happened, he needs it for a weekly report". The answerer judges that question
on its own when the whole message is doubtful (the story's words count against its match)."""

from __future__ import annotations

import re

from bot.knowledge.sentences import asking, sentences

_COLON = re.compile(r"[:：]")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Words that ask. Chinese 吗/呢/么 only end a question, so they count as asking only there.
_QUESTION_WORD = re.compile(
    r"\b(?:what|whats|when|whens|where|wheres|who|whos|whom|which|why|how|wat|wen)\b"
    r"|什么|什麼|啥|哪|谁|誰|几|幾|多少|怎么|怎麼|怎样|如何|为什么|[?？]|[吗嗎呢么]\s*$",
    re.IGNORECASE,
)
# A clause about the one asking: "I'm in Shenzhen", "he needs it for a weekly report".
_ABOUT_THE_ASKER = re.compile(
    r"\b(?:i|i'm|im|i've|i'd|i'll|my|me|we|we're|our|us|he|she)\b", re.IGNORECASE
)
# …or a clause whose "I" is left out: "saw this contest in a newsletter this morning".
_ASKER_LEFT_OUT = re.compile(
    r"^(?:(?:hey|hi|hello|so|ok|okay|just)\b\W*)*"
    r"(?:saw|heard|found|read|came across|stumbled|noticed|learned|learnt|got)\b",
    re.IGNORECASE,
)
# "it" in the question then means what that clause found: "…saw this contest…, which city is
# it based in?".
_OUR_OWN = re.compile(
    r"\b(the\s+\w+\s+of\s+)?(?:this|the) (?:contest|competition|community|hackathon)\b",
    re.IGNORECASE,
)
# …unless it names another member: "my friend signed up, which track did he pick?" asks for
# that member's data, which the clause must stay beside.
_OTHER_MEMBER = re.compile(
    r"\b(?:friend|friends|buddy|teammate|teammates|classmate|classmates|roommate)\b",
    re.IGNORECASE,
)
# A clause that points back at the others ("…with the Huawei panelist, could you tell me his
# schedule?", "…the Tencent challenge, when is their deadline?") cannot be asked without them.
_POINTS_BACK = re.compile(
    r"\b(?:he|she|his|her|him|it|its|they|them|their|that|those)\b",
    re.IGNORECASE,
)
# …and its Chinese: "他讲了啥？", "那个叫什么？".
_POINTS_BACK_ZH = re.compile(r"他|她|它|这个|那个|上面|刚才")
# "(1) … (2) …", "1) … 2) …", "①…②…": questions numbered in one message.
_NUMBERED = re.compile(r"(?:^|\s|[:：,，;；])(?:\(?[1-3][)）]|（[1-3]）|[①②③])\s*")
MOST_QUESTIONS = 3
_CLAUSE = re.compile(r"\s*(?:[,，;；]|\s[-–—]+\s|—+)\s*")
# "asked me to find out when…", "wants to know which…": the question starts at its question word.
_REPORTED = re.compile(
    r"^.*?\b(?:find out|know|check|confirm|wondering|wonder|tell me|asking|asked me)\s+"
    r"(?=(?:what|when|where|who|which|how)\b)",
    re.IGNORECASE,
)
# A guess after a question ("when did it kick off? end of april or so?", "where? Beijing?") offers
# a value to check; it is not a second question: no question word, at most this many words, and
# a figure, a month, an "or", or no more than two words ("any big names on the panel?" asks).
GUESS_WORDS = 5
GUESS_CHARACTERS = 8  # the same for Chinese, in characters
_GUESSED_VALUE = re.compile(
    r"\d|\b(?:or|maybe|january|february|march|april|may|june|july|august|september|october"
    r"|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b|还是|或者",
    re.IGNORECASE,
)


def instruction_head(question: str) -> str | None:
    """The part before a colon that introduces material ("translate this: …"), if any. What
    follows a colon is a question, not material, when it asks one ("ok, follow-up: which month
    is the final?"); a translation asked of a question opens with its verb (`starts`)."""
    parts = _COLON.split(question, maxsplit=1)
    if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
        return None
    if "?" in parts[1] or "？" in parts[1]:
        return None
    return parts[0].strip()


def question_sentence(message: str) -> str | None:
    """The one question in a longer message of context, or None: for a message that is its
    question alone, or asks more than one thing ("who are the judges? any big names on the
    panel?", "初赛是线上还是线下？需要跑去长沙吗"), the whole decides the answer.

    Context is set apart in whole sentences, and within a sentence only in clauses about the
    one asking: "For the Tencent hackathon next month, when is the deadline?" is not about this
    contest's deadline, nor "translate into Chinese: where is the final?" (a task, which its
    words make one before this is asked)."""
    questions = asking(message) or [s for s in sentences(message) if _QUESTION_WORD.search(s)]
    if len(questions) > 1:
        questions = [q for q in questions if not _guess(q)] or questions
    if len(questions) != 1:
        return None
    question = questions[0]
    # "ok and follow up: which month is the final round?": the question after a lead-in.
    lead_in = _COLON.split(question, maxsplit=1)
    if len(lead_in) == 2 and lead_in[1].strip():
        return lead_in[1].strip()
    alone = _asking_clause(question)
    if alone is not None:
        return alone
    if len(sentences(message)) >= 2:
        return question
    # "My boss wants to know when the final is": the question it reports.
    reported = _REPORTED.sub("", question).strip()
    return reported if reported != question and not _POINTS_BACK.search(reported) else None


def separate_questions(message: str) -> list[str]:
    """The two or three questions of a message that asks them one after another ("how many
    third prizes does each track get? and when's the final?", "two things: (1) … (2) …"), each
    to be answered on its own; none when it asks one thing, or a later question points back at
    an earlier one ("who is Jiang Tao? what did he talk about?")."""
    numbered = [part.strip(" ,，;；") for part in _NUMBERED.split(message)[1:]]
    questions = [part for part in numbered if part]
    if len(questions) < 2:
        questions = questions_asked(message)
    if not 2 <= len(questions) <= MOST_QUESTIONS:
        return []
    later = questions[1:]
    if any(_POINTS_BACK.search(q) or _POINTS_BACK_ZH.search(q) for q in later):
        return []
    return questions


def questions_asked(message: str) -> list[str]:
    """The two or three questions a message asks one after another, guesses at a value left
    out, whether or not the later ones point back at the first ("when's the final round? which
    month, and is it piggybacking on some bigger event?"); none when it asks one thing."""
    questions = [q for q in asking(message) if not _guess(q)]
    return questions if 2 <= len(questions) <= MOST_QUESTIONS else []


def _guess(sentence: str) -> bool:
    if _QUESTION_WORD.search(sentence.rstrip("?？ ")):
        return False
    words = sentence.split()
    if len(words) > 1 or sentence.isascii():
        return len(words) <= 2 or (
            len(words) <= GUESS_WORDS and bool(_GUESSED_VALUE.search(sentence))
        )
    return len(sentence.rstrip("?？ ")) <= GUESS_CHARACTERS


def _asking_clause(sentence: str) -> str | None:
    """The one clause that asks, when every other clause of the sentence is about the asker:
    "I travel a lot and keep missing deadlines, can u remind me?"."""
    clauses = [c for c in _CLAUSE.split(sentence) if c.strip()]
    # English only: a Chinese clause before a comma carries the topic as often as the asker
    # ("我们组小刘报了应用创新，…"), and calibration found no Chinese question it helped.
    if len(clauses) < 2 or _CJK.search(sentence):
        return None
    asking_clauses = [c for c in clauses if _QUESTION_WORD.search(c)]
    context = [c for c in clauses if not _QUESTION_WORD.search(c)]
    if len(asking_clauses) != 1:
        return None
    # A clause without its "I" only before the question: "…, heard it's in Changsha" after it
    # offers a value to check.
    before = clauses[: clauses.index(asking_clauses[0])]
    if not all(
        (_ABOUT_THE_ASKER.search(c) or (c in before and _ASKER_LEFT_OUT.search(c)))
        and not _OTHER_MEMBER.search(c)
        for c in context
    ):
        return None
    question = _REPORTED.sub("", asking_clauses[0]).strip()
    if not _POINTS_BACK.search(question):
        return question
    pointed_at = _what_it_points_at(question, context)
    if pointed_at is None:
        return None
    return f"{question} {pointed_at}".strip()


def _what_it_points_at(question: str, context: list[str]) -> str | None:
    """What the question's "it" or "that" stands for, when the context names our own contest or
    community ("my daughter keeps talking about the finals of this contest - when and where is
    that happening?": "the finals of this contest"), put after the question so that it keeps
    what it asks about; "" where the context names only the contest, which the question asks
    about anyway; None where it points at something else."""
    pointing = {word.casefold() for word in _POINTS_BACK.findall(question)}
    if not pointing <= {"it", "its", "that"}:
        return None
    named = [found for clause in context if (found := _OUR_OWN.search(clause))]
    if not named:
        return None
    # "the finals of this contest" says what "that" is; "this contest" alone adds nothing the
    # question does not already ask about.
    return named[0][0] if named[0][1] else ""
