"""A BM25 index over passages (bm25s), ranking sections and judging whether a match is real."""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

from bot.knowledge.passages import Passage
from bot.knowledge.synonyms import Synonyms
from bot.knowledge.tokenize import tokenize

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


@dataclass(frozen=True, slots=True)
class Hit:
    """A section of the knowledge base that matched a question."""

    passage: Passage  # the language variant that matched best
    score: float  # BM25
    coverage: float  # share of the question's term weight (idf) that this passage contains


class KnowledgeIndex:
    """Ranks knowledge sections for a question.

    BM25 alone ranks, but its scores have no absolute meaning, so a question about the weather
    in Changsha would still "match" the passage that mentions Changsha. `coverage` says how much
    of what the question is about (its terms weighted by rarity) the passage actually contains;
    the answerer refuses to answer below a floor.
    """

    def __init__(self, passages: Sequence[Passage], synonyms: Synonyms | None = None) -> None:
        self.passages = list(passages)
        self.synonyms = synonyms or Synonyms()
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

    def __len__(self) -> int:
        return len(self.passages)

    def search(self, question: str, limit: int = 3) -> list[Hit]:
        """The best sections for a question, one hit per section, best first."""
        terms = tokenize(self.synonyms.rewrite(question))
        known = [t for t in terms if t in self._vocabulary]
        if not known or not self.passages:
            return []
        scores = self._retriever.get_scores(known)
        best_by_section: dict[tuple[str, int], int] = {}
        for position in np.argsort(-scores):
            if scores[position] <= 0:
                break
            section = self.passages[position].section
            best_by_section.setdefault(section, int(position))
            if len(best_by_section) >= limit:
                break
        weights = {t: self._idf.get(t, self._unseen_idf) for t in set(terms)}
        total_weight = sum(weights.values())
        hits = []
        for position in best_by_section.values():
            present = sum(w for t, w in weights.items() if t in self._terms[position])
            hits.append(
                Hit(self.passages[position], float(scores[position]), present / total_weight)
            )
        return hits

    def variant(self, passage: Passage, language: str) -> Passage:
        """The same section in another language, or the passage itself if none exists."""
        return self._by_section.get((passage.section, language), passage)


def _passage_terms(passage: Passage) -> list[str]:
    # The heading names what the section is about: count it twice so it outweighs a passing mention.
    return tokenize(f"{passage.heading}\n{passage.heading}\n{passage.title}\n{passage.text}")


def _idf(document_frequency: int, total: int) -> float:
    return math.log(1 + (total - document_frequency + 0.5) / (document_frequency + 0.5))
