"""Prometheus metrics. Counters are incremented where things happen; gauges read at scrape."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry()

UPDATES = Counter(
    "bot_updates_total",
    "Messages, commands and button presses handled",
    ["platform"],
    registry=REGISTRY,
)
ANSWERS = Counter("bot_answers_total", "Questions answered, by path", ["path"], registry=REGISTRY)
DELIVERIES = Counter(
    "bot_deliveries_total", "Outbox sends, by outcome", ["platform", "outcome"], registry=REGISTRY
)
SEND_SECONDS = Histogram(
    "bot_send_seconds", "Time of one outbox send", ["platform"], registry=REGISTRY
)
LLM_TOKENS = Counter(
    "bot_llm_tokens_total", "Tokens used by the chat model", ["kind"], registry=REGISTRY
)
OUTBOX_DEPTH = Gauge("bot_outbox_depth", "Deliveries waiting to be sent", registry=REGISTRY)
