"""A local OpenAI-compatible server for the real `openai` SDK.

The bot talks to its model through `AsyncOpenAI(base_url=…)` and Chat Completions; tests point it
here so the SDK's own parsing, retries (408/409/429/5xx, `retry-after`) and timeouts run for real,
while the test decides the answers, the failures and the slowness, and reads back what was sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
import uuid
from collections import deque
from collections.abc import Callable
from itertools import pairwise
from typing import Any

from aiohttp import web

Responder = Callable[[dict[str, Any]], str]


class FakeOpenAIServer:
    """`POST /v1/chat/completions` (whole or streamed as server-sent events) and `GET /v1/models`.

    Every completion request is recorded in `requests` (the JSON body) and `headers`, in order,
    failed ones included, so a test can count the SDK's retries and check what the bot sent.
    """

    def __init__(self, api_key: str = "sk-test-key") -> None:
        self.api_key = api_key
        self.base_url = ""
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.chunk_delay = 0.0
        self._script: deque[tuple[str, int, int, int | None]] = deque()
        self._responder: Responder = lambda request: "I don't know."
        self._failures: deque[tuple[int, str, float | None, bool | None]] = deque()
        self._delays: deque[float] = deque()
        self._arrived = asyncio.Condition()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.embedding_requests: list[dict[str, Any]] = []

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1; `base_url` ends in `/v1`, as the SDK expects."""
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        app.router.add_get("/v1/models", self._models)
        app.router.add_post("/v1/embeddings", self._embeddings)
        # A client that gives up cancels the handler, as a real server stops generating.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/v1"

    async def stop(self) -> None:
        """Stop at once: pending `slow_next` waits and chunk pauses end rather than hold it."""
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- what the next answers are -------------------------------------------------------------

    def script(
        self,
        text: str,
        *,
        prompt_tokens: int = 100,
        completion_tokens: int = 20,
        chunks: int | None = None,
    ) -> None:
        """Queue one answer: streamed in `chunks` even pieces (default: ~8 characters each)."""
        self._script.append((text, prompt_tokens, completion_tokens, chunks))

    def answer_with(self, responder: Responder) -> None:
        """Compute answers from the request body once the scripted ones are used up."""
        self._responder = responder

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        message: str = "upstream error",
        retry_after: float | None = None,
        should_retry: bool | None = None,
    ) -> None:
        """Answer the next `times` requests with `status` and an OpenAI error body.

        `retry_after` sets the `retry-after` header (the SDK waits that long, and does not retry
        at all above 120 s); `should_retry` sets `x-should-retry`, which overrides the status.
        """
        self._failures.extend([(status, message, retry_after, should_retry)] * times)

    def slow_next(self, seconds: float, *, times: int = 1) -> None:
        """Hold the next `times` requests that long before the first byte (trips timeouts)."""
        self._delays.extend([seconds] * times)

    def forget_delays(self) -> None:
        """Drop the holds not used up yet (requests that were never made)."""
        self._delays.clear()

    async def wait_for_requests(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:  # noqa: ASYNC109
        """Wait until `count` completion requests arrived; returns all recorded bodies."""
        try:
            async with asyncio.timeout(timeout), self._arrived:
                await self._arrived.wait_for(lambda: len(self.requests) >= count)
        except TimeoutError:
            got = len(self.requests)
            raise TimeoutError(f"{got} of {count} completion requests in {timeout} s") from None
        return list(self.requests)

    # --- the API ---------------------------------------------------------------------------------

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake when the server stops."""
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), seconds)

    async def _models(self, _: web.Request) -> web.Response:
        model = {"id": "fake-model", "object": "model", "created": 0, "owned_by": "test"}
        return web.json_response({"object": "list", "data": [model]})

    async def _embeddings(self, request: web.Request) -> web.Response:
        """`POST /v1/embeddings`: a vector per input, from the words it shares with others
        (hashed bag of words and characters), so similar texts get similar vectors."""
        body = await request.json()
        self.embedding_requests.append(body)
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(
                401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key"
            )
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [
            {"object": "embedding", "index": number, "embedding": _bag_vector(text)}
            for number, text in enumerate(inputs)
        ]
        usage = {"prompt_tokens": sum(len(t) for t in inputs), "total_tokens": 0}
        return web.json_response(
            {"object": "list", "data": data, "model": body.get("model", ""), "usage": usage}
        )

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            body = {}
        async with self._arrived:
            self.requests.append(body)
            self.headers.append(dict(request.headers))
            self._arrived.notify_all()
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            message = "Incorrect API key provided."
            return _error(401, message, "invalid_request_error", "invalid_api_key")
        if not isinstance(body, dict) or not body.get("messages"):
            return _error(400, "'messages' is required.", "invalid_request_error", None)
        if self._delays:
            await self._pause(self._delays.popleft())
        if self._failures:
            status, message, retry_after, should_retry = self._failures.popleft()
            kind, code = _ERROR_KINDS.get(status, ("server_error", None))
            return _error(status, message, kind, code, retry_after, should_retry)
        if self._script:
            text, prompt, completion, chunks = self._script.popleft()
        else:
            text, prompt, completion, chunks = self._responder(body), 100, 20, None
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        head = {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
        }
        if not body.get("stream"):
            message = {"role": "assistant", "content": text, "refusal": None}
            choice = {"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}
            whole = {**head, "object": "chat.completion", "choices": [choice], "usage": usage}
            return web.json_response(whole)
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        return await self._stream(
            request, head, _pieces(text, chunks), usage if include_usage else None
        )

    async def _stream(
        self,
        request: web.Request,
        head: dict[str, Any],
        pieces: list[str],
        usage: dict[str, int] | None,
    ) -> web.StreamResponse:
        """Write the chunks as SSE, each sent as written, the way OpenAI orders them."""
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-cache",
            }
        )
        await response.prepare(request)

        async def event(choices: list[dict[str, Any]], **extra: Any) -> None:
            chunk = {**head, "object": "chat.completion.chunk", "choices": choices, **extra}
            await response.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())

        def choice(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}

        try:
            await event([choice({"role": "assistant", "content": ""})])
            for piece in pieces:
                await self._pause(self.chunk_delay)
                await event([choice({"content": piece})])
            await event([choice({}, "stop")])
            if usage is not None:
                await event([], usage=usage)
            await response.write(b"data: [DONE]\n\n")
            await response.write_eof()
        except ConnectionResetError:
            pass  # the client stopped reading (closed the stream): nothing left to send
        return response


_ERROR_KINDS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", None),
    404: ("invalid_request_error", "model_not_found"),
    429: ("requests", "rate_limit_exceeded"),
}


def _pieces(text: str, chunks: int | None) -> list[str]:
    """Split into `chunks` near-even pieces (exactly that many when the text is long enough)."""
    if not text:
        return []
    count = min(chunks, len(text)) if chunks else -(-len(text) // 8)
    bounds = [round(i * len(text) / count) for i in range(count + 1)]
    return [text[a:b] for a, b in pairwise(bounds)]


def _error(
    status: int,
    message: str,
    kind: str,
    code: str | None,
    retry_after: float | None = None,
    should_retry: bool | None = None,
) -> web.Response:
    """An OpenAI-style error; the SDK raises by status and exposes `body` as the inner object."""
    headers = {}
    if retry_after is not None:
        headers["retry-after"] = f"{retry_after:g}"
    if should_retry is not None:
        headers["x-should-retry"] = "true" if should_retry else "false"
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return web.json_response(body, status=status, headers=headers)


def _bag_vector(text: str, dimensions: int = 64) -> list[float]:
    vector = [0.0] * dimensions
    pieces = text.lower().split() + [c for c in text if "\u4e00" <= c <= "\u9fff"]
    for piece in pieces:
        vector[int(hashlib.md5(piece.encode()).hexdigest(), 16) % dimensions] += 1.0
    return vector
