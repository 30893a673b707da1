"""A local stand-in for the Telegram Bot API, spoken to by the real aiogram client.

Tests point `AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))` at it, so the
adapter's real request encoding, response parsing and error mapping are exercised; only the far
end is fake. Answers carry just the fields aiogram's models require, errors use Telegram's
status codes and shapes so aiogram raises the same exceptions it would in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

ChatId = int | str

# Free-text fields stay strings even when they look like JSON ("42", "true", "[1]").
_TEXT_KEYS = frozenset(
    "text caption data callback_query_id inline_message_id description short_description name"
    " title url secret_token parse_mode action language_code query emoji file_name".split()
)
_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")
_LONG_POLL_CAP = 2.0  # seconds; keeps polling tests quick whatever timeout the client asks for


@dataclass
class Call:
    """One request the bot made; `error_code` is set when the fake answered with an error."""

    method: str
    params: dict[str, Any]
    token: str
    error_code: int | None = None


@dataclass
class _Fault:
    error_code: int
    description: str
    retry_after: int | None = None
    remaining: int = 1  # -1 = forever
    method: str | None = None  # lower-case; None = any method
    chat_id: ChatId | None = None


def _utf16_len(text: str) -> int:
    """Telegram measures entity offsets in UTF-16 code units (emoji count twice)."""
    return len(text.encode("utf-16-le")) // 2


def _decode(key: str, value: Any) -> Any:
    """Undo aiogram's form encoding: nested objects, numbers and booleans arrive as JSON text."""
    if not isinstance(value, str) or key in _TEXT_KEYS:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return value if isinstance(decoded, str) or decoded is None else decoded


