"""Ranking knowledge sections for a question: BM25 (bm25s) fused with dense sentence embeddings,
plus the two signals the answerer's gate judges a match by (coverage and similarity)."""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from bot.knowledge.dense import Embedder, passage_vectors
from bot.knowledge.intents import Intent, IntentMatcher
from bot.knowledge.passages import Passage
from bot.knowledge.synonyms import Synonyms
from bot.knowledge.tokenize import tokenize

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
# Share of BM25 in the fused ranking score; the rest is the embeddings' (chosen with bench/qa.py).
BM25_WEIGHT = 0.3


@dataclass(frozen=True, slots=True)
class Hit:
    """A section of the knowledge base that matched a question."""

    passage: Passage  # the language variant that matched best
    score: float  # the fused ranking score (BM25 alone without embeddings)
    coverage: float  # share of the question's topical term weight (idf) this passage contains
    similarity: float = 0.0  # cosine of question and passage embeddings (0 without embeddings)


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
    ) -> None:
        self.passages = list(passages)
        self.synonyms = synonyms or Synonyms()
        self.topic_free = topic_free
        self._terms = [set(terms) for terms in map(_passage_terms, self.passages)]
        self._retriever = bm25s.BM25()
        corpus = [_passage_terms(p) or ["\u2205"] for p in self.passages]
        self._retriever.index(corpus, show_progress=False)
        self._vocabulary = set(self._retriever.vocab_dict)
        frequencies = Counter(term for terms in self._terms for term in terms)
        total = max(len(self.passages), 1)
        self._idf = {t: _idf(n, total) for t, n in frequencies.items()}
        self._unseen_idf = _idf(0, total)
        self._by_section = {(p.section, p.language): p for p in self.passages}
        self.embedder = embedder
        cache_dir = cache_dir or Path("data/cache")
        self._vectors: np.ndarray | None = None
        if embedder is not None and self.passages:
            texts = [_passage_meaning(p) for p in self.passages]
            self._vectors = passage_vectors(embedder, texts, cache_dir)
        self.intents = IntentMatcher(list(intents), topic_free, embedder, cache_dir)

    def __len__(self) -> int:
        return len(self.passages)

    @property
    def hybrid(self) -> bool:
        return self._vectors is not None

    def embed(self, question: str) -> np.ndarray | None:
        """The question's vector (slow: callers on the event loop run this in a thread)."""
        return (
            self.embedder.query(question) if self._vectors is not None and self.embedder else None
        )

    def search(self, question: str, limit: int = 3, vector: np.ndarray | None = None) -> list[Hit]:
        """The best sections for a question, one hit per section, best first."""
        if not self.passages:
            return []
        terms = [t for t in tokenize(self.synonyms.rewrite(question)) if t not in self.topic_free]
        known = [t for t in terms if t in self._vocabulary]
        bm25 = self._retriever.get_scores(known) if known else np.zeros(len(self.passages))
        similarity = np.zeros(len(self.passages), dtype=np.float32)
        if self._vectors is not None:
            vector = self.embed(question) if vector is None else vector
            if vector is not None:
                similarity = self._vectors @ vector
        if self._vectors is None or not similarity.any():
            if not known:
                return []
            fused = bm25
        else:
            fused = BM25_WEIGHT * _scaled(bm25) + (1 - BM25_WEIGHT) * _scaled(similarity)
        best_by_section: dict[tuple[str, int], int] = {}
        for position in np.argsort(-fused):
            if fused[position] <= 0:
                break
            best_by_section.setdefault(self.passages[position].section, int(position))
            if len(best_by_section) >= limit:
                break
        weights = {t: self._idf.get(t, self._unseen_idf) for t in set(terms)}
        total_weight = sum(weights.values()) or 1.0
        hits = []
        for position in best_by_section.values():
            present = sum(w for t, w in weights.items() if t in self._terms[position])
            hits.append(
                Hit(
                    self.passages[position],
                    float(fused[position]),
                    present / total_weight,
                    float(similarity[position]),
                )
            )
        return hits

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
