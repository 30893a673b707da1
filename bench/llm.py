"""The bot's own latency around the model, and prompt size per answer.

    .venv/bin/python bench/llm.py

Each question of the evaluation set goes through the core with an LLM configured: the local
OpenAI-compatible stand-in waits a fixed MODEL_LATENCY before its first byte and then streams at
once, so "time to first token" and "time to final message" minus that latency are the bot's own
cost (retrieval, prompt building, the SDK, our stream handling, the checks and bookkeeping).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from bot.clock import SystemClock
from bot.config import BUNDLED_CONTENT_DIR, load_settings
from bot.knowledge.evaluation import load_questions
from bot.llm.prompt import count_tokens
from bot.messages import ChatKind, ChatRef, Incoming, UserRef
from bot.runtime import start_core

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.fakes.openai_api import FakeOpenAIServer

EVAL_FILE = Path(__file__).resolve().parents[1] / "tests" / "data" / "qa_eval.jsonl"
MODEL_LATENCY = 0.2
ANSWER = "Each track awards one first prize, two second prizes and five third prizes [1]."


HANG_SECONDS = 60


async def hanging_provider(core: object, model: FakeOpenAIServer) -> list[float]:
    """Seconds from question to the member's final answer while the provider sends nothing."""
    took = []
    model.forget_delays()  # left by questions that never reached the model
    for number, question in enumerate(("How many prizes does each track have?", "有哪些赛道？")):
        model.slow_next(HANG_SECONDS, times=3)  # the SDK's retries would hang as well
        incoming = Incoming(
            "console",
            UserRef(f"hang{number}", "bench", "en"),
            ChatRef(f"hang{number}", ChatKind.PRIVATE),
            text=question,
        )
        started = time.perf_counter()
        [reply] = await core.handle(incoming)  # type: ignore[attr-defined]
        if reply.stream is not None:
            async for _ in reply.stream:
                pass
        took.append(time.perf_counter() - started)
    return took


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def main() -> None:
    model = FakeOpenAIServer()
    await model.start()
    model.answer_with(lambda request: ANSWER)
    folder = tempfile.mkdtemp()
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{folder}/llm.db",
        content_dir=BUNDLED_CONTENT_DIR,
        openai_api_key=SecretStr(model.api_key),
        openai_base_url=model.base_url,
        llm_model="fake-model",
        llm_cache_minutes=0,
        llm_questions_per_hour=10_000,
    )
    core = await start_core(settings, SystemClock())
    questions = [q for q in load_questions(EVAL_FILE) if not q.off_topic]
    first_token, final, prompt_tokens = [], [], []
    for number, question in enumerate(questions):
        model.slow_next(MODEL_LATENCY)
        asked = len(model.requests)
        incoming = Incoming(
            "console",
            UserRef(str(number), "bench", question.language),
            ChatRef(str(number), ChatKind.PRIVATE),
            text=question.question,
        )
        started = time.perf_counter()
        [reply] = await core.handle(incoming)
        if reply.stream is None:  # retrieval found nothing: no model call
            continue
        first = None
        async for _ in reply.stream:
            first = first or time.perf_counter()
        done = time.perf_counter()
        if first is None or len(model.requests) == asked:
            continue
        first_token.append((first - started - MODEL_LATENCY) * 1000)
        final.append((done - started - MODEL_LATENCY) * 1000)
        request = model.requests[-1]
        prompt_tokens.append(sum(count_tokens(m["content"]) for m in request["messages"]))
    hanging = await hanging_provider(core, model)
    await core.services.database.close()
    await model.stop()
    print(
        f"{len(final)} answers through the model (stand-in latency {MODEL_LATENCY * 1000:.0f} "
        "ms subtracted)"
    )
    for label, samples in (("to first token", first_token), ("to final message", final)):
        print(
            f"  bot's own time {label}: p50 {statistics.median(samples):.1f} ms   "
            f"p95 {percentile(samples, 0.95):.1f} ms   max {max(samples):.1f} ms"
        )
    print(
        f"  prompt tokens per answer: median {statistics.median(prompt_tokens):.0f}, "
        f"max {max(prompt_tokens)} (budget {settings.llm_prompt_token_budget})"
    )
    print(
        f"provider hanging (no byte for {HANG_SECONDS} s), BOT_LLM_FIRST_TOKEN_SECONDS="
        f"{settings.llm_first_token_seconds:g}: question to final answer "
        + ", ".join(f"{seconds:.2f} s" for seconds in hanging)
    )


if __name__ == "__main__":
    asyncio.run(main())
