"""A local stand-in for Discord's REST API and gateway, spoken to by the real discord.py 2.7.1.

Tests point discord.py at it with `monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)`
and `monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", fake.gateway_url)`,
so the adapter's real request encoding, gateway handshake, event parsing, view and app-command
dispatch all run; only the far end is fake. Payloads carry what discord.py 2.7.1 reads (snowflakes
as strings, as Discord sends them); errors use Discord's statuses, JSON codes and rate-limit headers
so discord.py raises what it would in production. Like Discord, the fake blanks message content for
sessions without the MESSAGE_CONTENT intent and refuses followups before an interaction is answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import http
import json
import math
import re
import secrets
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

import yarl
from aiohttp import WSMsgType, web

JSON = dict[str, Any]
_DISCORD_EPOCH_MS = 1_420_070_400_000
_OWNER_ID = 4000
_EVERYONE_PERMISSIONS = "1071698660929"  # view channels, send messages, read history, …
_APPLICATION_FLAGS = (1 << 19) | (1 << 23)  # GATEWAY_MESSAGE_CONTENT_LIMITED, COMMAND_BADGE
_GUILD_MESSAGES, _DIRECT_MESSAGES, _MESSAGE_CONTENT = 1 << 9, 1 << 12, 1 << 15
_EDITABLE = {"content": "", "embeds": [], "components": [], "flags": 0}  # with their defaults
_MENTION = re.compile(r"<@!?(\d+)>")
_YES = ("1", "true", "True")

# Payload templates: the fields discord.py 2.7.1 reads (or Discord always sends) beyond the ids.
# fmt: off
_USER = {"discriminator": "0", "avatar": None, "bot": False, "public_flags": 0}
_MEMBER = {"joined_at": "2024-01-01T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0,
           "pending": False, "nick": None, "avatar": None, "premium_since": None,
           "communication_disabled_until": None}
_ROLE = {"color": 0, "colors": {"primary_color": 0, "secondary_color": None,
         "tertiary_color": None}, "hoist": False, "managed": False, "mentionable": False,
         "flags": 0, "icon": None, "unicode_emoji": None}
_CHANNEL = {"type": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None,
            "topic": None, "last_message_id": None, "rate_limit_per_user": 0, "flags": 0}
_GUILD = {"icon": None, "owner_id": str(_OWNER_ID), "unavailable": False, "large": False,
          "joined_at": "2024-01-01T00:00:00+00:00", "afk_timeout": 300, "description": None,
          "features": [], "threads": [], "presences": [], "voice_states": [], "emojis": [],
          "stickers": [], "stage_instances": [], "guild_scheduled_events": [],
          "soundboard_sounds": [], "verification_level": 0, "default_message_notifications": 0,
          "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0, "premium_tier": 0}
_MESSAGE = {"edited_timestamp": None, "tts": False, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "components": [], "pinned": False, "type": 0,
            "flags": 0}
_APPLICATION = {"icon": None, "description": "", "summary": "", "type": None, "bot_public": True,
                "bot_require_code_grant": False, "verify_key": "0" * 64, "team": None,
                "flags": _APPLICATION_FLAGS, "hook": True, "redirect_uris": [],
                "interactions_endpoint_url": None, "integration_types_config": {"0": {}}}
_READY = {"v": 10, "session_type": "normal", "private_channels": [], "relationships": [],
          "presences": [], "guild_join_requests": [], "geo_ordered_rtc_regions": [],
          "user_settings": {}, "auth": {}, "_trace": ["fake-discord-gateway"]}
_INTERACTION = {"version": 1, "app_permissions": _EVERYONE_PERMISSIONS, "entitlements": [],
                "entitlement_sku_ids": [], "authorizing_integration_owners": {}, "context": 1,
                "attachment_size_limit": 10 * 1024 * 1024}
_COMMAND = {"type": 1, "description": "", "options": [], "nsfw": False,
            "default_member_permissions": None}
# fmt: on


def _t(template: JSON, **fields: Any) -> JSON:
    """A fresh copy of a template: payloads handed out must never share lists."""
    return copy.deepcopy(template) | fields


def _iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class Call:
    """One REST request the bot made: `json` is the body (multipart: `payload_json`), decoded."""

    method: str
    path: str
    json: Any = None
    status: int = 200
    files: list[JSON] = field(default_factory=list)  # {"filename", "content": bytes, "field"}
    query: dict[str, str] = field(default_factory=dict)


class _ApiError(Exception):
    """Raised by a route to answer with Discord's error body `{"code", "message"}`."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.body = status, {"code": code, "message": message}


@dataclass
class _Fault:
    method: str
    pattern: str
    status: int
    body: JSON
    headers: dict[str, str]
    remaining: int


@dataclass
class _Guild:
    name: str
    channels: list[int]
    roles: dict[int, str]
    locale: str
    members: dict[int, list[int]]  # user id -> role ids; those seen talking, and the bot


class _Where(NamedTuple):
    """Who interacts, and where: a guild (channel default 100) or, with no guild, a DM."""

    user_id: int
    guild_id: int | None
    channel_id: int | None
    locale: str
    roles: list[int]
    permissions: str


