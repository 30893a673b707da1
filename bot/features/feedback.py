"""Helpful / not helpful under every answer, and "Ask a person" where the bot could not help."""

from __future__ import annotations

from dataclasses import replace

from bot.core.context import Context
from bot.core.router import Replies, Router
from bot.i18n import Translator
from bot.llm.citations import cited_sources
from bot.messages import Button, Reply
from bot.ops.metrics import VOTES
from bot.storage.database import Database
from bot.storage.feedback import FeedbackRepository
from bot.storage.models import GivenAnswer

router = Router()
VOTE, ASK_PERSON, WATCH = "vote", "human", "watch"


def feedback_buttons(t: Translator, given_answer_id: int, known: bool) -> tuple[Button, ...]:
    """Under an answer: the two votes; under a "don't know": a way to a person."""
    if not known:
        return (
            Button(t.gettext("Ask a person"), f"{ASK_PERSON}:{given_answer_id}"),
            Button(t.gettext("Tell me when answered"), f"{WATCH}:{given_answer_id}"),
        )
    return (
        Button(t.gettext("Helpful"), f"{VOTE}:{given_answer_id}:1"),
        Button(t.gettext("Not helpful"), f"{VOTE}:{given_answer_id}:0"),
    )


async def with_feedback(
    ctx: Context,
    reply: Reply,
    question: str,
    sources: str,
    path: str,
    known: bool,
    t: Translator,
) -> Reply:
    """The reply, kept as given, with the feedback buttons after its own, in `t`'s language
    (the answer's)."""
    given = await FeedbackRepository(ctx.session).given(
        ctx.member.id,
        ctx.incoming.platform,
        question,
        reply.text,
        sources,
        path,
        t.language,
        ctx.services.clock.now(),
    )
    return replace(reply, buttons=reply.buttons + feedback_buttons(t, given.id, known))


class ModelFeedback:
    """The feedback buttons for the language model's answers: `now` for a reply given at once
    (in the handler's transaction), `later` for a streamed one, complete only after the handler
    has committed (so it opens its own session)."""

    def __init__(
        self, ctx: Context, question: str, language: Translator, retrieval_sources: str
    ) -> None:
        self._ctx, self._question, self._t = ctx, question, language
        self._database: Database = ctx.services.database
        self._member_id, self._platform = ctx.member.id, ctx.incoming.platform
        self._retrieval_sources = retrieval_sources  # what a fallback to retrieval cites

    def _sources(self, reply: Reply, path: str) -> str:
        if reply.citations:
            return cited_sources(reply)
        return self._retrieval_sources if path == "fallback" else ""

    async def now(self, reply: Reply, path: str, sources: str | None = None) -> Reply:
        sources = self._sources(reply, path) if sources is None else sources
        return await with_feedback(
            self._ctx, reply, self._question, sources, path, path != "unknown", self._t
        )

    async def later(self, reply: Reply, path: str) -> Reply:
        clock = self._ctx.services.clock
        async with self._database.session() as session:
            given = await FeedbackRepository(session).given(
                self._member_id,
                self._platform,
                self._question,
                reply.text,
                self._sources(reply, path),
                path,
                self._t.language,
                clock.now(),
            )
            given_id = given.id
        buttons = feedback_buttons(self._t, given_id, path != "unknown")
        return replace(reply, buttons=reply.buttons + buttons)


def pressed_number(ctx: Context) -> int | None:
    """The number a button's payload carries after its prefix ("human:12" → 12)."""
    field = (ctx.incoming.pressed or "").split(":")[1:2]
    return int(field[0]) if field and field[0].isdigit() else None


async def pressed_answer(ctx: Context) -> GivenAnswer | None:
    """The kept answer a button under it refers to (vote, Ask a person, Tell me …)."""
    number = pressed_number(ctx)
    return await FeedbackRepository(ctx.session).answer(number) if number is not None else None


@router.button(VOTE)
async def voted(ctx: Context) -> Replies:
    given = await pressed_answer(ctx)
    value = (ctx.incoming.pressed or "").rpartition(":")[2]
    if given is None:
        return [Reply(ctx.t.gettext("That answer is no longer kept."), private=True)]
    helpful = value == "1"
    await FeedbackRepository(ctx.session).vote(
        given, ctx.member.id, helpful, ctx.services.clock.now()
    )
    VOTES.labels("yes" if helpful else "no").inc()
    if helpful:
        return [Reply(ctx.t.gettext("Thank you: glad it helped."), private=True)]
    text = ctx.t.gettext(
        "Thank you for telling me. An organizer can answer it instead, or I can tell you when "
        "the organizers publish an answer: press a button."
    )
    buttons = (
        Button(ctx.t.gettext("Ask a person"), f"{ASK_PERSON}:{given.id}"),
        Button(ctx.t.gettext("Tell me when answered"), f"{WATCH}:{given.id}"),
    )
    return [Reply(text, buttons=buttons, private=True)]
