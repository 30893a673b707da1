"""The knowledge base: Markdown passages, their BM25 index and retrieval answers."""