@dataclass
class _Session:
    """One gateway connection; remembered after it closes so a RESUME can take it over."""

    ws: web.WebSocketResponse
    compressor: Any = None  # a zlib stream when the client asked for `compress=zlib-stream`
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    session_id: str = ""
    seq: int = 0
    intents: int = 0
    shard: tuple[int, int] | None = None
    ready: bool = False

    async def send(self, op: int, d: Any, event: str | None = None) -> None:
        """Number dispatches and compress under one lock: zlib-stream frames must stay in order."""
        async with self.lock:
            if self.ws.closed:
                return
            self.seq += event is not None
            frame = json.dumps({"op": op, "d": d, "s": self.seq if event else None, "t": event})
            with contextlib.suppress(ConnectionResetError):
                if self.compressor is None:
                    await self.ws.send_str(frame)
                else:
                    data = self.compressor.compress(frame.encode())
                    await self.ws.send_bytes(data + self.compressor.flush(zlib.Z_SYNC_FLUSH))


class FakeDiscordServer:
    """Discord on 127.0.0.1: REST and gateway; records calls, feeds events, injects faults."""

    interaction_deadline = 3.0  # seconds Discord allows for the first answer (else 10062)

    def __init__(
        self,
        token: str = "discord-test-token",
        application_id: int = 9000,
        bot_id: int = 9001,
        bot_name: str = "community-bot",
    ) -> None:
        self.token, self.application_id, self.bot_id = token, application_id, bot_id
        self.bot_name = bot_name
        self.api_base = ""
        self.gateway_url = yarl.URL("ws://127.0.0.1/gateway")  # the real port once started
        self.calls: list[Call] = []
        self.identify_payloads: list[JSON] = []
        self.synced_commands: dict[str | None, list[JSON]] = {}
        self.messages: dict[int, JSON] = {}  # every message, by id (the bot's and users')
        self._guilds: dict[int, _Guild] = {}
        self._channel_guild: dict[int, int] = {}
        self._dm_channels: dict[int, JSON] = {}
        self._dm_of_user: dict[int, int] = {}
        self._interactions: dict[str, JSON] = {}  # token -> {"id", "payload", "response", …}
        self._sessions: list[_Session] = []
        self._resumable: dict[str, _Session] = {}
        self._identified = 0
        self._faults: list[_Fault] = []
        self._changed = asyncio.Condition()
        self._last_id = 0
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._joins: list[JSON] = []  # GUILD_CREATEs of guilds added while connected
        self._uploads: dict[str, bytes] = {}  # files members attached, by attachment id

    # --- lifecycle ---
    async def start(self) -> None:
        """Bind a free port so parallel test runs never collide."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        app.router.add_get("/attachments/{id}/{name}", self._attachment)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self.api_base = f"http://127.0.0.1:{port}/api/v10"
        self.gateway_url = yarl.URL(f"ws://127.0.0.1:{port}/gateway")

    async def stop(self) -> None:
        """Close open gateway sessions first: an open websocket would hold the shutdown up."""
        for task in self._tasks:
            task.cancel()
        for session in list(self._sessions):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(session.ws.close(code=1001), 2)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- the world the bot sees ---
    def add_guild(
        self,
        guild_id: int,
        name: str = "Community",
        channel_ids: tuple[int, ...] = (100,),
        roles: dict[int, str] | None = None,
        locale: str = "en-US",
    ) -> None:
        """A guild the bot is in, sent as GUILD_CREATE after READY; added while sessions are
        connected, it is dispatched at once, as when the bot joins a guild."""
        members = {self.bot_id: []}
        self._guilds[guild_id] = _Guild(name, list(channel_ids), dict(roles or {}), locale, members)
        self._channel_guild.update(dict.fromkeys(channel_ids, guild_id))
        if any(s.ready for s in self._sessions):
            joined = self._guild_payload(guild_id)
            del joined["unavailable"]  # so discord.py reports on_guild_join, not "available"
            self._joins.append(joined)  # sent before any later dispatch, or soon by this task
            task = asyncio.get_running_loop().create_task(self._send_joins())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def user(self, user_id: int, name: str = "ada") -> JSON:
        """A user object as Discord sends it (new-style username, discriminator "0")."""
        return _t(_USER, id=str(user_id), username=name, global_name=name.title())

    def _bot_user(self, full: bool = False) -> JSON:
        user = self.user(self.bot_id, self.bot_name) | {"bot": True, "global_name": None}
        return user | dict(verified=True, mfa_enabled=False, flags=0, email=None) if full else user

    def _snowflake(self) -> int:
        """Time-based and strictly increasing like Discord's ids, so `created_at` and order work."""
        now = (int(time.time() * 1000) - _DISCORD_EPOCH_MS) << 22
        self._last_id = max(self._last_id + 1, now)
        return self._last_id

    def _member(self, user_id: int, roles: list[int], *, with_user: bool = False) -> JSON:
        member = _t(_MEMBER, roles=[str(r) for r in roles])
        if with_user:
            member["user"] = self._bot_user() if user_id == self.bot_id else self.user(user_id)
        return member

    def _join(self, guild_id: int, user_id: int, roles: list[int]) -> None:
        if guild_id in self._guilds:
            self._guilds[guild_id].members[user_id] = roles

    def _guild_payload(self, guild_id: int) -> JSON:
        g = self._guilds[guild_id]
        roles = [{"name": "@everyone", "permissions": _EVERYONE_PERMISSIONS, "id": guild_id}]
        roles += [{"name": n, "permissions": "0", "id": r} for r, n in g.roles.items()]
        members = [self._member(u, r, with_user=True) for u, r in g.members.items()]
        return _t(_GUILD, id=str(guild_id), name=g.name, preferred_locale=g.locale) | {
            "roles": [
                _t(_ROLE, **r, position=i) | {"id": str(r["id"])} for i, r in enumerate(roles)
            ],
            "channels": [self._channel(c, guild_id) for c in g.channels],
            "members": members,
            "member_count": len(members),
            "system_channel_id": str(g.channels[0]) if g.channels else None,
        }

    def _channel(self, channel_id: int, guild_id: int | None = None) -> JSON:
        """The channel as Discord describes it; a text channel of `guild_id` if not known."""
        if channel_id in self._dm_channels:
            return self._dm_channels[channel_id]
        guild_id = self._channel_guild.get(channel_id, guild_id)
        guild = self._guilds.get(guild_id or 0)
        position = guild.channels.index(channel_id) if guild and channel_id in guild.channels else 0
        return _t(_CHANNEL, id=str(channel_id), guild_id=str(guild_id), position=position) | {
            "name": f"channel-{channel_id}"
        }

    def _known_channel(self, channel_id: int) -> JSON:
        if channel_id not in self._dm_channels and channel_id not in self._channel_guild:
            raise _ApiError(404, 10003, "Unknown Channel")
        return self._channel(channel_id)

    def _dm_channel(self, user_id: int, channel_id: int | None = None) -> JSON:
        """One DM channel per user, as on Discord: messages and `create_dm()` agree on its id."""
        if channel_id is None:
            channel_id = self._dm_of_user.get(user_id) or self._snowflake()
        if channel_id not in self._dm_channels:
            recipients = [self.user(user_id)]
            channel = dict(id=str(channel_id), type=1, flags=0, last_message_id=None)
            self._dm_channels[channel_id] = channel | {"recipients": recipients}
        self._dm_of_user[user_id] = channel_id
        return self._dm_channels[channel_id]

    def _new_message(self, channel_id: int, author: JSON, content: str, **fields: Any) -> JSON:
        guild_id = None if channel_id in self._dm_channels else self._channel_guild.get(channel_id)
        message = _t(_MESSAGE, id=str(self._snowflake()), channel_id=str(channel_id))
        message |= {"author": author, "content": content, "timestamp": _iso()}
        message |= {"mention_everyone": "@everyone" in content}
        message |= ({"guild_id": str(guild_id)} if guild_id is not None else {}) | fields
        self.messages[int(message["id"])] = message
        return message

    def _attachments(self, channel_id: int, files: list[JSON]) -> list[JSON]:
        out = []
        for file in files:
            attachment_id, name = self._snowflake(), file["filename"]
            url = f"https://cdn.discordapp.com/attachments/{channel_id}/{attachment_id}/{name}"
            proxy_url = url.replace("cdn.discordapp", "media.discordapp")
            attachment = dict(id=str(attachment_id), filename=name, size=len(file["content"]))
            out.append(attachment | {"url": url, "proxy_url": proxy_url})
        return out

    def _bot_message(self, channel_id: int, body: JSON, files: list[JSON], **extra: Any) -> JSON:
        """What Discord stores for a message the bot sent: its fields echoed, ids assigned."""
        fields = {k: body[k] or v for k, v in _EDITABLE.items() if k in body}
        fields |= {k: body[k] for k in ("tts", "nonce", "poll") if k in body}
        if ref := body.get("message_reference"):
            referenced = self.messages.get(int(ref["message_id"]))
            extra |= {"type": 19, "message_reference": ref | {"type": 0}}
            extra["referenced_message"] = referenced and {
                k: v for k, v in referenced.items() if k != "referenced_message"
            }
        content = fields.pop("content", "")
        fields["attachments"] = self._attachments(channel_id, files)
        return self._new_message(channel_id, self._bot_user(), content, **fields | extra)

    def _stored(self, message_id: int) -> JSON:
        if message_id not in self.messages:
            raise _ApiError(404, 10008, "Unknown Message")
        return self.messages[message_id]

    def _edit(self, message_id: int, body: JSON, files: list[JSON]) -> JSON:
        message = self._stored(message_id)
        message.update({k: body[k] or v for k, v in _EDITABLE.items() if k in body})
        if "attachments" in body or files:
            keep = {str(a.get("id")) for a in body.get("attachments") or []}
            kept = [a for a in message["attachments"] if a["id"] in keep]
            message["attachments"] = kept + self._attachments(int(message["channel_id"]), files)
        message["edited_timestamp"] = _iso()
        return message

    def _delete(self, message_id: int) -> None:
        self._stored(message_id)
        del self.messages[message_id]

    # --- gateway ---
    async def wait_until_identified(
        self,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - a per-call deadline reads best in tests
    ) -> None:
        """Wait until `count` IDENTIFYs or RESUMEs in all were answered (READY / RESUMED)."""
        await self._wait(
            lambda: self._identified >= count,
            timeout,
            lambda: f"{self._identified} of {count} gateway sessions identified in {timeout}s",
        )

    def _owns(self, session: _Session, guild_id: int | None) -> bool:
        """Discord's shard routing; DMs go to shard 0."""
        if session.shard is None:
            return True
        shard_id, count = session.shard
        return shard_id == ((guild_id >> 22) % count if guild_id is not None else 0)

    def _visible(self, session: _Session, event: str, data: JSON) -> JSON | None:
        """Apply the session's intents to message events the way Discord does."""
        if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
            return data
        in_guild = "guild_id" in data
        if not session.intents & (_GUILD_MESSAGES if in_guild else _DIRECT_MESSAGES):
            return None
        involved = {str(u["id"]) for u in [data.get("author", {}), *data.get("mentions", [])]}
        if in_guild and not session.intents & _MESSAGE_CONTENT and str(self.bot_id) not in involved:
            return data | {"content": "", "embeds": [], "attachments": [], "components": []}
        return data

    async def dispatch(self, event: str, data: JSON) -> None:
        """Send op 0 `event` to every ready session (only the owning shard's when sharded)."""
        await self._send_joins()
        await self._send(event, data)

    async def _send_joins(self) -> None:
        while self._joins:
            await self._send("GUILD_CREATE", self._joins.pop(0))

    async def _send(self, event: str, data: JSON) -> None:
        guild_id = int(data["guild_id"]) if data.get("guild_id") else None
        for session in list(self._sessions):
            visible = self._visible(session, event, data)
            if session.ready and self._owns(session, guild_id) and visible is not None:
                await session.send(0, visible, event)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        compress = request.query.get("compress") == "zlib-stream"  # else: plain text frames
        session = _Session(ws, zlib.compressobj() if compress else None)
        self._sessions.append(session)
        try:
            await session.send(10, {"heartbeat_interval": 41250, "_trace": ["fake"]})
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_op(session, json.loads(msg.data))
        finally:
            self._sessions.remove(session)
            if session.session_id:
                self._resumable[session.session_id] = session
        return ws

    async def _on_op(self, session: _Session, payload: JSON) -> None:
        op, d = payload.get("op"), payload.get("d") or {}
        if op == 1:
            await session.send(11, None)
        elif op == 2:
            await self._identify(session, d)
        elif op == 6:
            old = self._resumable.pop(d.get("session_id"), None)
            if old is None or d.get("token") != self.token:
                await session.send(9, False)  # INVALID_SESSION, not resumable
                return
            session.session_id, session.seq = old.session_id, old.seq
            session.intents, session.shard = old.intents, old.shard
            await session.send(0, {}, "RESUMED")
            await self._ready(session)
        elif op == 8 and (guild := self._guilds.get(int(d.get("guild_id", 0)))):
            wanted = {int(u) for u in d.get("user_ids") or []}
            found = [(u, r) for u, r in guild.members.items() if not wanted or u in wanted]
            members = [self._member(u, r, with_user=True) for u, r in found]
            chunk = {"guild_id": str(d["guild_id"]), "members": members, "not_found": []}
            chunk |= {"chunk_index": 0, "chunk_count": 1, "nonce": d.get("nonce")}
            await session.send(0, chunk, "GUILD_MEMBERS_CHUNK")
        # op 3 (presence) and 4 (voice state) need no answer

    async def _identify(self, session: _Session, d: JSON) -> None:
        self.identify_payloads.append(d)
        shard = d.get("shard")
        if d.get("token") != self.token:
            await session.ws.close(code=4004, message=b"Authentication failed.")
            return
        if shard and not 0 <= shard[0] < shard[1]:
            await session.ws.close(code=4010, message=b"Invalid shard.")
            return
        session.shard = (shard[0], shard[1]) if shard else None
        session.intents = int(d.get("intents") or 0)
        session.session_id = secrets.token_hex(16)
        guild_ids = [g for g in self._guilds if self._owns(session, g)]
        ready = _t(_READY, user=self._bot_user(full=True), session_id=session.session_id)
        ready["guilds"] = [{"id": str(g), "unavailable": True} for g in guild_ids]
        ready["resume_gateway_url"] = str(self.gateway_url)
        ready["application"] = {"id": str(self.application_id), "flags": _APPLICATION_FLAGS}
        await session.send(0, ready | ({"shard": shard} if shard else {}), "READY")
        for guild_id in guild_ids:
            await session.send(0, self._guild_payload(guild_id), "GUILD_CREATE")
        await self._ready(session)

    async def _ready(self, session: _Session) -> None:
        session.ready = True
        self._identified += 1
        async with self._changed:
            self._changed.notify_all()

    # --- feeding events ---
    async def member_joined(
        self, user_id: int, *, guild_id: int = 1, channel_id: int = 100, name: str = "ada"
    ) -> JSON:
        """Dispatch the server's system message "<user> joined" (type 7) in its channel."""
        self._join(guild_id, user_id, [])
        fields: JSON = {"type": 7, "guild_id": str(guild_id), "member": self._member(user_id, [])}
        message = self._new_message(channel_id, self.user(user_id, name), "", **fields)
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    async def send_message(
        self,
        content: str,
        *,
        author_id: int = 5001,
        channel_id: int | None = None,
        guild_id: int | None = None,
        mention_bot: bool = False,
        reply_to_bot_message_id: int | None = None,
        roles: list[int] | None = None,
        files: list[tuple[str, bytes]] | None = None,
    ) -> JSON:
        """Dispatch a member's MESSAGE_CREATE; returns the message (never content-blanked).
        `files` (name, content) are attached, served by this server as Discord's CDN would.

        Guild messages go to `channel_id` (default 100); DMs (guild_id None) to `channel_id` if
        given, else to the author's DM channel. `<@id>` in the content become `mentions`, and so
        does the bot when replied to (Discord's default reply ping)."""
        fields: JSON = {"mention_roles": re.findall(r"<@&(\d+)>", content)}
        if mention_bot and f"<@{self.bot_id}>" not in content:
            content = f"<@{self.bot_id}> {content}"
        if guild_id is None:
            channel_id = int(self._dm_channel(author_id, channel_id)["id"])
        else:
            channel_id = 100 if channel_id is None else channel_id
            fields |= {"guild_id": str(guild_id), "member": self._member(author_id, roles or [])}
            self._join(guild_id, author_id, roles or [])
        mentioned = dict.fromkeys(int(m) for m in _MENTION.findall(content))
        if reply_to_bot_message_id is not None:
            mentioned[self.bot_id] = None
            referenced = self.messages.get(reply_to_bot_message_id) or self._new_message(
                channel_id, self._bot_user(), "…", id=str(reply_to_bot_message_id)
            )
            reference = dict(type=0, message_id=referenced["id"], channel_id=str(channel_id))
            reference |= {"guild_id": str(guild_id)} if guild_id is not None else {}
            referenced = {k: v for k, v in referenced.items() if k != "referenced_message"}
            fields |= {"type": 19, "message_reference": reference, "referenced_message": referenced}
        mentions = []
        for user_id in mentioned:
            mention = self._bot_user() if user_id == self.bot_id else self.user(user_id)
            mentions.append(mention | ({"member": self._member(user_id, [])} if guild_id else {}))
        author = self.user(author_id)
        if files:
            fields["attachments"] = [self._upload(name, data) for name, data in files]
        message = self._new_message(channel_id, author, content, mentions=mentions, **fields)
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    def _upload(self, name: str, data: bytes) -> JSON:
        attachment_id = str(self._snowflake())
        self._uploads[attachment_id] = data
        url = self.api_base.removesuffix("/api/v10") + f"/attachments/{attachment_id}/{name}"
        return dict(id=attachment_id, filename=name, size=len(data), url=url, proxy_url=url)

    async def _attachment(self, request: web.Request) -> web.Response:
        data = self._uploads.get(request.match_info["id"])
        return web.Response(body=data) if data is not None else web.Response(status=404)

    async def slash_command(
        self,
        name: str,
        options: dict[str, object] | None = None,
        *,
        user_id: int = 5001,
        guild_id: int | None = 1,
        channel_id: int | None = None,
        locale: str = "en-US",
        roles: list[int] | None = None,
        permissions: str = "0",
        command_id: int | None = None,
    ) -> JSON:
        """Dispatch an APPLICATION_COMMAND interaction; a "group sub" name makes subcommands.

        The command id and `data.guild_id` come from `synced_commands` (guild, then global), so
        discord.py's CommandTree finds guild-scoped commands as in production. Channel defaults:
        100 in a guild, the user's DM channel in a DM."""
        data = self._command_data(name, options, None, guild_id, command_id)
        where = _Where(user_id, guild_id, channel_id, locale, roles or [], permissions)
        return await self._interaction(2, data, where)

    async def autocomplete(self, name: str, option: str, value: str, **kwargs: Any) -> JSON:
        """Dispatch an APPLICATION_COMMAND_AUTOCOMPLETE with `option` focused; `kwargs` as for
        `slash_command` (`options` are the other, already filled options)."""
        options, command_id = kwargs.pop("options", None), kwargs.pop("command_id", None)
        where = _Where(5001, 1, None, "en-US", [], "0")._replace(**kwargs)
        data = self._command_data(name, options, (option, value), where.guild_id, command_id)
        return await self._interaction(4, data, where._replace(roles=where.roles or []))

    def _command_data(
        self,
        name: str,
        options: dict[str, object] | None,
        focused: tuple[str, str] | None,
        guild_id: int | None,
        command_id: int | None,
    ) -> JSON:
        kinds = {bool: 5, int: 4, float: 10}  # anything else is sent as a string option (3)
        opts = [
            {"name": k, "type": kinds.get(type(v), 3), "value": v}
            for k, v in (options or {}).items()
        ]
        if focused is not None:
            opts.append({"name": focused[0], "type": 3, "value": focused[1], "focused": True})
        root, *subs = name.split()
        for depth, sub in enumerate(reversed(subs)):
            opts = [{"name": sub, "type": 1 if depth == 0 else 2, "options": opts}]
        data: JSON = {"name": root, "type": 1} | ({"options": opts} if opts else {})

        def synced(key: str | None) -> JSON | None:
            return next((c for c in self.synced_commands.get(key, []) if c["name"] == root), None)

        command = synced(str(guild_id)) if guild_id is not None else None
        if command is not None:
            data["guild_id"] = str(guild_id)
        command = command or synced(None)
        data["id"] = str(command_id or (command and command["id"]) or self._snowflake())
        return data

    async def press_button(
        self,
        custom_id: str,
        *,
        message_id: int,
        user_id: int = 5001,
        guild_id: int | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        component_type: int = 2,
        values: list[str] | None = None,
        roles: list[int] | None = None,
    ) -> JSON:
        """Dispatch a MESSAGE_COMPONENT press on a stored message (KeyError if unknown); guild
        and channel default to the message's own."""
        message = self.messages.get(message_id)
        if message is None:
            raise KeyError(f"no message {message_id}; known: {sorted(self.messages)}")
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        data |= {"values": values} if values is not None else {}
        if guild_id is None and message.get("guild_id"):
            guild_id = int(message["guild_id"])
        channel_id = int(message["channel_id"]) if channel_id is None else channel_id
        where = _Where(user_id, guild_id, channel_id, locale, roles or [], "0")
        return await self._interaction(3, data, where, message)

    async def submit_modal(
        self,
        custom_id: str,
        values: dict[str, str],
        *,
        user_id: int = 5001,
        guild_id: int | None = 1,
        channel_id: int | None = None,
        locale: str = "en-US",
        roles: list[int] | None = None,
    ) -> JSON:
        """Dispatch a MODAL_SUBMIT for a modal the bot opened: one text input per value."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()
        ]
        data: JSON = {"custom_id": custom_id, "components": rows}
        where = _Where(user_id, guild_id, channel_id, locale, roles or [], "0")
        return await self._interaction(5, data, where)

    async def _interaction(
        self, itype: int, data: JSON, where: _Where, message: JSON | None = None
    ) -> JSON:
        user_id, guild_id, channel_id, locale, roles, permissions = where
        interaction_id = self._snowflake()
        token = f"aW50-{interaction_id}-{secrets.token_urlsafe(24)}"  # URL-safe, like Discord's
        payload = _t(_INTERACTION, id=str(interaction_id), type=itype, data=data, token=token)
        payload |= {"application_id": str(self.application_id), "locale": locale}
        if guild_id is not None:
            channel_id = 100 if channel_id is None else channel_id
            guild = self._guilds.get(guild_id)
            guild_locale = guild.locale if guild else "en-US"
            member = self._member(user_id, roles, with_user=True) | {"permissions": permissions}
            payload |= {
                "guild_id": str(guild_id),
                "guild": {"id": str(guild_id), "locale": guild_locale, "features": []},
                "guild_locale": guild_locale,
                "channel_id": str(channel_id),
                "channel": self._channel(channel_id, guild_id) | {"permissions": permissions},
                "member": member,
                "authorizing_integration_owners": {"0": str(guild_id)},
                "context": 0,
            }
            self._join(guild_id, user_id, roles)
        else:
            channel = self._dm_channel(user_id, channel_id)
            payload |= {"channel_id": channel["id"], "channel": channel, "user": self.user(user_id)}
        if message is not None:
            payload["message"] = message
        state = {"id": str(interaction_id), "payload": payload, "response": None, "original": None}
        state["deadline"] = time.monotonic() + self.interaction_deadline
        self._interactions[token] = state
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    # --- REST recording ---
    def calls_to(self, method: str, path_pattern: str) -> list[Call]:
        """Recorded calls (failed ones included) whose path fully matches the regex."""
        method = method.upper()
        return [c for c in self.calls if c.method == method and re.fullmatch(path_pattern, c.path)]

    async def wait_for(
        self,
        method: str,
        path_pattern: str,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - a per-call deadline reads best in tests
    ) -> list[Call]:
        """Wait until `count` matching calls were recorded; the bot works concurrently."""
        await self._wait(
            lambda: len(self.calls_to(method, path_pattern)) >= count,
            timeout,
            lambda: (
                f"expected {count} {method} {path_pattern} in {timeout}s; recorded: "
                + ", ".join(f"{c.method} {c.path} -> {c.status}" for c in self.calls)
            ),
        )
        return self.calls_to(method, path_pattern)

    async def _wait(
        self,
        predicate: Callable[[], bool],
        timeout: float,  # noqa: ASYNC109
        failure: Callable[[], str],
    ) -> None:
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(predicate)
        except TimeoutError:
            raise AssertionError(failure()) from None

    # --- faults ---
    def fail_next(
        self,
        method: str,
        path_pattern: str,
        *,
        status: int,
        code: int = 0,
        message: str = "",
        retry_after: float | None = None,
        via_header: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next `times` matching calls with a Discord error.

        A 429 without `via_header` looks like a Cloudflare ban: discord.py raises HTTPException at
        once; with it (plus X-RateLimit headers) discord.py sleeps `retry_after` and retries.
        A 429 also carries Discord's `Retry-After` header (whole seconds, rounded up).
        Mind that discord.py retries 500/502/504 itself, sleeping 1, 3, 5, 7 s."""
        phrase = "You are being rate limited." if status == 429 else http.HTTPStatus(status).phrase
        body: JSON = {"code": code, "message": message or f"{status}: {phrase}"}
        if status == 429:
            body |= {"message": message or phrase, "retry_after": retry_after or 0.0}
            body["global"] = False
        # Discord's Retry-After header is the wait in whole seconds, rounded up
        headers = {"Retry-After": str(math.ceil(retry_after or 0))} if status == 429 else {}
        if via_header:
            headers |= {"Via": "1.1 google", "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0"}
            headers |= {"X-RateLimit-Reset-After": str(retry_after or 0.0)}
            headers |= {"X-RateLimit-Bucket": "fake-bucket", "X-RateLimit-Scope": "user"}
        self._faults.append(_Fault(method.upper(), path_pattern, status, body, headers, times))

    def _take_fault(self, call: Call) -> _Fault | None:
        for fault in self._faults:
            if fault.method == call.method and re.fullmatch(fault.pattern, call.path):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    # --- REST ---
    async def _rest(self, request: web.Request) -> web.Response:
        body, files = await self._read_body(request)
        call = Call(request.method, "/" + request.match_info["tail"], body, 200, files)
        call.query = dict(request.query)
        headers: dict[str, str] = {}
        authorized = request.headers.get("Authorization") == f"Bot {self.token}"
        try:
            public = call.path == "/gateway" or call.path.startswith(
                ("/webhooks/", "/interactions/")
            )
            if not authorized and not public:  # webhook tokens are their own authorization
                raise _ApiError(401, 0, "401: Unauthorized")
            if fault := self._take_fault(call):
                call.status, answer, headers = fault.status, fault.body, fault.headers
            else:
                answer = self._route(call)
                call.status = 200 if answer is not None else 204
        except _ApiError as error:
            call.status, answer = error.status, error.body
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
        if call.status == 204:
            return web.Response(status=204)
        # exactly "application/json": with a charset suffix discord.py reads the body as text
        headers = headers | {"Content-Type": "application/json"}
        return web.Response(status=call.status, body=json.dumps(answer).encode(), headers=headers)

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[Any, list[JSON]]:
        if not request.can_read_body:
            return None, []
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            files = [
                {"filename": v.filename, "content": v.file.read(), "field": k}
                for k, v in form.items()
                if isinstance(v, web.FileField)
            ]
            raw = form.get("payload_json")
            return (json.loads(raw) if isinstance(raw, str | bytes) else None), files
        text = await request.text()
        return (json.loads(text) if text else None), []

    def _route(self, call: Call) -> Any:
        """Answer like Discord; every handler gets the path's groups (None: answer 204)."""
        body = call.json if isinstance(call.json, dict) else {}
        limit = dict(total=1000, remaining=1000, reset_after=0, max_concurrency=1)
        gateway_bot = {"url": str(self.gateway_url), "shards": 1, "session_start_limit": limit}
        routes: list[tuple[str, str, Callable[..., Any]]] = [
            ("GET", r"/users/@me", lambda: self._bot_user(full=True)),
            ("GET", r"/users/(\d+)", lambda u: self.user(int(u))),
            ("POST", r"/users/@me/channels", lambda: self._dm_channel(int(body["recipient_id"]))),
            ("GET", r"/gateway", lambda: {"url": str(self.gateway_url)}),
            ("GET", r"/gateway/bot", lambda: gateway_bot),
            ("GET", r"(?:/oauth2)?/applications/@me", self._application),
            ("PUT", r"/applications/(\d+)(?:/guilds/(\d+))?/commands",
             lambda a, g: self._put_commands(a, g, call.json or [])),
            ("GET", r"/applications/(\d+)(?:/guilds/(\d+))?/commands",
             lambda a, g: self._check_app(a) or self.synced_commands.get(g, [])),
            ("GET", r"/channels/(\d+)", lambda c: self._known_channel(int(c))),
            ("PATCH", r"/channels/(\d+)", lambda c: self._known_channel(int(c)) | body),
            ("POST", r"/channels/(\d+)/messages",
             lambda c: self._known_channel(int(c)) and self._bot_message(int(c), body, call.files)),
            ("GET", r"/channels/\d+/messages/(\d+)", lambda m: self._stored(int(m))),
            ("PATCH", r"/channels/\d+/messages/(\d+)",
             lambda m: self._edit(int(m), body, call.files)),
            ("DELETE", r"/channels/\d+/messages/(\d+)", lambda m: self._delete(int(m))),
            ("POST", r"/channels/\d+/typing", lambda: None),
            ("PUT|DELETE", r"/channels/\d+/messages/\d+/reactions/.+", lambda: None),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback",
             lambda i, t: self._callback(call, i, t)),
            ("POST", r"/webhooks/(\d+)/([^/]+)", lambda a, t: self._followup(call, a, t)),
            ("GET|PATCH|DELETE", r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)",
             lambda a, t, m: self._webhook_message(call, a, t, m)),
            ("GET", r"/guilds/(\d+)", self._guild),
            ("GET", r"/guilds/(\d+)/members/(\d+)", self._guild_member),
        ]  # fmt: skip
        for method, pattern, handler in routes:
            if re.fullmatch(method, call.method) and (match := re.fullmatch(pattern, call.path)):
                return handler(*match.groups())
        raise _ApiError(404, 0, "404: Not Found")

    def _application(self) -> JSON:
        application = _t(_APPLICATION, id=str(self.application_id), name=self.bot_name)
        return application | {"owner": self.user(_OWNER_ID, "owner"), "bot": self._bot_user()}

    def _check_app(self, application_id: str) -> None:
        if int(application_id) != self.application_id:
            message = "You are not authorized to perform this action on this application"
            raise _ApiError(403, 20012, message)

    def _put_commands(self, application_id: str, guild_id: str | None, body: Any) -> list[JSON]:
        """Bulk overwrite; like Discord, a command keeps its id while its name and type stay."""
        self._check_app(application_id)
        old = {(c["name"], c["type"]): c["id"] for c in self.synced_commands.get(guild_id, [])}
        stored = []
        for command in body:
            command = _t(_COMMAND) | command | {"application_id": application_id}
            command["id"] = old.get((command["name"], command["type"])) or str(self._snowflake())
            command["version"] = str(self._snowflake())
            stored.append(command | ({"guild_id": guild_id} if guild_id else {}))
        self.synced_commands[guild_id] = stored
        return stored

    def _guild(self, guild_id: str) -> JSON:
        if int(guild_id) not in self._guilds:
            raise _ApiError(404, 10004, "Unknown Guild")
        guild = self._guild_payload(int(guild_id))
        return {k: v for k, v in guild.items() if k not in ("channels", "members")}

    def _guild_member(self, guild_id: str, user_id: str) -> JSON:
        guild = self._guilds.get(int(guild_id))
        if guild is None or int(user_id) not in guild.members:
            raise _ApiError(404, 10007, "Unknown Member")
        return self._member(int(user_id), guild.members[int(user_id)], with_user=True)

    # --- interaction responses ---
    def _response_fields(self, state: JSON) -> JSON:
        """What Discord adds to the messages answering an interaction."""
        payload = state["payload"]
        user = payload["member"]["user"] if "member" in payload else payload["user"]
        metadata = dict(id=payload["id"], type=payload["type"], user=user)
        metadata["authorizing_integration_owners"] = payload["authorizing_integration_owners"]
        metadata |= {"name": payload["data"]["name"]} if payload["type"] == 2 else {}
        kind = 20 if payload["type"] == 2 else 0  # CHAT_INPUT_COMMAND, else DEFAULT
        app = str(self.application_id)
        return dict(webhook_id=app, application_id=app, interaction_metadata=metadata, type=kind)

    def _callback(self, call: Call, interaction_id: str, token: str) -> JSON | None:
        """Record the initial response (types 4-9) and answer as `with_response=true` asks."""
        state = self._interactions.get(token)
        late = state is not None and time.monotonic() > state["deadline"]
        if state is None or state["id"] != interaction_id or late:
            raise _ApiError(404, 10062, "Unknown interaction")
        if state["response"] is not None:
            raise _ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = call.json if isinstance(call.json, dict) else {}
        kind, data, payload = body.get("type"), body.get("data") or {}, state["payload"]
        state["response"] = kind
        info: JSON = {"id": interaction_id, "type": payload["type"]}
        resource: JSON = {"type": kind}
        if kind in (4, 5):  # a new message: the reply, or "thinking…" (flag 128, LOADING)
            fields = self._response_fields(state)
            fields["flags"] = (data.get("flags") or 0) | (128 if kind == 5 else 0)
            message = self._bot_message(int(payload["channel_id"]), data, call.files, **fields)
            state["original"] = message["id"]
            info |= {"response_message_id": message["id"], "response_message_loading": kind == 5}
            info["response_message_ephemeral"] = bool(fields["flags"] & 64)
            resource["message"] = message
        elif kind in (6, 7) and "message" in payload:  # the component's message is the original
            state["original"] = info["response_message_id"] = payload["message"]["id"]
            if kind == 7:
                resource["message"] = self._edit(int(state["original"]), data, call.files)
        return (
            {"interaction": info, "resource": resource}
            if call.query.get("with_response") in _YES
            else None
        )

    def _interaction_state(self, application_id: str, token: str) -> JSON:
        """The interaction behind a webhook token; Discord knows the webhook once answered."""
        state = self._interactions.get(token)
        if int(application_id) != self.application_id or state is None or not state["response"]:
            raise _ApiError(404, 10015, "Unknown Webhook")
        return state

    def _followup(self, call: Call, application_id: str, token: str) -> JSON | None:
        state = self._interaction_state(application_id, token)
        body = call.json if isinstance(call.json, dict) else {}
        original = self.messages.get(int(state["original"] or 0))
        if original is not None and original["flags"] & 128:
            # Discord: the first follow-up to a deferred "thinking…" response becomes that
            # message, and keeps its visibility (an ephemeral deferral stays ephemeral).
            kept = original["flags"] & 64
            message = self._edit(int(original["id"]), body, call.files)
            message["flags"] = (message["flags"] & ~(128 | 64)) | kept
            return message if call.query.get("wait") in _YES else None
        fields = self._response_fields(state) | {"type": 0}
        channel_id = int(state["payload"]["channel_id"])
        message = self._bot_message(channel_id, body, call.files, **fields)
        return message if call.query.get("wait") in _YES else None

    def _webhook_message(self, call: Call, app_id: str, token: str, which: str) -> JSON | None:
        state = self._interaction_state(app_id, token)
        message_id = int(state["original"] or 0) if which == "@original" else int(which)
        if call.method == "GET":
            return self._stored(message_id)
        if call.method == "DELETE":
            return self._delete(message_id)
        body = call.json if isinstance(call.json, dict) else {}
        message = self._edit(message_id, body, call.files)
        message["flags"] &= ~128  # editing a deferred response ends its "thinking…"
        return message
