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
TICKETS = Counter(
    "bot_tickets_total", "Questions handed to a person, by event", ["event"], registry=REGISTRY
)
TICKET_ANSWER_SECONDS = Histogram(
    "bot_ticket_answer_seconds",
    "Time from a ticket opened to its first answer",
    buckets=(60, 300, 900, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 3 * 24 * 3600),
    registry=REGISTRY,
)
VOTES = Counter("bot_answer_votes_total", "Votes on answers", ["helpful"], registry=REGISTRY)
