"""Ranking knowledge sections for a question: BM25 (bm25s) fused with dense sentence embeddings,
plus the two signals the answerer's gate judges a match by (coverage and similarity)."""

from __future__ import annotations

import difflib
import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from bot.i18n import LANGUAGES, detect_language
from bot.knowledge.address import as_read
from bot.knowledge.asked import AskedQuestion
from bot.knowledge.checked import (
    WORDS_PER_ALTERNATIVE,
    city_pattern,
    confirmed_values,
    offered_alternatives,
)
from bot.knowledge.dense import Embedder, passage_vectors
from bot.knowledge.intents import Intent, IntentMatcher
from bot.knowledge.passages import Passage
from bot.knowledge.people import NO_PEOPLE_WORDS, PeopleWords, people_named
from bot.knowledge.synonyms import Synonyms
from bot.knowledge.tokenize import tokenize

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
# Share of BM25 in the fused ranking score; the rest is the embeddings' (chosen with bench/qa.py).
BM25_WEIGHT = 0.3
# A member's question close to a way members ask for a section counts as close to the section.
# Question-to-question cosines run higher than question-to-passage ones: this brings them level.
ASKED_OFFSET = 0.04
# The embeddings put a question nearer to a section in its own language than to the same
# section in the other: by 0.075 in the median on the bundled sections' pairs (0.04-0.10 for
# most) with multilingual-e5-small. A section published in one language only (an organizer's
# imported rules) gets this back for questions in the other, so it is judged as if translated.
CROSS_LANGUAGE_GAP = 0.07
# A typo is corrected onto a word of the knowledge base this close (difflib's ratio), if it is
# at least this long: "platfrm", "shangai", "chngsha"; not "vendor" or "kevin".
SPELLING_CUTOFF, MIN_CORRECTED_LENGTH = 0.85, 5
REMEMBERED_CORRECTIONS = 10_000  # words looked up once (a look-up costs about a millisecond)


@dataclass(frozen=True, slots=True)
class Hit:
    """A section of the knowledge base that matched a question."""

    passage: Passage  # the language variant that matched best
    score: float  # the fused ranking score (BM25 alone without embeddings)
    coverage: float  # share of the question's topical term weight (idf) this passage contains
    similarity: float = 0.0  # cosine of question and passage embeddings (0 without embeddings)
    asked_similarity: float = 0.0  # cosine with the closest way members ask for this section
    # The section exists only in the other language: its words cannot match the question's,
    # so `coverage` says nothing and only the embeddings judge it.
    cross_language: bool = False


