"""Turn Chinese, English or mixed text into BM25 terms.

Chinese is segmented with rjieba, jieba's algorithm and dictionary in Rust (search mode, which
also emits the shorter words inside long ones): it segments as jieba does, in about half the
memory (jieba's dictionary alone held some 60 MB of Python objects at idle). English is
lower-cased and Snowball-stemmed. Stop words of both languages are dropped, so
"有哪些赛道？" and "Which tracks are there?" each reduce to the one word that matters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

import rjieba
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
# jieba cut "open-source", "blog.csdn.net" and "team_max" at their punctuation; rjieba keeps
# such a compound whole as well. Spaced out first, they give the terms they always gave.
_INNER_PUNCTUATION = re.compile(r"(?<=[^\W_])([-._'])(?=[^\W_])")
_taught: set[str] = set()


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def teach_words(words: Iterable[str]) -> None:
    """Tell the segmenter about domain words (track and resource names) so they stay whole."""
    for word in words:
        for part in re.split(r"[\s/、，,]+", word):
            if len(part) > 1 and re.search(r"[\u4e00-\u9fff]", part) and part not in _taught:
                # rjieba's own segmenter: a second one would hold the dictionary twice.
                rjieba.add_word(part, None, None)  # jieba's default frequency
                _taught.add(part)
                _terms.cache_clear()  # a new word may segment a text differently


def tokenize(text: str) -> list[str]:
    """BM25 terms of a text in any mix of Chinese and English."""
    return list(_terms(text))


@lru_cache(maxsize=16_384)  # the knowledge base is tokenized again on every index build
def _terms(text: str) -> tuple[str, ...]:
    terms = []
    spaced = _INNER_PUNCTUATION.sub(r" \1 ", text.lower())
    for raw in rjieba.cut_for_search(spaced, True):
        word = raw.strip().strip("'._-")
        if not word or not _WORD.search(word) or word in STOPWORDS:
            continue
        if _ASCII_WORD.match(word):
            word = _stemmer().stemWord(word)
        terms.append(word)
    return tuple(terms)
