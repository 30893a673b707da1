"""An organizer's answer in the other language: a model drafts it, the organizer approves it.

When a language model is configured, the organizer's confirmation after answering a ticket
(`/reply`, the Answer button, the dashboard) carries "Draft the Chinese/English version". The
model translates the question and the answer; the organizer sees the draft with "Send it to the
member too", or corrects it and sends `/translation <n> <question> | <answer>`. The approved
version reaches the member through the outbox, like the answer, and stays with the ticket, so
`/faq publish` of the ticket publishes both languages.
"""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Context, Services
from bot.core.router import Argument, Replies, Router
from bot.features.feedback import pressed_number
from bot.i18n import N_, Language, Translator, detect_language, other_language
from bot.messages import Button, Reply, Target
from bot.outbox.direct import send_later
from bot.storage.feedback import TicketRepository
from bot.storage.models import Member, Ticket

router = Router()
DRAFT, SEND = "ticketdraft", "ticketsend"
FOLLOW_UP = "followup"  # a member's Reply under an answer: the conversation that waits for it
FOLLOW_UP_MARK = "\n\n↪ "  # how a member's reply is appended to the ticket's question
MAX_TRANSLATION_CHARACTERS = 3000
_NUMBERED = re.compile(r"^#?(\d+)\s+(.+)$", re.S)


def original_question(ticket: Ticket) -> str:
    """The member's question as first asked, without the replies that reopened the ticket."""
    return ticket.question.split(FOLLOW_UP_MARK, 1)[0].strip()


def answer_language(ticket: Ticket) -> Language:
    return detect_language(ticket.answer or "") or ticket.language  # type: ignore[return-value]


def faq_texts(ticket: Ticket) -> dict[Language, tuple[str, str]]:
    """What publishing the ticket as FAQ puts in each language: the answer and its approved
    translation, under the question as the organizer worded it (else as first asked)."""
    language = answer_language(ticket)
    texts = {language: (original_question(ticket), ticket.answer or "")}
    translated = ticket.translation_language
    if ticket.translation_approved_at is not None and translated and translated != language:
        texts[translated] = (ticket.translated_question or "", ticket.translated_answer or "")
    if ticket.faq_question:
        worded = detect_language(ticket.faq_question)
        into = worded if worded in texts else language
        texts[into] = (ticket.faq_question, texts[into][1])
    return texts


def draft_buttons(t: Translator, services: Services, ticket: Ticket) -> tuple[Button, ...]:
    """Under the organizer's confirmation: a model's draft of the other language, if one can
    be had and the ticket has none approved yet."""
    if services.llm is None or ticket.translation_approved_at is not None:
        return ()
    other = other_language(answer_language(ticket))
    label = (
        t.gettext("Draft the Chinese version")
        if other == "zh"
        else t.gettext("Draft the English version")
    )
    return (Button(label, f"{DRAFT}:{ticket.id}"),)


async def send_to_member(
    session: AsyncSession,
    services: Services,
    ticket: Ticket,
    member: Member,
    language: Language,
    question: str,
    answer: str,
) -> None:
    """Queue an answer to the ticket for the member, privately, framed in its own language."""
    theirs = Translator(language)
    message = theirs.gettext(
        "An organizer answered your question (ticket #{number}):\n{question}\n\n{answer}",
        number=ticket.id,
        question=question,
        answer=answer,
    )
    reply_button = Button(theirs.gettext("Reply"), f"{FOLLOW_UP}:{ticket.id}")
    await send_later(
        session,
        Target(member.platform, member.private_chat_id or ""),
        message,
        services.clock.now(),
        kind="ticket",
        language=language,
        member_id=member.id,
        buttons=(reply_button,),
    )


async def draft_translation(services: Services, ticket: Ticket) -> bool:
    """Have the model translate the question and the answer; kept as a draft, unapproved."""
    if services.llm is None or not ticket.answer:
        return False
    other = other_language(answer_language(ticket))
    drafted = await services.llm.translate(original_question(ticket), ticket.answer, other)
    if drafted is None:
        return False
    ticket.translation_language = other
    ticket.translated_question, ticket.translated_answer = drafted
    ticket.translation_approved_at = None
    return True


async def approve_translation(
    session: AsyncSession,
    services: Services,
    ticket: Ticket,
    language: Language,
    question: str,
    answer: str,
) -> Member | None:
    """Keep the organizer's version in the other language and send it to the member too;
    None when the member can no longer be reached (nothing is kept then)."""
    member = await session.get(Member, ticket.member_id)
    if member is None or member.private_chat_id is None:
        return None
    ticket.translation_language = language
    ticket.translated_question, ticket.translated_answer = question, answer
    ticket.translation_approved_at = services.clock.now()
    await send_to_member(session, services, ticket, member, language, question, answer)
    return member


