"""Unanswered questions grouped into topics, for the answers report: "is there parking?" and
"can I park at the final?" are one gap in the knowledge base, not two.

Two questions share a topic when their meaning is very close (the embeddings' cosine), or fairly
close and they share the words that carry the topic. Without an embedding model, shared words
decide alone. Questions in different languages stay apart: the multilingual model puts a
translation about as close as an unrelated question in the same language, so joining them would
blur topics more than it would merge them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.knowledge.index import KnowledgeIndex
from bot.knowledge.tokenize import tokenize

SAME_MEANING = 0.9  # cosine at which two questions are the same topic whatever their words
CLOSE_MEANING = 0.88  # cosine at which shared topic words decide
SHARED_WORDS_WITH_MEANING = 0.25  # Jaccard of topic words, with a close meaning
SHARED_WORDS_ALONE = 0.5  # Jaccard of topic words, without embeddings
PHRASINGS_SHOWN = 3


@dataclass(slots=True)
class Topic:
    question: str  # its most asked phrasing, which names the topic
    asked: int  # times asked, all phrasings together
    phrasings: list[str] = field(default_factory=list)  # other ways it was asked


def group_into_topics(
    questions: Sequence[tuple[str, int]], index: KnowledgeIndex, limit: int = 10
) -> list[Topic]:
    """Group (question, times asked) into topics, most asked first. Slow with embeddings: call
    it off the event loop."""
    ordered = sorted(questions, key=lambda pair: -pair[1])
    words = [_topic_words(question, index) for question, _ in ordered]
    # Read as the index reads a question: "@机器人 决赛在哪" and "決賽在哪" are "决赛在哪".
    vectors = (
        np.stack(index.embed_many([question for question, _ in ordered]))
        if index.hybrid and index.embedder is not None and ordered
        else None
    )
    topics: list[Topic] = []
    members: list[list[int]] = []  # each topic's questions, by position in `ordered`
    for position, (question, asked) in enumerate(ordered):
        for topic, joined in zip(topics, members, strict=True):
            if any(_same_topic(position, other, words, vectors) for other in joined):
                topic.asked += asked
                if len(topic.phrasings) < PHRASINGS_SHOWN:
                    topic.phrasings.append(question)
                joined.append(position)
                break
        else:
            topics.append(Topic(question, asked))
            members.append([position])
    topics.sort(key=lambda topic: -topic.asked)  # stable: ties keep the most asked name first
    return topics[:limit]


def _topic_words(question: str, index: KnowledgeIndex) -> frozenset[str]:
    return frozenset(
        term for term in tokenize(index.synonyms.rewrite(question)) if term not in index.topic_free
    )


def _same_topic(
    first: int, second: int, words: list[frozenset[str]], vectors: np.ndarray | None
) -> bool:
    union = words[first] | words[second]
    shared = len(words[first] & words[second]) / len(union) if union else 0.0
    if vectors is None:
        return shared >= SHARED_WORDS_ALONE
    cosine = float(vectors[first] @ vectors[second])
    return cosine >= SAME_MEANING or (
        cosine >= CLOSE_MEANING and shared >= SHARED_WORDS_WITH_MEANING
    )
