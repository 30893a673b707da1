"""The web chat: a page at /chat/ on the bot's HTTP server, and an embeddable widget.

A browser is a member of platform "web", named by a signed, HttpOnly cookie that holds a random
id and nothing else: every request is answered from the cookie and the database, so several
processes can serve one site. A message is a POST answered as server-sent events (the answer
grows as a language model writes it), or as JSON for browsers that cannot read a stream.

Guards, each tested (those that need no page are in web_guards.py): the Origin of every POST,
messages per session and per address (429 with a retry time; the address is the client's
behind BOT_WEB_TRUSTED_PROXIES), the message size, one answer at a time per session, and per
process a bound on answers being written and another on pages listening for announcements (503
with a retry time), so that open pages never keep a question waiting; a Content-Security-Policy
on every page (`frame-ancestors` from BOT_WEB_EMBED_ORIGINS). Member and knowledge text is
written with `textContent` in the browser, and knowledge Markdown is rendered with raw HTML off.

A browser cannot be written to while it is closed, so what the bot sends a web member unasked
(a ticket's answer, an introduction, "your question was answered") is kept in the database for
them (`send`): their open pages hear of it at once, a page held by another process within the
announcement interval, and a page opened later shows it. No reminders: one read days later
would be no reminder, so the page offers the calendar instead.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import secrets
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from aiohttp import web
from itsdangerous import BadSignature, URLSafeSerializer

from adapters.base import SendResult
from adapters.web_guards import MessageLimits, busy, origin_of, refusal
from adapters.web_kb import knowledge_page, section_url
from adapters.web_listeners import OpenPages, kept_json
from adapters.web_text import interface_texts
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.i18n import LANGUAGES, Language, Translator, accepted_language
from bot.messages import (
    WEB,
    ChatKind,
    ChatRef,
    Incoming,
    Reply,
    Target,
    UserRef,
    parse_command,
)
from bot.outbox.broadcasts import BroadcastRepository
from bot.storage.database import Database
from bot.storage.keys import shared_key
from bot.storage.members import MemberRepository
from bot.storage.web_inbox import WebInboxRepository

if TYPE_CHECKING:
    from bot.core.app import Core

log = logging.getLogger(__name__)
PLATFORM = WEB
IDENTITY_COOKIE, LANGUAGE_COOKIE = "cb_web", "cb_lang"
ASSETS = Path(__file__).with_name("web_assets")
ASSET_TYPES = {"chat.js": "text/javascript", "chat.css": "text/css", "widget.js": "text/javascript"}
NAME_CHARACTERS = 60
KEEPALIVE_SECONDS = 15  # a comment on idle event streams, so proxies keep them open
ANNOUNCEMENT_POLL_SECONDS = 15  # how often one task per process looks for new announcements
# How far back that task looks for messages kept for the members whose pages it holds: beyond
# the interval, for a message committed late or stamped by another process's clock.
KEPT_LOOKBACK = timedelta(seconds=60)
MEMBER_KEY = web.RequestKey("web_member", str)  # the browser's member id, once read
NEW_MEMBER_KEY = web.RequestKey("web_new_member", bool)  # no valid cookie came: set one
_page = jinja2.Environment(
    loader=jinja2.FileSystemLoader(ASSETS), autoescape=jinja2.select_autoescape(["html"])
)


class WebAdapter:
    platform = PLATFORM

    def __init__(
        self,
        settings: Settings,
        poll_seconds: float = ANNOUNCEMENT_POLL_SECONDS,
        *,
        database: Database | None = None,
        clock: Clock | None = None,
    ) -> None:
        """`database` and `clock` for a process that only delivers (start gives the core's)."""
        self.settings = settings
        self.poll_seconds = poll_seconds
        # A page that went away is noticed when its stream is next written to, so this is
        # also how long a closed page can keep its place under BOT_WEB_MAX_STREAMS.
        self.keepalive_seconds: float = KEEPALIVE_SECONDS
        self._core: Core | None = None
        self._limits = MessageLimits(settings)
        self._streaming: dict[str, int] = {}  # session → answers in progress
        self._signer: URLSafeSerializer | None = None
        self._mounted = False
        self._database, self._clock = database, clock or SystemClock()
        # Open event streams (new announcements and kept messages are put in them), and the
        # task that finds those written by other processes.
        self._pages = OpenPages()
        self._poller: asyncio.Task[None] | None = None

    # --- the adapter contract ---------------------------------------------------------------

    def mount(self, app: web.Application) -> None:
        """Add the chat's routes to the bot's HTTP app (before it starts serving)."""
        app.router.add_get("/chat", self._to_chat)
        app.router.add_get("/chat/", self._chat_page)
        app.router.add_get("/chat/widget.js", self._asset)
        app.router.add_get(r"/chat/assets/{name}", self._asset)
        app.router.add_post("/chat/api/send", self._send_message)
        app.router.add_get("/chat/api/announcements", self._announcements)
        app.router.add_get("/chat/api/kept", self._kept_messages)
        app.router.add_get("/chat/api/events", self._events)
        app.router.add_get(r"/kb/{topic}", self._knowledge)
        app.middlewares.append(self._security_headers)
        self._mounted = True

    async def start(self, core: Core) -> None:
        """Nothing to receive: the HTTP server brings the requests. Starts the task that tells
        open pages of new announcements and of messages kept by other processes."""
        self._core = core
        self._database, self._clock = core.services.database, core.services.clock
        if self._poller is None:
            self._poller = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        self._pages.end_all()
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        self._core = None

    @property
    def listening_pages(self) -> int:
        """Open event streams: what BOT_WEB_MAX_STREAMS bounds."""
        return len(self._pages)

    @property
    def answers_in_progress(self) -> int:
        """Answers being written: what BOT_WEB_MAX_ANSWERS bounds."""
        return sum(self._streaming.values())

    async def open_for_sending(self) -> None:
        """Nothing to open: sending is keeping a message in the database."""

    @property
    def connected(self) -> bool:
        return self._mounted

    async def send(self, target: Target, reply: Reply) -> SendResult:
        """Keep the message for the member's page (sent, once kept) and write it to their pages
        open in this process; unreachable when the member was erased."""
        if self._database is None:
            return SendResult.failed("the web chat has no database yet", retryable=True)
        async with self._database.session() as session:
            message = await WebInboxRepository(session).keep(
                target.chat_id, reply.text, reply.buttons, self._clock.now(), target.outbox_row
            )
        if message is None:
            return SendResult.unreachable("no such web chat member (erased)")
        self._pages.deliver(message)
        return SendResult.sent(str(message.number))

    # --- pages ------------------------------------------------------------------------------

    async def _to_chat(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently("/chat/")

    async def _chat_page(self, request: web.Request) -> web.StreamResponse:
        language = self._page_language(request)
        core = self._ready()
        menu = {
            code: [
                {"command": name, "about": Translator(code).gettext(about)}
                for name, about in core.menu(organizer=False)
            ]
            for code in LANGUAGES
        }
        bootstrap = {
            "language": language,
            "texts": interface_texts(),
            "menu": menu,
            "announcement_seconds": self.poll_seconds,
        }
        html = _page.get_template("chat.html").render(
            language=language,
            message_characters=self.settings.web_message_characters,
            title=interface_texts()[language]["title"],
            bootstrap=bootstrap,
            embedded=request.query.get("embed") == "1",
        )
        response = web.Response(text=html, content_type="text/html")
        await self._identity(request, response)
        return response

    async def _asset(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info.get("name", "widget.js")
        if name not in ASSET_TYPES:
            raise web.HTTPNotFound()
        body = (ASSETS / name).read_bytes()
        if name == "widget.js":  # the widget must know where the chat lives
            base = (self.settings.public_url or f"{request.scheme}://{request.host}").rstrip("/")
            body = body.replace(b"__CHAT_BASE__", base.encode())
        return web.Response(
            body=body,
            content_type=ASSET_TYPES[name],
            charset="utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    async def _knowledge(self, request: web.Request) -> web.StreamResponse:
        core = self._ready()
        language = self._page_language(request)
        html = knowledge_page(core.services.index.passages, request.match_info["topic"], language)
        if html is None:
            raise web.HTTPNotFound(text="No such knowledge document.")
        return web.Response(text=html, content_type="text/html")

    async def _announcements(self, request: web.Request) -> web.StreamResponse:
        """The announcements to everyone or to the web, newest first."""
        return web.json_response({"announcements": await self._recent_announcements()})

    async def _kept_messages(self, request: web.Request) -> web.StreamResponse:
        """The messages the bot kept for this browser's member, oldest first."""
        core = self._ready()
        async with core.services.database.session() as session:
            kept = await WebInboxRepository(session).of_member(self._member_id(request))
        return web.json_response({"messages": [kept_json(message) for message in kept]})

    async def _recent_announcements(self, after: int = 0) -> list[dict[str, Any]]:
        core = self._ready()
        async with core.services.database.session() as session:
            rows = await BroadcastRepository(session).shown_on_the_web(after)
            return [
                {"number": b.id, "text": b.text, "at": (b.enqueued_at or b.created_at).isoformat()}
                for b in rows
            ]

    async def _events(self, request: web.Request) -> web.StreamResponse:
        """A page's lasting event stream: new announcements as they go out, the messages kept
        for its member, and a comment now and then so that proxies keep it open."""
        if self.listening_pages >= self.settings.web_max_streams:
            raise busy(Translator(self._page_language(request)))
        response = web.StreamResponse(headers=_EVENT_HEADERS)
        listener = self._pages.open(self._member_id(request))
        try:
            await response.prepare(request)
            await response.write(b"retry: 10000\n\n")
            while True:
                try:
                    item = await asyncio.wait_for(listener.queue.get(), self.keepalive_seconds)
                except TimeoutError:
                    await response.write(b": keepalive\n\n")
                    continue
                if item is None:  # the bot is stopping
                    return response
                await _event(response, *item)
        except (ConnectionResetError, asyncio.CancelledError):
            return response  # the page went away
        finally:
            self._pages.close(listener)

    async def _watch(self) -> None:
        """One task per process: puts announcements newer than the last one seen in every open
        event stream, and the messages kept lately (by any process) in their member's."""
        last = 0
        with contextlib.suppress(Exception):
            last = max((a["number"] for a in await self._recent_announcements()), default=0)
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                fresh = await self._recent_announcements(after=last)
                await self._look_for_kept_messages()
            except Exception:  # the database is away for a moment: try again later
                log.exception("looking for new announcements and messages failed")
                continue
            for item in reversed(fresh):
                last = max(last, int(item["number"]))
                self._pages.announce(item)

    async def _look_for_kept_messages(self) -> None:
        web_ids = self._pages.web_ids
        if not web_ids or self._database is None:
            return
        since = self._clock.now() - KEPT_LOOKBACK - timedelta(seconds=2 * self.poll_seconds)
        async with self._database.session() as session:
            kept = await WebInboxRepository(session).kept_since(web_ids, since)
        for message in kept:
            self._pages.deliver(message)

    # --- a message --------------------------------------------------------------------------

    async def _send_message(self, request: web.Request) -> web.StreamResponse:
        core = self._ready()
        t = Translator(self._page_language(request))
        self._check_origin(request, t)
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise refusal(
                web.HTTPBadRequest, t.gettext("That message could not be read.")
            ) from None
        if not isinstance(body, dict):
            body = {}
        text = str(body.get("text") or "").strip()
        pressed = str(body.get("pressed") or "") or None
        name = str(body.get("name") or "")[:NAME_CHARACTERS]
        if len(text) > self.settings.web_message_characters:
            message = t.gettext(
                "That message is too long: at most {limit} characters.",
                limit=self.settings.web_message_characters,
            )
            raise web.HTTPRequestEntityTooLarge(
                max_size=self.settings.web_message_characters,
                actual_size=len(text),
                text=json.dumps({"error": message, "retry_after": None}, ensure_ascii=False),
                content_type="application/json",
            )
        if not text and pressed is None:
            raise refusal(web.HTTPBadRequest, t.gettext("Write a message first."))
        member_id = self._member_id(request)
        await self._limits.check(request, member_id, t)
        if self._streaming.get(member_id):
            raise refusal(
                web.HTTPTooManyRequests, t.gettext("Wait for the answer before asking again."), 2
            )
        if self.answers_in_progress >= self.settings.web_max_answers:
            raise busy(t)
        self._streaming[member_id] = self._streaming.get(member_id, 0) + 1
        try:
            incoming = self._incoming(member_id, name, t.language, text, pressed)
            replies = await core.handle(incoming)
            if "text/event-stream" in request.headers.get("Accept", ""):
                return await self._stream(request, member_id, replies)
            shown = [await self._shown(reply) for reply in replies]
            response = web.json_response({"replies": [self._reply_json(r) for r in shown]})
            await self._keep_or_forget(request, response, member_id)
            return response
        finally:
            self._streaming[member_id] -= 1
            if not self._streaming[member_id]:
                del self._streaming[member_id]

    async def _stream(
        self, request: web.Request, member_id: str, replies: list[Reply]
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers=_EVENT_HEADERS)
        await self._keep_or_forget(request, response, member_id)
        await response.prepare(request)
        for reply in replies:
            if reply.stream is not None:
                written = ""
                async for chunk in reply.stream:
                    written += chunk
                    await _event(response, "delta", {"text": written})
                reply = reply.stream.final
            await _event(response, "reply", self._reply_json(reply))
        await _event(response, "end", {})
        await response.write_eof()
        return response

    async def _shown(self, reply: Reply) -> Reply:
        """A streamed reply, complete (for browsers that read JSON)."""
        if reply.stream is None:
            return reply
        async for _ in reply.stream:
            pass
        return reply.stream.final

    def _reply_json(self, reply: Reply) -> dict[str, Any]:
        core = self._ready()
        links = [
            {"label": c.label, "url": url}
            for c in reply.citations
            if (url := section_url(core.services.index.passages, c.doc, c.heading))
        ]
        text = reply.text
        if links and "\n\n" in text:  # the "Source: …" line becomes the links under the answer
            text = text.rsplit("\n\n", 1)[0]
        attachment = None
        if reply.attachment is not None:
            attachment = {
                "filename": reply.attachment.filename,
                "type": reply.attachment.mime_type,
                "data": base64.b64encode(reply.attachment.content).decode(),
            }
        return {
            "text": text,
            "buttons": [{"label": b.label, "payload": b.payload} for b in reply.buttons],
            "citations": links,
            "attachment": attachment,
        }

    def _incoming(
        self, member_id: str, name: str, language: Language, text: str, pressed: str | None
    ) -> Incoming:
        user = UserRef(member_id, name, language)
        chat = ChatRef(member_id, ChatKind.PRIVATE)
        if pressed is not None:
            return Incoming(self.platform, user, chat, pressed=pressed)
        command = parse_command(text)
        return Incoming(
            self.platform,
            user,
            chat,
            text=text,
            command=command[0] if command else None,
            args=command[1] if command else "",
        )

    # --- identity and guards ----------------------------------------------------------------

    def _member_id(self, request: web.Request) -> str:
        """The browser's id from its cookie, or a new one (set on the response)."""
        known = request.get(MEMBER_KEY)
        if known:
            return str(known)
        cookie = request.cookies.get(IDENTITY_COOKIE)
        member_id = None
        if cookie and self._signer is not None:
            try:
                member_id = str(self._signer.loads(cookie))
            except BadSignature:
                member_id = None
        if member_id is None:
            member_id = secrets.token_hex(16)
            request[NEW_MEMBER_KEY] = True
        request[MEMBER_KEY] = member_id
        return member_id

    async def _identity(self, request: web.Request, response: web.StreamResponse) -> None:
        await self._ensure_signer()
        member_id = self._member_id(request)
        if request.get(NEW_MEMBER_KEY):
            self._set_identity(response, member_id)

    async def _keep_or_forget(
        self, request: web.Request, response: web.StreamResponse, member_id: str
    ) -> None:
        """Set the cookie of a new browser; clear it when the member asked to be forgotten."""
        core = self._ready()
        async with core.services.database.session() as session:
            exists = await MemberRepository(session).exists(PLATFORM, member_id)
        if not exists:
            response.del_cookie(IDENTITY_COOKIE, path="/")
        elif request.get(NEW_MEMBER_KEY):
            self._set_identity(response, member_id)

    def _set_identity(self, response: web.StreamResponse, member_id: str) -> None:
        assert self._signer is not None
        embedded = bool(self.settings.embed_origins) and self.settings.dashboard_cookie_secure
        response.set_cookie(
            IDENTITY_COOKIE,
            self._signer.dumps(member_id),
            httponly=True,
            # In a frame on another site the cookie is a third-party one: None needs Secure.
            samesite="None" if embedded else "Lax",
            secure=self.settings.dashboard_cookie_secure,
            max_age=365 * 24 * 3600,
            path="/",
        )

    async def _ensure_signer(self) -> None:
        if self._signer is None:
            key = await shared_key(self._ready().services.database, "web-identity")
            self._signer = URLSafeSerializer(key, salt="community-bot web member")

    def _check_origin(self, request: web.Request, t: Translator) -> None:
        """Only the chat's own pages (and allowed embedding sites) may post: no cross-site
        request forgery."""
        origin = request.headers.get("Origin", "").rstrip("/")
        allowed = {f"{request.scheme}://{request.host}", *self.settings.embed_origins}
        if self.settings.public_url:
            allowed.add(origin_of(self.settings.public_url))
        if origin not in allowed:
            raise refusal(web.HTTPForbidden, t.gettext("This page may not send messages here."))

    @web.middleware
    async def _security_headers(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith(("/chat", "/kb/")):
            return await handler(request)
        if request.path.startswith("/chat/api/"):
            await self._ensure_signer()
        response = await handler(request)
        frames = " ".join(["'self'", *self.settings.embed_origins])
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            f"frame-ancestors {frames}"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    def _page_language(self, request: web.Request) -> Language:
        chosen = request.cookies.get(LANGUAGE_COOKIE)
        if chosen in LANGUAGES:
            return chosen  # type: ignore[return-value]
        header = request.headers.get("Accept-Language", "")
        return accepted_language(header, self.settings.default_language)

    def _ready(self) -> Core:
        if self._core is None:
            raise web.HTTPServiceUnavailable(
                text="The bot is starting.", headers={"Retry-After": "5"}
            )
        return self._core


_EVENT_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",  # proxies must not hold the stream back
}


async def _event(response: web.StreamResponse, name: str, data: dict[str, Any]) -> None:
    payload = json.dumps(data, ensure_ascii=False)
    await response.write(f"event: {name}\ndata: {payload}\n\n".encode())