@router.button(DRAFT, organizer_only=True)
async def draft_pressed(ctx: Context) -> Replies:
    t = ctx.t
    ticket = await _pressed_ticket(ctx)
    if ticket is None or not ticket.answer or ctx.services.llm is None:
        return [Reply(t.gettext("That button no longer works."), private=True)]
    if not await draft_translation(ctx.services, ticket):
        text = t.gettext(
            "The model could not draft it; write it yourself: "
            "/translation {number} <question> | <answer>",
            number=ticket.id,
        )
        return [Reply(text, private=True)]
    text = t.gettext(
        "Draft of ticket #{number} in the other language:\n{question}\n{answer}\n\n"
        "Send it to the member as well with the button, or correct it and send:",
        number=ticket.id,
        question=ticket.translated_question,
        answer=ticket.translated_answer,
    )
    command = f"/translation {ticket.id} {ticket.translated_question} | {ticket.translated_answer}"
    button = Button(t.gettext("Send it to the member too"), f"{SEND}:{ticket.id}")
    return [Reply(f"{text}\n\n{command}", buttons=(button,), private=True)]


@router.button(SEND, organizer_only=True)
async def send_pressed(ctx: Context) -> Replies:
    t = ctx.t
    ticket = await _pressed_ticket(ctx)
    if ticket is None or not ticket.translated_answer or not ticket.translation_language:
        return [Reply(t.gettext("That button no longer works."), private=True)]
    if ticket.translation_approved_at is not None:
        text = t.gettext(
            "The member already has that version of ticket #{number}.", number=ticket.id
        )
        return [Reply(text, private=True)]
    language: Language = "zh" if ticket.translation_language == "zh" else "en"
    return await _approved(
        ctx, ticket, language, ticket.translated_question or "", ticket.translated_answer
    )


@router.command(
    "translation",
    N_("Send a ticket's answer in the other language too: /translation <n> <question> | <answer>"),
    organizer_only=True,
    argument=Argument(
        "translation",
        N_("The ticket's number, then the question | the answer in the other language"),
        required=True,
        long_text=True,
    ),
)
async def translation(ctx: Context) -> Replies:
    t = ctx.t
    match = _NUMBERED.match(ctx.incoming.args.strip())
    question, bar, answer = match[2].partition("|") if match else ("", "", "")
    question, answer = question.strip(), answer.strip()
    if match is None or not bar or not question or not answer:
        usage = t.gettext(
            "Write the ticket's number, then the question and the answer in the other "
            "language: /translation 12 能一个人报两个赛道吗？ | 可以。"
        )
        return [Reply(usage, private=True)]
    ticket = await TicketRepository(ctx.session).get(int(match[1]))
    if ticket is None:
        return [Reply(t.gettext("There is no ticket #{number}.", number=match[1]), private=True)]
    if not ticket.answer:
        text = t.gettext("Ticket #{number} has no answer yet: /reply it first.", number=ticket.id)
        return [Reply(text, private=True)]
    if len(question) + len(answer) > MAX_TRANSLATION_CHARACTERS:
        text = t.gettext("That reply is too long; please write it shorter.")
        return [Reply(text, private=True)]
    other = other_language(answer_language(ticket))
    if (detect_language(f"{question} {answer}") or other) != other:
        text = t.gettext(
            "That is the language of your answer; write the other language's version here."
        )
        return [Reply(text, private=True)]
    return await _approved(ctx, ticket, other, question, answer)


async def _approved(
    ctx: Context, ticket: Ticket, language: Language, question: str, answer: str
) -> Replies:
    t = ctx.t
    member = await approve_translation(
        ctx.session, ctx.services, ticket, language, question, answer
    )
    if member is None:
        text = t.gettext(
            "The member of ticket #{number} can no longer be reached.", number=ticket.id
        )
        return [Reply(text, private=True)]
    text = t.gettext(
        "Ticket #{number}: the member gets this version too; /faq publish {number} publishes "
        "both languages.",
        number=ticket.id,
    )
    return [Reply(text, private=True)]


async def _pressed_ticket(ctx: Context) -> Ticket | None:
    number = pressed_number(ctx)
    return await TicketRepository(ctx.session).get(number) if number is not None else None
