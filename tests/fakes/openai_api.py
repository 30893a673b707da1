"""A local OpenAI-compatible server for the real `openai` SDK: Chat Completions, streamed as
server-sent events or whole, with scripted answers, failures and slowness, recording requests."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

from aiohttp import web


class FakeOpenAIServer:
    def __init__(self, api_key: str = "sk-test-key") -> None:
        self.api_key = api_key
        self.base_url = ""
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.chunk_delay = 0.0
        self._script: deque[tuple[str, int, int, int | None]] = deque()
        self._responder: Callable[[dict[str, Any]], str] = lambda request: "I don't know."
        self._failures: deque[tuple[int, str, float | None]] = deque()
        self._delays: deque[float] = deque()
        self._arrived = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        app.router.add_get("/v1/models", self._models)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/v1"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what the next answers are -------------------------------------------------------------

    def script(
        self,
        text: str,
        *,
        prompt_tokens: int = 100,
        completion_tokens: int = 20,
        chunks: int | None = None,
    ) -> None:
        """Queue one answer; streamed in `chunks` pieces (default: pieces of ~8 characters)."""
        self._script.append((text, prompt_tokens, completion_tokens, chunks))

    def answer_with(self, responder: Callable[[dict[str, Any]], str]) -> None:
        """Answer from the request itself once the script is used up."""
        self._responder = responder

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        message: str = "upstream error",
        retry_after: float | None = None,
    ) -> None:
        self._failures.extend([(status, message, retry_after)] * times)

    def slow_next(self, seconds: float, *, times: int = 1) -> None:
        self._delays.extend([seconds] * times)

    async def wait_for_requests(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:  # noqa: ASYNC109
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: len(self.requests) >= count)
        return self.requests

    # --- the API ---------------------------------------------------------------------------------

    async def _models(self, _: web.Request) -> web.Response:
        model = {"id": "fake-model", "object": "model", "created": 0, "owned_by": "test"}
        return web.json_response({"object": "list", "data": [model]})

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        async with self._arrived:
            self.requests.append(body)
            self.headers.append(dict(request.headers))
            self._arrived.notify_all()
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided", "invalid_request_error", None)
        if self._delays:
            await asyncio.sleep(self._delays.popleft())
        if self._failures:
            status, message, retry_after = self._failures.popleft()
            return _error(
                status, message, "server_error" if status >= 500 else "rate_limit", retry_after
            )
        if self._script:
            text, prompt, completion, chunks = self._script.popleft()
        else:
            text, prompt, completion, chunks = self._responder(body), 100, 20, None
        model = body.get("model", "fake-model")
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        if not body.get("stream"):
            return web.json_response(
                {
                    "id": f"chatcmpl-{uuid.uuid4().hex}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "logprobs": None,
                            "message": {"role": "assistant", "content": text},
                        }
                    ],
                    "usage": usage,
                }
            )
        return await self._stream(request, body, model, text, usage, chunks)

    async def _stream(
        self,
        request: web.Request,
        body: dict[str, Any],
        model: str,
        text: str,
        usage: dict[str, int],
        chunks: int | None,
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        identifier, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

        async def event(choices: list[dict[str, Any]], **extra: Any) -> None:
            chunk = {
                "id": identifier,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": choices,
                **extra,
            }
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())

        def choice(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}

        await event([choice({"role": "assistant", "content": ""})])
        size = max(1, -(-len(text) // chunks)) if chunks else 8
        for start in range(0, len(text), size):
            if self.chunk_delay:
                await asyncio.sleep(self.chunk_delay)
            await event([choice({"content": text[start : start + size]})])
        await event([choice({}, "stop")])
        if (body.get("stream_options") or {}).get("include_usage"):
            await event([], usage=usage)
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response


def _error(status: int, message: str, kind: str, retry_after: float | None) -> web.Response:
    headers = {"retry-after": str(retry_after)} if retry_after is not None else {}
    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return web.json_response(body, status=status, headers=headers)
