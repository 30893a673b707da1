"""Questions: /ask, any text in a private chat, and mentions or replies in a group."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from functools import partial

from bot.core.context import Context
from bot.core.router import Argument, Replies, Router
from bot.deadlines import current_deadlines
from bot.features.feedback import ModelFeedback, with_feedback
from bot.i18n import N_, Translator
from bot.knowledge.address import is_only_an_address
from bot.knowledge.answer import Answer, slow_down_text
from bot.messages import Button, Citation, Reply
from bot.storage.answers import AnswerRepository

router = Router()
MAX_QUESTION_CHARACTERS = 1000


@router.command(
    "ask",
    N_("Ask a question about the community or the contest"),
    argument=Argument("question", N_("Your question"), required=True),
)
async def ask(ctx: Context) -> Replies:
    if not ctx.incoming.args.strip():
        if ctx.incoming.is_private:  # e.g. the Ask button: here a question is just written
            return [Reply(ctx.t.gettext("Write your question here, e.g. 有哪些赛道？"))]
        return [
            Reply(ctx.t.gettext("Write your question after the command, e.g. /ask 有哪些赛道？"))
        ]
    return await _answer(ctx, ctx.incoming.args)


@router.text
async def question(ctx: Context) -> Replies:
    if not ctx.incoming.text.strip():
        return []
    if is_only_an_address(ctx.incoming.text):  # "@机器人" typed by hand, the question to come
        return [Reply(ctx.t.gettext("Write your question here, e.g. 有哪些赛道？"))]
    return await _answer(ctx, ctx.incoming.text)


async def _answer(ctx: Context, text: str) -> Replies:
    if len(text) > MAX_QUESTION_CHARACTERS:
        message = ctx.t.gettext(
            "That question is too long for me ({length} characters); please keep it under {limit}.",
            length=len(text),
            limit=MAX_QUESTION_CHARACTERS,
        )
        return [Reply(message)]
    answers = AnswerRepository(ctx.session)
    now = ctx.services.clock.now()
    if await _asking_too_fast(ctx, answers, now):  # before anything about it is stored
        return [Reply(slow_down_text(ctx.t), private=True)]
    deadlines = await current_deadlines(ctx.session, ctx.services.contest)
    # Embedding a question takes milliseconds of CPU: not on the event loop (the answerer may
    # embed a part of it again: "translate this: …", a question after its context).
    vector = await asyncio.to_thread(ctx.services.index.embed, text)
    answer = await asyncio.to_thread(
        partial(
            ctx.services.answerer.answer,
            text,
            ctx.t.language,
            ctx.zone_name,
            now,
            deadlines=deadlines,
            vector=vector,
        )
    )
    if ctx.services.llm is not None and answer.intent is None:
        reply = await ctx.services.llm.reply(
            answers,
            ctx.member.id,
            text,
            ctx.zone_name,
            deadlines,
            private=ctx.incoming.is_private,
            retrieval=answer,
            vector=vector,
            feedback=ModelFeedback(
                ctx,
                text,
                Translator(answer.language),
                "; ".join(source.label() for source in answer.sources),
            ),
        )
        return [reply]
    await answers.record(ctx.member.id, "retrieval" if answer.known else "unknown", now)
    if not answer.known and answer.intent is None:  # a gap in the knowledge, for organizers
        await answers.unanswered(ctx.member.id, text, answer.language, "retrieval", now)
    buttons = ()
    if answer.command is not None and answer.button is not None:
        buttons = (Button(answer.button, f"run:{answer.command}"),)
    citations = tuple(Citation(s.label(), s.doc, s.heading) for s in answer.sources)
    reply = Reply(format_answer(answer), buttons=buttons, citations=citations)
    if answer.intent is not None:  # about the bot, or declined: nothing to rate or to hand on
        return [reply]
    sources = "; ".join(source.label() for source in answer.sources)
    path = "retrieval" if answer.known else "unknown"
    t = Translator(answer.language)
    return [await with_feedback(ctx, reply, text, sources, path, answer.known, t)]


async def _asking_too_fast(ctx: Context, answers: AnswerRepository, now: datetime) -> bool:
    """A member's questions are limited per minute and per hour, whichever path answers them:
    one member must not be able to fill the storage (or the model's bill)."""
    settings = ctx.services.settings
    last_minute, last_hour = await answers.questions_since(
        ctx.member.id, now - timedelta(minutes=1), now - timedelta(hours=1)
    )
    return last_minute >= settings.questions_per_minute or last_hour >= settings.questions_per_hour


def format_answer(answer: Answer) -> str:
    """The answer text followed by its sources, in the answer's language."""
    if not answer.sources:
        return answer.text
    t = Translator(answer.language)
    names = t.gettext("; ").join(source.label() for source in answer.sources)
    sources = t.gettext("Source: {sources}", sources=names)
    return f"{answer.text}\n\n{sources}"
