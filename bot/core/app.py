"""The core: one `handle` call per thing a person did, returning what to answer."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Context, Services
from bot.core.question_shape import looks_like_question
from bot.core.router import Command, Replies, Router
from bot.features import (
    broadcasts,
    calendar,
    channels,
    contest_info,
    deadline_admin,
    faq,
    feedback,
    finder,
    imports,
    language,
    newcomers,
    organizer,
    pairing,
    questions,
    registration,
    reload,
    subscriptions,
    teams,
    teams_admin,
    tickets,
    welcome,
)
from bot.features.newcomers import GREETING_COMMANDS, members_joined
from bot.i18n import Language, Translator, detect_language, normalize_language, preferred_language
from bot.messages import Incoming, Reply, UserRef
from bot.ops.metrics import UPDATES
from bot.storage.conversations import ConversationRepository
from bot.storage.members import MemberRepository, sender
from bot.storage.models import Member
from bot.storage.recent_members import row_values
from bot.storage.updates import Claim, forget_old_updates

log = logging.getLogger(__name__)
FEATURES = (
    welcome,
    questions,
    contest_info,
    registration,
    subscriptions,
    language,
    channels,
    broadcasts,
    organizer,
    deadline_admin,
    feedback,
    tickets,
    faq,
    reload,
    teams,
    teams_admin,
    finder,
    calendar,
    newcomers,
    pairing,
    imports,
)
PRUNE_EVERY = timedelta(hours=1)
RUN_COMMAND = "run:"  # a button payload "run:register" does what /register does


def build_router() -> Router:
    router = Router()
    for feature in FEATURES:
        router.include(feature.router)
    return router


class Core:
    """Platform-neutral behaviour of the bot. Adapters call `handle` and deliver the replies."""

    def __init__(self, services: Services, router: Router | None = None) -> None:
        self.services = services
        self.router = router or build_router()
        self._next_prune: datetime | None = None
        services.database.recent_members.keep_time_by(services.clock)

    def commands(self) -> tuple[Command, ...]:
        """Every command, for platforms that register them with typed options (Discord)."""
        return tuple(self.router.commands.values())

    def menu(self, organizer: bool = False) -> tuple[tuple[str, str], ...]:
        """(command, English description) pairs to show; adapters translate for their menus."""
        return tuple(
            (c.name, c.description) for c in self.commands() if organizer or not c.organizer_only
        )

    async def members_joined(self, platform: str, chat_id: str, people: list[UserRef]) -> None:
        """People joined a group or server channel: greet them there if welcomes are on."""
        try:
            await members_joined(self.services, platform, chat_id, people)
        except Exception:  # a greeting is not worth a crash
            log.exception("recording joins in %s %s failed", platform, chat_id)

    async def handle(self, incoming: Incoming) -> Replies:
        """Answer one thing a person did. Never raises: failures become a polite reply."""
        if not incoming.concerns_bot:
            return []
        UPDATES.labels(incoming.platform).inc()
        fallback = Translator(self._language_hint(incoming))
        member_id: int | None = None  # known once the member is, for after a failure
        claimed = False  # the update was taken: a failure gives it back for the replay
        try:
            async with self.services.database.session() as session:
                now = self.services.clock.now()
                claim = await self._claim(incoming, session, now)
                if claim is None:
                    log.info(
                        "%s update %s was already handled", incoming.platform, incoming.update_id
                    )
                    return []
                claimed = incoming.update_id is not None
                if claimed and (self._next_prune is None or now >= self._next_prune):
                    await forget_old_updates(session, now)
                    self._next_prune = now + PRUNE_EVERY
                ctx = await self._context(incoming, session, now, claim.conversation_waiting)
                member_id = ctx.member.id
                replies = await self._dispatch(ctx)
                # Keep the row as read or changed here; a snapshot used unchanged stays as it
                # was (a concurrent update of the same member may have kept a newer one).
                snapshot = ctx.member_snapshot
                keep = snapshot is None or row_values(ctx.member) != snapshot.values
            if keep:
                self.services.database.recent_members.remember(
                    ctx.member, ctx.members_generation, ctx.member_read_at
                )
            for task in ctx.after_commit:
                try:
                    await task()
                except Exception:  # the change is stored; what follows it is retried later
                    log.exception("work after commit failed")
            return replies
        except Exception:
            # The snapshot may be why (a member erased by another process): read it afresh.
            if member_id is not None:
                self.services.database.recent_members.forget(member_id)
            if claimed and incoming.update_id is not None:
                await self._release(incoming.platform, incoming.update_id)
            log.exception(
                "handler failed",
                extra={"platform": incoming.platform, "command": incoming.command},
            )
            return [
                Reply(
                    fallback.gettext(
                        "Sorry, something went wrong on my side. Please try again in a moment."
                    )
                )
            ]

    async def _release(self, platform: str, update_id: str) -> None:
        try:
            await self.services.database.update_claims.release(platform, update_id)
        except Exception:  # the apology still goes out; the replay then stays unanswered
            log.exception("giving back the claim of %s update %s failed", platform, update_id)

    async def _claim(
        self, incoming: Incoming, session: AsyncSession, now: datetime
    ) -> Claim | None:
        """The update taken for this process; None for one handled before (after a restart, a
        webhook retry, or by a second process), which must not be answered again.

        First, before the session writes: on SQLite the claim commits on a connection of its
        own, which must not wait for a write lock this session took (see UpdateClaims).
        """
        if incoming.update_id is None:
            return Claim(conversation_waiting=None)
        claims = self.services.database.update_claims
        return await claims.claim(
            session, incoming.platform, incoming.update_id, incoming.user.id, now
        )

    async def _context(
        self,
        incoming: Incoming,
        session: AsyncSession,
        now: datetime,
        conversation_waiting: bool | None,
    ) -> Context:
        """The member and what the handler needs. For most messages this reads nothing: the
        sender wrote a moment ago, so their row is remembered (`RecentMembers`), and the
        replay claim said whether an exchange is waiting for them (None: look it up).
        """
        recent = self.services.database.recent_members
        generation = recent.generation
        user = incoming.user
        private_chat = incoming.chat.id if incoming.is_private else None
        seen = sender(
            incoming.platform, user.id, user.display_name, user.locale, user.handle, private_chat
        )
        members = MemberRepository(session)
        recalled = recent.recall(seen)
        if recalled is None:
            read_at = recent.now()
            member = await members.seen(
                incoming.platform,
                user.id,
                user.display_name,
                user.locale,
                now,
                user.handle,
                private_chat_id=private_chat,
            )
            snapshot = None
        else:
            member, snapshot = recalled
            read_at = snapshot.read_at
            session.add(member)
            recent.note_seen(member.id, now)
        if due := recent.last_seen_due(now):
            await members.write_last_seen(due)
        t = Translator(self.member_language(member))
        ctx = Context(incoming, member, session, t, self.services)
        ctx.menu = self.menu(organizer=ctx.is_organizer)
        ctx.members_generation = generation
        ctx.member_snapshot, ctx.member_read_at = snapshot, read_at
        ctx.conversation_waiting = conversation_waiting
        return ctx

    def member_language(self, member: Member) -> Language:
        return preferred_language(
            member.language,
            member.text_language,
            member.locale_hint,
            self.services.settings.default_language,
        )

    async def _dispatch(self, ctx: Context) -> Replies:
        incoming = ctx.incoming
        if incoming.pressed is not None and incoming.pressed.startswith(RUN_COMMAND):
            # A button that runs a command (under an answer: "how do I sign up?" → /register).
            name = incoming.pressed.removeprefix(RUN_COMMAND)
            ctx.incoming = replace(incoming, command=name, text=f"/{name}", pressed=None)
            replies = await self._dispatch(ctx)
            if incoming.is_private:
                return replies
            # Pressed under a group message (a welcome): the answer is for the one who pressed.
            return [replace(reply, private=True) for reply in replies]
        if incoming.command == "start" and incoming.args.strip() in GREETING_COMMANDS:
            # A deep link from a group's welcome (t.me/<bot>?start=register) runs that command.
            name = incoming.args.strip()
            incoming = replace(incoming, command=name, text=f"/{name}", args="")
            ctx.incoming = incoming
        if incoming.received_file is not None and not incoming.command and not incoming.text:
            # A document sent on its own is one to import (organizers'; others are told so).
            # With words beside it, the words are what the person asks.
            incoming = replace(incoming, command="import", text="/import")
            ctx.incoming = incoming
        if incoming.pressed is not None:
            handler = self.router.button_handler(incoming.pressed)
            if handler is None:
                return [
                    Reply(
                        ctx.t.gettext("That button no longer works. Please send the command again.")
                    )
                ]
            if self.router.button_is_for_organizers(incoming.pressed) and not ctx.is_organizer:
                note = ctx.t.gettext("That button is for organizers only.")
                return [Reply(note, private=True)]
            return await handler(ctx)
        if incoming.command is not None:
            command = self.router.commands.get(incoming.command)
            if command is None:
                return [
                    Reply(
                        ctx.t.gettext(
                            "I don't know the command /{command}. Send /help for the list.",
                            command=incoming.command,
                        )
                    )
                ]
            if command.organizer_only and not ctx.is_organizer:
                return [_organizers_only(ctx, command.name)]
            # A half-finished exchange waits while the command runs, then asks again.
            waiting = await self._waiting_step(ctx)
            replies = await command.handler(ctx)
            return replies + await self._ask_again(ctx, waiting)
        if incoming.is_private and ctx.conversation_waiting is not False:
            conversation = await ConversationRepository(ctx.session).get(ctx.member.id)
            if conversation is not None and conversation.kind in self.router.conversations:
                takes_anything = conversation.kind in self.router.free_text_steps
                detour = looks_like_question(incoming.text) and self.router.text_handler is not None
                if takes_anything or not detour:
                    return await self.router.conversations[conversation.kind](ctx)
                # "How can I use the cloud desktop?" is not a team name: answer, then ask again.
                waiting = await self._waiting_step(ctx)
                replies = await self._question(ctx)
                return replies + await self._ask_again(ctx, waiting)
        return await self._question(ctx)

    async def _question(self, ctx: Context) -> Replies:
        if self.router.text_handler is None:
            return []
        # Replies to later commands follow the language the member asks in (answers to a step,
        # like a team name, say nothing about it).
        member = ctx.member
        member.text_language = detect_language(ctx.incoming.text) or member.text_language
        return await self.router.text_handler(ctx)

    async def _waiting_step(self, ctx: Context) -> tuple[object, ...] | None:
        if ctx.conversation_waiting is False:
            return None
        conversation = await ConversationRepository(ctx.session).get(ctx.member.id)
        if conversation is None:
            return None
        return (conversation.kind, conversation.step, conversation.subject)

    async def _ask_again(self, ctx: Context, waiting: tuple[object, ...] | None) -> Replies:
        """The waiting step's question again, if a detour left it waiting as it was."""
        if waiting is None or await self._waiting_step(ctx) != waiting:
            return []
        prompt = self.router.prompts.get(str(waiting[0]))
        return await prompt(ctx) if prompt is not None else []

    def _language_hint(self, incoming: Incoming) -> Language:
        return normalize_language(incoming.user.locale, self.services.settings.default_language)


def _organizers_only(ctx: Context, command: str) -> Reply:
    return Reply(ctx.t.gettext("/{command} is for organizers only.", command=command), private=True)
