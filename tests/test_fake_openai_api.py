"""The OpenAI stand-in against the real `openai` SDK: if these pass, the bot's LLM tests exercise
the SDK's own parsing, retries and timeouts rather than a fake's idea of them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import openai
import pytest

from tests.fakes.openai_api import FakeOpenAIServer

MESSAGES = [
    {"role": "system", "content": "You answer contest questions."},
    {"role": "user", "content": "What are the prizes?"},
]
PRIZES = "Each track has one first prize, two second prizes and five third prizes."


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAIServer]:
    fake = FakeOpenAIServer()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def client_for(
    fake: FakeOpenAIServer, *, api_key: str | None = None, **options: float
) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=fake.base_url, api_key=api_key or fake.api_key, **options)


async def stream(client: openai.AsyncOpenAI) -> list[openai.types.chat.ChatCompletionChunk]:
    chunks = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=MESSAGES,
        stream=True,
        stream_options={"include_usage": True},
        temperature=0.2,
        max_tokens=400,
    )
    return [chunk async for chunk in chunks]


async def test_a_streamed_answer_arrives_in_pieces_with_usage(server: FakeOpenAIServer) -> None:
    server.script(PRIZES, prompt_tokens=321, completion_tokens=17, chunks=6)
    async with client_for(server, max_retries=0, timeout=5) as client:
        chunks = await stream(client)
    texts = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(texts) == 6
    assert "".join(texts) == PRIZES
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    assert (last.usage.prompt_tokens, last.usage.completion_tokens) == (321, 17)
    assert last.usage.total_tokens == 338
    assert {c.model for c in chunks} == {"gpt-4o-mini"}


async def test_chunks_are_flushed_as_they_are_written(server: FakeOpenAIServer) -> None:
    server.chunk_delay = 0.15
    server.script("one two three four", chunks=4)
    arrivals: list[float] = []
    async with client_for(server, max_retries=0, timeout=5) as client:
        response = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        async for chunk in response:
            if chunk.choices and chunk.choices[0].delta.content:
                arrivals.append(time.monotonic())
            assert chunk.usage is None  # no include_usage, no usage chunk
    assert len(arrivals) == 4
    assert arrivals[-1] - arrivals[0] > 0.3


async def test_a_whole_answer_with_usage(server: FakeOpenAIServer) -> None:
    server.script(PRIZES, prompt_tokens=50, completion_tokens=9)
    async with client_for(server, max_retries=0, timeout=5) as client:
        completion = await client.chat.completions.create(model="deepseek-chat", messages=MESSAGES)
    assert completion.object == "chat.completion"
    assert completion.model == "deepseek-chat"
    assert completion.choices[0].message.content == PRIZES
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.total_tokens) == (50, 59)


async def test_the_request_is_recorded_and_the_responder_answers(server: FakeOpenAIServer) -> None:
    server.answer_with(lambda request: f"echo: {request['messages'][-1]['content']}")
    async with client_for(server, max_retries=0, timeout=5) as client:
        chunks = await stream(client)
        whole = await client.chat.completions.create(model="m", messages=MESSAGES)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content == "echo: What are the prizes?"
    first, second = await server.wait_for_requests(2)
    assert first["model"] == "gpt-4o-mini" and first["messages"] == MESSAGES
    assert first["stream"] is True and first["stream_options"] == {"include_usage": True}
    assert (first["temperature"], first["max_tokens"]) == (0.2, 400)
    assert "stream" not in second
    assert server.headers[0]["Authorization"] == "Bearer sk-test-key"


async def test_the_default_answer(server: FakeOpenAIServer) -> None:
    async with client_for(server, max_retries=0, timeout=5) as client:
        completion = await client.chat.completions.create(model="m", messages=MESSAGES)
    assert completion.choices[0].message.content == "I don't know."


async def test_a_wrong_key_is_refused(server: FakeOpenAIServer) -> None:
    async with client_for(server, api_key="sk-wrong", max_retries=2, timeout=5) as client:
        with pytest.raises(openai.AuthenticationError) as caught:
            await stream(client)
    assert caught.value.status_code == 401
    assert isinstance(caught.value.body, dict) and caught.value.body["code"] == "invalid_api_key"
    assert len(server.requests) == 1  # 401 is not retried
    assert server.headers[0]["Authorization"] == "Bearer sk-wrong"


async def test_a_server_error_is_retried(server: FakeOpenAIServer) -> None:
    server.fail_next(500, times=1)
    server.script(PRIZES)
    async with client_for(server, max_retries=1, timeout=5) as client:
        chunks = await stream(client)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == PRIZES
    assert len(await server.wait_for_requests(2)) == 2
    assert server.requests[0] == server.requests[1]


async def test_retry_after_is_honoured(server: FakeOpenAIServer) -> None:
    server.fail_next(429, retry_after=0.6)
    async with client_for(server, max_retries=1, timeout=5) as client:
        started = time.monotonic()
        await client.chat.completions.create(model="m", messages=MESSAGES)
    assert time.monotonic() - started >= 0.55
    assert len(server.requests) == 2


async def test_rate_limits_without_retries_raise(server: FakeOpenAIServer) -> None:
    server.fail_next(429, times=5, message="slow down")
    async with client_for(server, max_retries=0, timeout=5) as client:
        with pytest.raises(openai.RateLimitError) as caught:
            await stream(client)
    assert isinstance(caught.value.body, dict) and caught.value.body["message"] == "slow down"
    assert len(server.requests) == 1


async def test_a_slow_answer_times_out(server: FakeOpenAIServer) -> None:
    server.slow_next(2)
    async with client_for(server, max_retries=0, timeout=0.5) as client:
        started = time.monotonic()
        with pytest.raises(openai.APITimeoutError):
            await stream(client)
    assert time.monotonic() - started < 1.5
    server.script("fast again")  # the slowness was used up
    async with client_for(server, max_retries=0, timeout=0.5) as client:
        completion = await client.chat.completions.create(model="m", messages=MESSAGES)
    assert completion.choices[0].message.content == "fast again"


async def test_models_are_listed(server: FakeOpenAIServer) -> None:
    async with client_for(server, max_retries=0, timeout=5) as client:
        models = await client.models.list()
    assert [model.id for model in models.data] == ["fake-model"]


async def test_waiting_for_requests_times_out_without_them(server: FakeOpenAIServer) -> None:
    with pytest.raises(TimeoutError):
        await server.wait_for_requests(1, timeout=0.1)
    async with aiohttp.ClientSession() as session:
        waiter = asyncio.create_task(server.wait_for_requests(1, timeout=5))
        headers = {"Authorization": f"Bearer {server.api_key}"}
        body = {"model": "m", "messages": MESSAGES}
        url = f"{server.base_url}/chat/completions"
        async with session.post(url, json=body, headers=headers) as response:
            assert response.status == 200
        assert await waiter == [body]
