"""Grounded answers from an OpenAI-compatible chat model, with retrieval as the fallback."""
