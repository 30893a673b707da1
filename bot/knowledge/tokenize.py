"""Turn Chinese, English or mixed text into BM25 terms.

Chinese is segmented with jieba (search mode, which also emits the shorter words inside long
ones); English is lower-cased and Snowball-stemmed. Stop words of both languages are dropped, so
"有哪些赛道？" and "Which tracks are there?" each reduce to the one word that matters.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache, lru_cache

import jieba
import Stemmer
from bm25s.stopwords import STOPWORDS_CHINESE, STOPWORDS_EN_PLUS

# Question words and fillers that carry no topic, beyond the libraries' lists.
_EXTRA_STOPWORDS = set(
    """
    many much tell please know get can could would may might there any also like want need
    one's let us info information
    有 哪些 哪个 什么 吗 呢 吧 怎么 怎样 如何 多少 几个 几 请问 请 是 的 了 我 我们 你 你们 可以
    能 能否 啊 想 知道 一下 告诉 关于 在 和 与 及 都 会 要 哪 谁 一共 总共 分 得 得了 有没有 是不是
    """.split()
)
STOPWORDS = frozenset(STOPWORDS_EN_PLUS) | frozenset(STOPWORDS_CHINESE) | _EXTRA_STOPWORDS
_WORD = re.compile(r"\w", re.UNICODE)
_ASCII_WORD = re.compile(r"^[a-z0-9][a-z0-9'._-]*$")

jieba.setLogLevel(logging.WARNING)
_taught: set[str] = set()


@cache
def _segmenter() -> jieba.Tokenizer:
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    return segmenter


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def teach_words(words: Iterable[str]) -> None:
    """Tell the segmenter about domain words (track and resource names) so they stay whole."""
    segmenter = _segmenter()
    for word in words:
        for part in re.split(r"[\s/、，,]+", word):
            if len(part) > 1 and re.search(r"[\u4e00-\u9fff]", part) and part not in _taught:
                segmenter.add_word(part)
                _taught.add(part)
                _terms.cache_clear()  # a new word may segment a text differently


def tokenize(text: str) -> list[str]:
    """BM25 terms of a text in any mix of Chinese and English."""
    return list(_terms(text))


@lru_cache(maxsize=16_384)  # the knowledge base is tokenized again on every index build
def _terms(text: str) -> tuple[str, ...]:
    terms = []
    for raw in _segmenter().cut_for_search(text.lower()):
        word = raw.strip().strip("'._-")
        if not word or not _WORD.search(word) or word in STOPWORDS:
            continue
        if _ASCII_WORD.match(word):
            word = _stemmer().stemWord(word)
        terms.append(word)
    return tuple(terms)
