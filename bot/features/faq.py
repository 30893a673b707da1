"""Answers become knowledge: organizers publish FAQ entries (from a ticket's answer, or new),
edit and retire them; each is indexed at once and cited "FAQ › <question>", and members who
asked to be told when their question got answered are told, through the outbox.

    /faq                                 the published entries
    /faq publish <ticket> [question]     a ticket's question (as first asked, or as worded
                                         here) and answer, with its approved translation:
                                         shown first, published on "Publish"
    /faq add <question> | <answer>       a new entry (in the language it is written in)
    /faq edit <n> <question> | <answer>  a new version of one language of entry n
    /faq retire <n>                      no longer answered from
    /faq history <n>                     every version
    /faq clarify <n>                     post it to the community as "Clarification #n",
                                         through the announcement preview (confirm to send)
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Context, Services
from bot.core.router import Argument, Replies, Router
from bot.features.broadcasts import draft_announcement
from bot.features.feedback import WATCH, pressed_answer, pressed_number
from bot.features.ticket_languages import faq_texts
from bot.i18n import N_, Translator, detect_language, other_language, preferred_language
from bot.knowledge.build import follow_knowledge
from bot.knowledge.faq import FAQ_TOPIC
from bot.messages import Button, Reply, Target
from bot.outbox.direct import send_later
from bot.storage.faq import PUBLISHED, FaqRepository, WatchRepository
from bot.storage.feedback import TicketRepository
from bot.storage.models import AnswerWatch, FaqEntry, Member, Ticket

log = logging.getLogger(__name__)
router = Router()
TRANSLATE = "faqtranslate"
PUBLISH = "faqpublish"  # the preview's Publish / Cancel: "faqpublish:<ticket>[:no]"
_EDIT = re.compile(r"^#?(\d+)\s+(.+)$", re.S)
MAX_TEXT = 3000


@router.command(
    "faq",
    N_("Publish, edit and retire FAQ entries (organizers)"),
    organizer_only=True,
    argument=Argument(
        "action", N_("publish <ticket>, add, edit, retire or history"), long_text=True
    ),
)
async def faq(ctx: Context) -> Replies:
    action, _, rest = ctx.incoming.args.strip().partition(" ")
    rest = rest.strip()
    handlers = {
        "publish": _publish_ticket,
        "add": _add,
        "edit": _edit,
        "retire": _retire,
        "history": _history,
        "clarify": _clarify,
    }
    if not action or action == "list":
        return await _list(ctx)
    handler = handlers.get(action.lower())
    if handler is None:
        return [_usage(ctx)]
    return await handler(ctx, rest)


def _usage(ctx: Context) -> Reply:
    text = ctx.t.gettext(
        "Use: /faq publish <ticket number> · /faq add <question> | <answer> · "
        "/faq edit <number> <question> | <answer> · /faq retire <number> · "
        "/faq history <number> · /faq clarify <number>"
    )
    return Reply(text, private=True)


async def _list(ctx: Context) -> Replies:
    entries = await FaqRepository(ctx.session).published()
    if not entries:
        return [Reply(ctx.t.gettext("No FAQ entries yet. /faq add or /faq publish creates one."))]
    lines = [
        f"#{e.id} (v{e.version}) {e.question_zh or ''} {e.question_en or ''}".rstrip()
        for e in entries
    ]
    return [Reply("\n".join(lines), private=True)]


async def _publish_ticket(ctx: Context, rest: str) -> Replies:
    """A preview of the entry the ticket becomes: only what the organizer approves is published
    (never who asked, nor the member's later replies)."""
    t = ctx.t
    number, _, wording = rest.partition(" ")
    number, wording = number.lstrip("#"), wording.strip()
    ticket = await TicketRepository(ctx.session).get(int(number)) if number.isdigit() else None
    if ticket is None:
        return [Reply(t.gettext("There is no ticket #{number}.", number=number), private=True)]
    if not ticket.answer:
        text = t.gettext("Ticket #{number} has no answer yet: /reply it first.", number=ticket.id)
        return [Reply(text, private=True)]
    if len(wording) > MAX_TEXT:
        text = t.gettext("That question is too long; please write it shorter.")
        return [Reply(text, private=True)]
    ticket.faq_question = wording or None
    shown = "\n\n".join(
        f"[{language}] {question}\n{answer}"
        for language, (question, answer) in faq_texts(ticket).items()
    )
    text = t.gettext(
        "FAQ from ticket #{number}, as it will be published:\n\n{entry}\n\n"
        "To word the question yourself: /faq publish {number} <question>",
        number=ticket.id,
        entry=shown,
    )
    buttons = (
        Button(t.gettext("Publish"), f"{PUBLISH}:{ticket.id}"),
        Button(t.gettext("Cancel"), f"{PUBLISH}:{ticket.id}:no"),
    )
    return [Reply(text, buttons=buttons, private=True)]


@router.button(PUBLISH, organizer_only=True)
async def publish_pressed(ctx: Context) -> Replies:
    number = pressed_number(ctx)
    ticket = await TicketRepository(ctx.session).get(number) if number is not None else None
    if ticket is None or not ticket.answer:
        return [Reply(ctx.t.gettext("That button no longer works."), private=True)]
    if (ctx.incoming.pressed or "").endswith(":no"):
        return [Reply(ctx.t.gettext("Nothing was published."), private=True)]
    entry, existing = await publish_ticket(
        ctx.session, ticket, _author(ctx), ctx.services.clock.now()
    )
    if entry is None:
        text = ctx.t.gettext(
            "That is already FAQ #{number}; /faq edit {number} changes it.", number=existing
        )
        return [Reply(text, private=True)]
    return _announce_published(ctx, entry, faq_texts(ticket))


async def publish_ticket(
    session: AsyncSession, ticket: Ticket, author: str, now: datetime
) -> tuple[FaqEntry | None, int]:
    """A ticket's approved texts as one FAQ entry (chat and dashboard): (the entry, its number),
    or (None, the number of the entry it already is) for a second tap or a form sent twice."""
    texts = faq_texts(ticket)
    faq = FaqRepository(session)
    if (existing := await faq.published_as(texts)) is not None:
        return None, existing.id
    if not await TicketRepository(session).claim_for_faq(ticket):
        return None, ticket.faq_entry_id or 0
    entry = await faq.publish_languages(texts, author, now)
    ticket.faq_entry_id = entry.id
    return entry, entry.id


async def _add(ctx: Context, rest: str) -> Replies:
    parts = _question_and_answer(rest)
    if parts is None:
        return [_usage(ctx)]
    question, answer = parts
    return await _published(ctx, detect_language(question) or ctx.t.language, question, answer)


async def _published(ctx: Context, language: str, question: str, answer: str) -> Replies:
    return await _published_languages(ctx, {language: (question, answer)})


async def _published_languages(ctx: Context, texts: dict[str, tuple[str, str]]) -> Replies:
    entry = await FaqRepository(ctx.session).publish_languages(
        texts, _author(ctx), ctx.services.clock.now()
    )
    return _announce_published(ctx, entry, texts)


def _announce_published(
    ctx: Context, entry: FaqEntry, texts: dict[str, tuple[str, str]]
) -> Replies:
    language, (question, _) = next(iter(texts.items()))
    entry_id, services = entry.id, ctx.services
    ctx.after_commit.append(lambda: index_and_tell(services, entry_id))
    text = ctx.t.gettext(
        "FAQ #{number} published: it answers from now on, cited “FAQ › {question}”. Members "
        "waiting for this answer are told.",
        number=entry.id,
        question=question,
    )
    buttons: tuple[Button, ...] = ()
    if services.llm is not None and len(texts) == 1:  # a model can draft the other language
        other = other_language(language)
        label = (
            ctx.t.gettext("Draft the Chinese version")
            if other == "zh"
            else ctx.t.gettext("Draft the English version")
        )
        buttons = (Button(label, f"{TRANSLATE}:{entry.id}:{other}"),)
    return [Reply(text, buttons=buttons, private=True)]


@router.button(TRANSLATE, organizer_only=True)
async def translate_pressed(ctx: Context) -> Replies:
    parts = (ctx.incoming.pressed or "").split(":")
    entry = await _entry(ctx, parts[1]) if len(parts) == 3 else None
    llm = ctx.services.llm
    if entry is None or llm is None or parts[2] not in ("zh", "en"):
        return [Reply(ctx.t.gettext("That button no longer works."), private=True)]
    source = other_language(parts[2])
    question = entry.question_zh if source == "zh" else entry.question_en
    answer = entry.answer_zh if source == "zh" else entry.answer_en
    drafted = await llm.translate(question or "", answer or "", parts[2]) if question else None
    if drafted is None:
        text = ctx.t.gettext("The model could not draft it; add it with /faq edit yourself.")
        return [Reply(text, private=True)]
    # Nothing changes until the organizer sends it: they may correct it first.
    text = ctx.t.gettext(
        "Proposed version in the other language. Send this to approve it (correct it first if "
        "needed):"
    )
    command = f"/faq edit {entry.id} {drafted[0]} | {drafted[1]}"
    return [Reply(f"{text}\n\n{command}", private=True)]


async def _edit(ctx: Context, rest: str) -> Replies:
    match = _EDIT.match(rest)
    parts = _question_and_answer(match[2]) if match else None
    entry = await FaqRepository(ctx.session).get(int(match[1])) if match else None
    if parts is None or match is None:
        return [_usage(ctx)]
    if entry is None:
        return [_no_entry(ctx, match[1])]
    question, answer = parts
    language = detect_language(question) or ctx.t.language
    FaqRepository(ctx.session).edit(
        entry, language, question, answer, _author(ctx), ctx.services.clock.now()
    )
    # A new language or a better answer may now answer someone who is waiting.
    entry_id, services = entry.id, ctx.services
    ctx.after_commit.append(lambda: index_and_tell(services, entry_id))
    text = ctx.t.gettext(
        "FAQ #{number} is now version {version}.", number=entry.id, version=entry.version
    )
    return [Reply(text, private=True)]


async def _retire(ctx: Context, rest: str) -> Replies:
    entry = await _entry(ctx, rest)
    if entry is None:
        return [_no_entry(ctx, rest)]
    FaqRepository(ctx.session).retire(entry, _author(ctx), ctx.services.clock.now())
    services = ctx.services
    ctx.after_commit.append(lambda: follow_knowledge(services))
    text = ctx.t.gettext("FAQ #{number} retired: it no longer answers questions.", number=entry.id)
    return [Reply(text, private=True)]


async def _history(ctx: Context, rest: str) -> Replies:
    entry = await _entry(ctx, rest)
    if entry is None:
        return [_no_entry(ctx, rest)]
    lines = []
    for revision in await FaqRepository(ctx.session).history(entry.id):
        when = ctx.t.datetime(revision.changed_at, ctx.zone)
        texts = " / ".join(
            f"{q} → {a}"
            for q, a in (
                (revision.question_zh, revision.answer_zh),
                (revision.question_en, revision.answer_en),
            )
            if q
        )
        lines.append(f"v{revision.version} {revision.status} {when} {revision.changed_by}: {texts}")
    return [Reply("\n".join(lines), private=True)]


async def _clarify(ctx: Context, rest: str) -> Replies:
    entry = await _entry(ctx, rest)
    if entry is None or entry.status != PUBLISHED:
        return [_no_entry(ctx, rest)]
    parts = [
        f"{question}\n{answer}"
        for question, answer in (
            (entry.question_zh, entry.answer_zh),
            (entry.question_en, entry.answer_en),
        )
        if question and answer
    ]
    heading = f"{Translator('zh').gettext('Clarification #{number}', number=entry.id)} / " + (
        Translator("en").gettext("Clarification #{number}", number=entry.id)
    )
    text = heading + "\n\n" + "\n\n".join(parts)
    return [await draft_announcement(ctx, text)]


async def _entry(ctx: Context, number: str) -> FaqEntry | None:
    number = number.strip().lstrip("#")
    return await FaqRepository(ctx.session).get(int(number)) if number.isdigit() else None


def _no_entry(ctx: Context, number: str) -> Reply:
    return Reply(ctx.t.gettext("There is no FAQ entry #{number}.", number=number), private=True)


def _question_and_answer(text: str) -> tuple[str, str] | None:
    question, bar, answer = text.partition("|")
    question, answer = question.strip(), answer.strip()
    if not bar or not question or not answer or len(question) + len(answer) > MAX_TEXT:
        return None
    return question, answer


def _author(ctx: Context) -> str:
    return f"{ctx.incoming.platform}:{ctx.incoming.user.id}"


async def index_and_tell(services: Services, entry_id: int) -> None:
    """Index the new entry, then tell the members whose waiting question it now answers."""
    await follow_knowledge(services)
    async with services.database.session() as session:
        for watch in await WatchRepository(session).waiting():
            member = await session.get(Member, watch.member_id)
            if member is not None and member.private_chat_id is not None:
                await _tell_if_answered(session, services, watch, member, entry_id)


async def _tell_if_answered(
    session: AsyncSession, services: Services, watch: AnswerWatch, member: Member, entry_id: int
) -> None:
    """The member's question, asked again: if the entry answers it now, they get the answer."""
    vector = await asyncio.to_thread(services.index.embed, watch.question)
    now, settings = services.clock.now(), services.settings
    zone = member.timezone or settings.timezone
    answer = services.answerer.answer(watch.question, watch.language, zone, now, vector=vector)
    if not answer.known or not answer.hits:
        return
    if answer.hits[0].passage.section != (FAQ_TOPIC, entry_id):
        return
    language = preferred_language(
        member.language, watch.language, member.locale_hint, settings.default_language
    )
    t = Translator(language)
    text = t.gettext(
        "Your question “{question}” has been answered:\n\n{answer}\n\nSource: {source}",
        question=watch.question,
        answer=answer.text,
        source="; ".join(s.label() for s in answer.sources),
    )
    target = Target(member.platform, member.private_chat_id or "")
    await send_later(
        session, target, text, now, kind="answered", language=language, member_id=member.id
    )
    watch.notified_at = now


@router.button(WATCH)
async def watch_pressed(ctx: Context) -> Replies:
    given = await pressed_answer(ctx)
    if given is None:
        return [Reply(ctx.t.gettext("That answer is no longer kept."), private=True)]
    if ctx.member.private_chat_id is None:
        text = ctx.t.gettext(
            "I can only tell you privately, so first send me any message in a private chat."
        )
        return [Reply(text, private=True)]
    await WatchRepository(ctx.session).watch(
        ctx.member.id, given.question, given.language, ctx.services.clock.now()
    )
    text = ctx.t.gettext("I'll tell you here when the organizers publish an answer to it.")
    return [Reply(text, private=True)]