class FakeTelegramServer:
    """Bot API stand-in on 127.0.0.1: records every call, feeds updates, injects faults."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_id: int = 424242,
        bot_username: str = "community_test_bot",
    ) -> None:
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.base_url = ""
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._last_update_id = 0
        self._callback_ids = itertools.count(1)
        self._message_ids: dict[ChatId, int] = {}
        self._messages: dict[tuple[ChatId, int], dict[str, Any]] = {}
        self._chats: dict[ChatId, dict[str, Any]] = {}
        self._faults: list[_Fault] = []
        self._files: dict[str, bytes] = {}  # documents users sent, by file_id
        self._update_pushed = asyncio.Event()
        self._call_recorded = asyncio.Event()
        self._runner: web.AppRunner | None = None

    # --- lifecycle ---
    async def start(self) -> None:
        """Bind a free port so parallel test runs never collide."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Shut down without making a pending long poll hold the test up."""
        self._update_pushed.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- feeding updates ---
    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as it appears in `from` of its own messages."""
        return dict(id=self.bot_id, is_bot=True, first_name="Bot", username=self.bot_username)

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update as Telegram would deliver it; wakes a waiting getUpdates."""
        update.setdefault("update_id", self._last_update_id + 1)
        self._last_update_id = max(self._last_update_id, update["update_id"])
        for message in (update.get("message"), (update.get("callback_query") or {}).get("message")):
            if message:
                self._chats.setdefault(message["chat"]["id"], message["chat"])
        self._updates.append(update)
        self._update_pushed.set()
        return update

    def message_update(
        self,
        text: str,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        chat_type: str = "private",
        language_code: str | None = "en",
        first_name: str = "Ada",
        reply_to_bot: bool = False,
        message_id: int | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """Push a user's text message, with the entities Telegram's clients would attach."""
        chat_id = user_id if chat_id is None else chat_id
        chat = self._chat(chat_id, chat_type, first_name)
        sender = self._user(user_id, first_name, language_code, username)
        message_id = self._next_message_id(chat_id) if message_id is None else message_id
        message = self._msg(chat, message_id, sender, text=text)
        if entities := self._entities(text):
            message["entities"] = entities
        if reply_to_bot:
            mine = [m for (cid, _), m in self._messages.items() if cid == chat_id]
            message["reply_to_message"] = (
                mine[-1] if mine else self._msg(chat, self._next_message_id(chat_id), text="…")
            )
        return self.push_update({"message": message})

    def document_update(
        self,
        file_name: str,
        content: bytes,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
        user_id: int = 1001,
        chat_id: int | None = None,
        chat_type: str = "private",
        language_code: str | None = "en",
    ) -> dict[str, Any]:
        """Push a user's message carrying a file; the bot fetches it with getFile."""
        chat_id = user_id if chat_id is None else chat_id
        chat = self._chat(chat_id, chat_type, "Ada")
        sender = self._user(user_id, "Ada", language_code, None)
        file_id = f"upload-{len(self._files) + 1}"
        self._files[file_id] = content
        document = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": file_name,
            "file_size": len(content),
        }
        if mime_type:
            document["mime_type"] = mime_type
        extra: dict[str, Any] = {"caption": caption} if caption else {}
        if caption and (entities := self._entities(caption)):
            extra["caption_entities"] = entities
        message = self._msg(
            chat, self._next_message_id(chat_id), sender, document=document, **extra
        )
        return self.push_update({"message": message})

    def members_joined_update(
        self, chat_id: int, people: list[tuple[int, str]], chat_type: str = "supergroup"
    ) -> dict[str, Any]:
        """Push the service message Telegram sends when people join a group."""
        chat = self._chat(chat_id, chat_type, "Group")
        joined = [self._user(user_id, name, None) for user_id, name in people]
        message = self._msg(
            chat, self._next_message_id(chat_id), joined[0], new_chat_members=joined
        )
        return self.push_update({"message": message})

    def callback_update(
        self,
        data: str,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        message_id: int = 1,
        language_code: str | None = "en",
        chat_type: str = "private",
        username: str | None = None,
    ) -> dict[str, Any]:
        """Push an inline-button press on the bot's message `message_id` in that chat."""
        chat_id = user_id if chat_id is None else chat_id
        chat = self._chat(chat_id, chat_type, "Ada")
        message = self._messages.get((chat_id, message_id)) or self._msg(chat, message_id, text="…")
        query = {
            "id": str(next(self._callback_ids)),
            "from": self._user(user_id, "Ada", language_code, username),
            "chat_instance": f"ci-{chat_id}",
            "data": data,
            "message": message,
        }
        return self.push_update({"callback_query": query})

    # --- what the bot did ---
    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """Params of every call of `method` (failed ones included), in order."""
        return [c.params for c in self.calls if c.method.lower() == method.lower()]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - a per-call deadline reads best in tests
        predicate: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[dict[str, Any]]:
        """Wait until `count` matching calls were recorded; the bot works concurrently."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            matches = [p for p in self.calls_of(method) if predicate is None or predicate(p)]
            remaining = deadline - loop.time()
            if len(matches) >= count:
                return matches
            if remaining <= 0:
                seen = [c.method for c in self.calls if c.method != "getUpdates"]
                raise AssertionError(
                    f"expected {count} {method} call(s), got {len(matches)} in {timeout}s; "
                    f"recorded: {seen}"
                )
            self._call_recorded.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._call_recorded.wait(), remaining)

    # --- faults ---
    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: ChatId | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` (for `chat_id`, if given) with an error."""
        self._faults.append(
            _Fault(error_code, description, retry_after, times, method.lower(), chat_id)
        )

    def fail_chat(self, chat_id: ChatId, *, error_code: int, description: str) -> None:
        """Every call addressed to `chat_id` fails from now on, like a user who blocked the bot."""
        self._faults.append(_Fault(error_code, description, remaining=-1, chat_id=chat_id))

    # --- HTTP ---
    async def _handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        params = await self._read_params(request)
        call = Call(method, params, token)
        self.calls.append(call)
        self._call_recorded.set()
        if token != self.token:
            return self._error(call, _Fault(401, "Unauthorized"))
        if fault := self._take_fault(method, params):
            return self._error(call, fault)
        if method.lower() == "getupdates":
            result: Any = await self._get_updates(params)
        else:
            result = self._answer(method.lower(), params)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        """Accept multipart (aiogram), urlencoded and JSON bodies, plus query strings."""
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json" and request.can_read_body:
            raw.update(await request.json())
        else:
            raw.update(await request.post())
        params: dict[str, Any] = {}
        files: dict[str, dict[str, Any]] = {}
        for key, value in raw.items():
            if isinstance(value, web.FileField):
                files[key] = {"filename": value.filename, "content": value.file.read()}
            else:
                params[key] = _decode(key, value)
        for key, value in list(params.items()):  # resolve aiogram's "attach://<field>"
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = files.pop(value.removeprefix("attach://"), value)
        return params | files

    def _take_fault(self, method: str, params: dict[str, Any]) -> _Fault | None:
        for fault in self._faults:
            if fault.method not in (None, method.lower()):
                continue
            if fault.chat_id is not None and str(fault.chat_id) != str(params.get("chat_id")):
                continue
            if fault.remaining > 0:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
            return fault
        return None

    @staticmethod
    def _error(call: Call, fault: _Fault) -> web.Response:
        call.error_code = fault.error_code
        body: dict[str, Any] = {"ok": False, "error_code": fault.error_code}
        body["description"] = fault.description
        if fault.retry_after is not None:
            body["parameters"] = {"retry_after": fault.retry_after}
        return web.json_response(body, status=fault.error_code)

    async def _download(self, request: web.Request) -> web.Response:
        """Telegram's file server: the bytes of a document a user sent."""
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].rpartition("/")[2]
        content = self._files.get(file_id)
        return web.Response(body=content) if content is not None else web.Response(status=404)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long polling: confirm updates below `offset`, wait briefly for new ones."""
        offset, limit = int(params.get("offset", 0)), int(params.get("limit", 100)) or 100
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        wait = min(float(params.get("timeout", 0)), _LONG_POLL_CAP)
        if not self._updates and wait > 0 and self._runner is not None:
            self._update_pushed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._update_pushed.wait(), wait)
        return self._updates[:limit]

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        """Result objects shaped like Telegram's; unknown methods succeed with `true`."""
        if method == "getme":
            abilities = (
                "can_join_groups",
                "can_read_all_group_messages",
                "supports_inline_queries",
            )
            return self.bot_user | dict.fromkeys(abilities, True)
        if method == "sendmessage":
            return self._send(params, {"text": params.get("text", "")})
        if method == "senddocument":
            doc = params.get("document")
            name = doc.get("filename") if isinstance(doc, dict) else str(doc)
            n = len(self.calls)
            document = {"file_id": f"doc-{n}", "file_unique_id": f"u-doc-{n}", "file_name": name}
            caption = {"caption": params["caption"]} if "caption" in params else {}
            return self._send(params, {"document": document} | caption)
        if method == "editmessagetext":
            return self._edit(params)
        if method == "getfile":
            file_id = params["file_id"]
            size = len(self._files.get(file_id, b""))
            path = f"documents/{file_id}"
            return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": size,
                    "file_path": path}  # fmt: skip
        if method == "getmycommands":
            return []
        if method == "getwebhookinfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True

    def _send(self, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        chat_id = params["chat_id"]
        message = self._msg(self._chat(chat_id), self._next_message_id(chat_id), **content)
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _edit(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if "inline_message_id" in params:
            return True
        chat_id, message_id = params["chat_id"], int(params["message_id"])
        old = self._messages.get((chat_id, message_id))
        old = old or self._msg(self._chat(chat_id), message_id)
        message = {k: v for k, v in old.items() if k != "reply_markup"}  # Telegram drops it too
        message |= {"text": params.get("text", ""), "edit_date": int(time.time())}
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        self._messages[(chat_id, message_id)] = message
        return message

    # --- building blocks ---
    def _next_message_id(self, chat_id: ChatId) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _chat(
        self, chat_id: ChatId, chat_type: str | None = None, first_name: str = "Ada"
    ) -> dict[str, Any]:
        """The chat as Telegram describes it; remembered so the bot's replies match."""
        if chat_type is None and chat_id in self._chats:
            return self._chats[chat_id]
        if chat_type is None:  # unknown chat: Telegram's sign convention tells users from groups
            chat_type = "private" if isinstance(chat_id, int) and chat_id > 0 else "supergroup"
        numeric = chat_id if isinstance(chat_id, int) else -1001000000000
        chat: dict[str, Any] = {"id": numeric, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name
        else:
            chat["title"] = f"Test {chat_type} {chat_id}"
        self._chats[chat_id] = chat
        return chat

    @staticmethod
    def _user(
        user_id: int, first_name: str, language_code: str | None, username: str | None = None
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code is not None:
            user["language_code"] = language_code
        if username is not None:
            user["username"] = username
        return user

    def _msg(
        self,
        chat: dict[str, Any],
        message_id: int,
        sender: dict[str, Any] | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """A Message with the fields aiogram requires; sent by the bot unless `sender` is given."""
        head = {"message_id": message_id, "date": int(time.time()), "chat": chat}
        return head | {"from": sender or self.bot_user} | fields

    def _entities(self, text: str) -> list[dict[str, Any]]:
        """bot_command and mention entities, with offsets in UTF-16 units as Telegram counts."""
        spans = [("bot_command", m) for m in [_COMMAND.match(text)] if m]
        mention = re.compile(rf"(?<!\w)@{re.escape(self.bot_username)}\b", re.IGNORECASE)
        spans += [("mention", m) for m in mention.finditer(text)]
        return [
            {"type": kind, "offset": _utf16_len(text[: m.start()]), "length": _utf16_len(m.group())}
            for kind, m in spans
        ]