class KnowledgeIndex:
    """Ranks knowledge sections for a question.

    BM25 finds the words; dense embeddings find the meaning (a paraphrase, the other language).
    Their scores are scaled to 0..1 per question and mixed (`BM25_WEIGHT`). Neither score says
    by itself whether the question is about the knowledge base at all, so each hit also carries
    `coverage` (how much of what the question is about, its topical terms weighted by rarity,
    the passage contains) and `similarity` (the embeddings' cosine) for the answerer's gate.
    Words that carry no topic (`topic_free`, from content) count for neither.
    """

    def __init__(
        self,
        passages: Sequence[Passage],
        synonyms: Synonyms | None = None,
        topic_free: frozenset[str] = frozenset(),
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
        intents: Sequence[Intent] = (),
        asked: Sequence[AskedQuestion] = (),
        shipped_vectors: Path | None = None,
        other_cities: Sequence[str] = (),
        people_words: PeopleWords = NO_PEOPLE_WORDS,
    ) -> None:
        self.passages = list(passages)
        self._other_cities = city_pattern(other_cities)
        self.synonyms = synonyms or Synonyms()
        self.topic_free = topic_free
        self._by_section = {(p.section, p.language): p for p in self.passages}
        position_of = {(p.section, p.language): i for i, p in enumerate(self.passages)}
        # Each way of asking belongs to its section in its own language (else any language's).
        self._variants: dict[tuple[str, int], list[int]] = {}
        for i, passage in enumerate(self.passages):
            self._variants.setdefault(passage.section, []).append(i)
        owned = [
            (position_of.get((q.section, q.language), self._variants[q.section][0]), q)
            for q in asked
            if q.section in self._variants
        ]
        asked_texts: dict[int, list[str]] = {}
        for position, question in owned:
            asked_texts.setdefault(position, []).append(question.text)
        # The ways of asking widen a section's words: members' own ("方向" for 赛道) count for
        # the ranking and for coverage alike.
        corpus = [
            _passage_terms(p) + tokenize("\n".join(asked_texts.get(i, [])))
            for i, p in enumerate(self.passages)
        ]
        self._terms = [set(terms) for terms in corpus]
        # A section covers a word if either language's text holds it: "who is 吕绍和?" or
        # "what's the 指导单位?" ask in English with a term from the Chinese text.
        self._section_terms = {
            section: set().union(*(self._terms[i] for i in positions))
            for section, positions in self._variants.items()
        }
        self._retriever = bm25s.BM25()
        corpus = [terms or ["\u2205"] for terms in corpus]
        self._retriever.index(corpus, show_progress=False)
        self._vocabulary = set(self._retriever.vocab_dict)
        self._latin_vocabulary = sorted(t for t in self._vocabulary if t.isascii() and t.isalpha())
        self._corrections: dict[str, str] = {}
        frequencies = Counter(term for terms in self._terms for term in terms)
        total = max(len(self.passages), 1)
        self._idf = {t: _idf(n, total) for t, n in frequencies.items()}
        self._unseen_idf = _idf(0, total)
        # Per question language: the passages whose section has no version in that language.
        self._untranslated = {
            language: np.array(
                [(p.section, language) not in self._by_section for p in self.passages], dtype=bool
            )
            for language in LANGUAGES
        }
        self.embedder = embedder
        cache_dir = cache_dir or Path("data/cache")
        self._vectors: np.ndarray | None = None
        if embedder is not None and self.passages:
            texts = [_passage_meaning(p) for p in self.passages]
            self._vectors = passage_vectors(embedder, texts, cache_dir, False, shipped_vectors)
        self._asked_owners = np.array([position for position, _ in owned], dtype=np.int64)
        self._asked_vectors: np.ndarray | None = None
        if self._vectors is not None and embedder is not None and owned:
            questions = [q.text for _, q in owned]
            self._asked_vectors = passage_vectors(
                embedder, questions, cache_dir, True, shipped_vectors
            )
        self.intents = IntentMatcher(
            list(intents),
            topic_free,
            embedder,
            cache_dir,
            shipped_vectors,
            people_named(self.passages),
            people_words,
        )
        headed = {p.heading: p.section for p in self.passages}
        self._intent_by_section = {
            headed[i.section]: i for i in intents if i.section is not None and i.section in headed
        }
        self._button_by_section = {
            headed[heading]: i for i in intents for heading in i.button_under if heading in headed
        }

    def __len__(self) -> int:
        return len(self.passages)

    @property
    def hybrid(self) -> bool:
        return self._vectors is not None

    def embed(self, question: str) -> np.ndarray | None:
        """The question's vector (slow: callers on the event loop run this in a thread)."""
        if self._vectors is None or self.embedder is None:
            return None
        return self.embedder.query(as_read(question))

    def embed_many(self, questions: Sequence[str]) -> list[np.ndarray | None]:
        """Each question's vector, embedded in batches (an evaluation's hundreds of questions:
        about a tenth faster than one by one, and the same vectors)."""
        if self._vectors is None or self.embedder is None:
            return [None] * len(questions)
        return list(self.embedder.queries([as_read(q) for q in questions]))

    def search(self, question: str, limit: int = 3, vector: np.ndarray | None = None) -> list[Hit]:
        """The best sections for a question, one hit per section, best first."""
        if not self.passages:
            return []
        question = as_read(question)
        terms = self.topical_terms(question)
        known = [t for t in terms if t in self._vocabulary]
        bm25 = self._retriever.get_scores(known) if known else np.zeros(len(self.passages))
        similarity = np.zeros(len(self.passages), dtype=np.float32)
        asked = np.zeros(len(self.passages), dtype=np.float32)
        language = detect_language(question)
        untranslated = (
            self._untranslated[language] if language else np.zeros(len(self.passages), bool)
        )
        if self._vectors is not None:
            vector = self.embed(question) if vector is None else vector
            if vector is not None:
                similarity = self._vectors @ vector
                similarity[untranslated] += CROSS_LANGUAGE_GAP
                if self._asked_vectors is not None:
                    np.maximum.at(asked, self._asked_owners, self._asked_vectors @ vector)
        if self._vectors is None or not similarity.any():
            if not known:
                return []
            fused = bm25
        else:
            meaning = _scaled(np.maximum(similarity, asked - ASKED_OFFSET))
            fused = BM25_WEIGHT * _scaled(bm25) + (1 - BM25_WEIGHT) * meaning
            # BM25 cannot see across languages: judge those sections by their meaning alone.
            fused[untranslated] = meaning[untranslated]
        best_by_section: dict[tuple[str, int], int] = {}
        for position in np.argsort(-fused):
            if fused[position] <= 0:
                break
            best_by_section.setdefault(self.passages[position].section, int(position))
            if len(best_by_section) >= limit:
                break
        weights = {t: self._idf.get(t, self._unseen_idf) for t in set(terms)}
        offered = self._offered_terms(question)
        hits = []
        for position in best_by_section.values():
            covered = self._section_terms[self.passages[position].section]
            # An alternative or a value to confirm that the section does not hold ("June" in
            # "May or June?", "2025" in "final is in 2025 yes?") is not what the question is
            # about; what it holds counts.
            counted = {t: w for t, w in weights.items() if t in covered or t not in offered}
            present = sum(w for t, w in counted.items() if t in covered)
            hits.append(
                Hit(
                    self.passages[position],
                    float(fused[position]),
                    present / (sum(counted.values()) or 1.0),
                    float(similarity[position]),
                    max(float(asked[i]) for i in self._variants[self.passages[position].section]),
                    bool(untranslated[position]),
                )
            )
        return hits

    def topical_terms(self, question: str) -> list[str]:
        """The words a question is about, as the index compares them (synonyms rewritten,
        stemmed, without the words that carry no topic)."""
        terms = tokenize(self.synonyms.rewrite(question))
        return [self._spelled(t) for t in terms if t not in self.topic_free]

    def _spelled(self, term: str) -> str:
        """A misspelt English word as the knowledge spells it ("platfrm" → platform, "chngsha"
        → changsha): one unknown to the index and close to one word it knows."""
        if term in self._vocabulary or len(term) < MIN_CORRECTED_LENGTH or not term.isascii():
            return term
        if term not in self._corrections:
            if len(self._corrections) >= REMEMBERED_CORRECTIONS:
                self._corrections.clear()  # a long-running bot meets ever new words
            close = difflib.get_close_matches(term, self._latin_vocabulary, 1, SPELLING_CUTOFF)
            self._corrections[term] = close[0] if close else term
        return self._corrections[term]

    def _offered_terms(self, question: str) -> frozenset[str]:
        """The topical words of each alternative, or value to confirm, the question offers."""
        offered = (self.topical_terms(text) for text in offered_alternatives(question))
        alternatives = {
            t for terms in offered if len(terms) <= WORDS_PER_ALTERNATIVE for t in terms
        }
        values = {
            t
            for text in confirmed_values(question, self._other_cities)
            for t in self.topical_terms(text)
        }
        return frozenset(alternatives | values)

    def closest_asked(self, vector: np.ndarray | None) -> float:
        """The cosine of a question with the closest way members ask for any section."""
        if vector is None or self._asked_vectors is None:
            return 0.0
        return float((self._asked_vectors @ vector).max())

    def section_intent(self, passage: Passage) -> Intent | None:
        """The intent that answers for this section (content/intents.toml `section`), if any."""
        return self._intent_by_section.get(passage.section)

    def button_under(self, passage: Passage) -> Intent | None:
        """The intent whose button goes under this section's answer (`button_under`), if any."""
        return self._button_by_section.get(passage.section)

    def variant(self, passage: Passage, language: str) -> Passage:
        """The same section in another language, or the passage itself if none exists."""
        return self._by_section.get((passage.section, language), passage)


def _passage_terms(passage: Passage) -> list[str]:
    # The heading names what the section is about: count it twice so it outweighs a passing mention.
    return tokenize(f"{passage.heading}\n{passage.heading}\n{passage.title}\n{passage.text}")


def _passage_meaning(passage: Passage) -> str:
    """What the embedding model reads of a passage: where it sits, and what it says."""
    return f"{passage.title} › {passage.heading}\n{passage.text}"


def _scaled(scores: np.ndarray) -> np.ndarray:
    """Scores mapped onto 0..1 for this question (the best 1), so two kinds can be mixed."""
    low, high = float(scores.min()), float(scores.max())
    if high <= 0 or high == low:
        return np.where(scores > 0, 1.0, 0.0) if high > 0 else np.zeros_like(scores)
    return (scores - max(low, 0.0)) / (high - max(low, 0.0)) * (scores > 0)


def _idf(document_frequency: int, total: int) -> float:
    return math.log(1 + (total - document_frequency + 0.5) / (document_frequency + 0.5))
