"""A person when the bot can't help: tickets, the organizers' notice and their answer.

A member opens a ticket with "Ask a person" (under a "don't know" or a "not helpful") or
`/human <question>`. The organizers are told in their chat (BOT_TELEGRAM_ORGANIZER_CHAT,
BOT_DISCORD_ORGANIZER_CHANNEL) or, when none is set, each privately, with an Answer button.
`/reply <n> <text>` (or the button) sends the answer to the member privately, on the platform
they asked from, through the outbox: stored with the ticket in one transaction, never lost.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Context, Services
from bot.core.router import Argument, Replies, Router
from bot.features.feedback import ASK_PERSON, pressed_answer, pressed_number
from bot.features.ticket_languages import (
    FOLLOW_UP,
    FOLLOW_UP_MARK,
    draft_buttons,
    send_to_member,
)
from bot.features.ticket_languages import router as other_language_router
from bot.i18n import N_, Translator, detect_language
from bot.messages import Button, Reply
from bot.ops.metrics import TICKET_ANSWER_SECONDS, TICKETS
from bot.outbox.direct import organizer_chats, send_later
from bot.storage.conversations import ConversationRepository
from bot.storage.feedback import CLOSED, OPEN, TicketRepository
from bot.storage.models import Member, Ticket

router = Router()
router.include(other_language_router)
ANSWER_BUTTON = "ticket"
ANSWERING = "ticket-answer"  # the conversation that waits for an organizer's answer
MAX_QUESTION_CHARACTERS = 1000
MAX_ANSWER_CHARACTERS = 3000


@router.command(
    "human",
    N_("Hand your question to a person (the organizers)"),
    argument=Argument("question", N_("Your question"), required=True),
)
async def human(ctx: Context) -> Replies:
    question = ctx.incoming.args.strip()
    if not question:
        example = ctx.t.gettext(
            "Write your question after the command, e.g. /human Can one person enter two tracks?"
        )
        return [Reply(example, private=True)]
    return await _open_ticket(ctx, question)


@router.button(ASK_PERSON)
async def ask_person_pressed(ctx: Context) -> Replies:
    given = await pressed_answer(ctx)
    if given is None:
        return [Reply(ctx.t.gettext("That answer is no longer kept."), private=True)]
    return await _open_ticket(ctx, given.question)


async def _open_ticket(ctx: Context, question: str) -> Replies:
    t, member = ctx.t, ctx.member
    if len(question) > MAX_QUESTION_CHARACTERS:
        text = t.gettext(
            "That question is too long for me ({length} characters); please keep it under {limit}.",
            length=len(question),
            limit=MAX_QUESTION_CHARACTERS,
        )
        return [Reply(text, private=True)]
    if member.private_chat_id is None:
        # The answer goes privately, and a bot may only write to a person who wrote to it first.
        text = t.gettext(
            "The organizers' answer will come to you privately, so first send me any message in "
            "a private chat, then ask again there."
        )
        return [Reply(text, private=True)]
    language = detect_language(question) or t.language
    ticket = await TicketRepository(ctx.session).open(
        member.id, question, language, ctx.services.clock.now()
    )
    await _tell_organizers(ctx, ticket)
    TICKETS.labels("opened").inc()
    text = t.gettext(
        "Ticket #{number}: I passed your question to the organizers. Their answer will come to "
        "you here in private; /mytickets shows your tickets.",
        number=ticket.id,
    )
    return [Reply(text, private=True)]


async def _tell_organizers(ctx: Context, ticket: Ticket) -> None:
    now = ctx.services.clock.now()
    chats = await organizer_chats(ctx.session, ctx.services.settings)
    for target, language in chats:
        t = Translator(language)
        notice = t.gettext(
            "Ticket #{number} from {name} ({platform}, {language}):\n{question}\n\n"
            "Answer with /reply {number} <text>, or press the button.",
            number=ticket.id,
            name=ctx.member.display_name or t.gettext("a member"),
            platform=ctx.member.platform,
            language=ticket.language,
            question=ticket.question,
        )
        label = t.gettext("Answer #{number}", number=ticket.id)
        button = Button(label, f"{ANSWER_BUTTON}:{ticket.id}")
        await send_later(
            ctx.session, target, notice, now, kind="ticket", language=language, buttons=(button,)
        )


@router.command("mytickets", N_("Your questions handed to a person, and their answers"))
async def my_tickets(ctx: Context) -> Replies:
    t = ctx.t
    tickets = await TicketRepository(ctx.session).of_member(ctx.member.id)
    if not tickets:
        return [Reply(t.gettext("You have no tickets. /human <question> opens one."), private=True)]
    states = {
        "open": t.gettext("waiting for an answer"),
        "answered": t.gettext("answered"),
        "closed": t.gettext("closed"),
    }
    lines = []
    for ticket in tickets:
        lines.append(
            f"#{ticket.id} ({states.get(ticket.status, ticket.status)}): {ticket.question}"
        )
        if ticket.answer:
            lines.append(t.gettext("  Answer: {answer}", answer=ticket.answer))
    return [Reply("\n".join(lines), private=True)]


@router.command("tickets", N_("Open tickets, oldest first (organizers)"), organizer_only=True)
async def open_tickets(ctx: Context) -> Replies:
    t = ctx.t
    tickets = await TicketRepository(ctx.session).waiting()
    if not tickets:
        return [Reply(t.gettext("No open tickets."), private=True)]
    lines = [f"#{ticket.id} [{ticket.language}] {ticket.question}" for ticket in tickets]
    lines.append(t.gettext("Answer with /reply <number> <text>."))
    return [Reply("\n".join(lines), private=True)]


@router.command(
    "reply",
    N_("Answer a ticket: /reply <number> <text> (organizers)"),
    organizer_only=True,
    argument=Argument("answer", N_("The ticket's number, then your answer"), required=True),
)
async def reply(ctx: Context) -> Replies:
    number, _, text = ctx.incoming.args.strip().partition(" ")
    number = number.lstrip("#")
    if not number.isdigit() or not text.strip():
        usage = ctx.t.gettext("Write the ticket's number, then the answer: /reply 12 Yes, you can.")
        return [Reply(usage, private=True)]
    return await _answer_ticket(ctx, int(number), text.strip())


@router.button(ANSWER_BUTTON, organizer_only=True)
async def answer_pressed(ctx: Context) -> Replies:
    ticket = await _pressed_ticket(ctx)
    if ticket is None:
        return [Reply(ctx.t.gettext("There is no such ticket."), private=True)]
    await ConversationRepository(ctx.session).start(
        ctx.member.id, ANSWERING, "text", str(ticket.id), ctx.services.clock.now()
    )
    return [_answer_prompt(ctx, ticket)]


@router.conversation_prompt(ANSWERING)
async def answer_prompt_again(ctx: Context) -> Replies:
    ticket = await _ticket_waited_on(ctx)
    return [_answer_prompt(ctx, ticket)] if ticket is not None else []


def _answer_prompt(ctx: Context, ticket: Ticket) -> Reply:
    text = ctx.t.gettext(
        "Write your answer to ticket #{number} here in our private chat (/skip to leave it):\n"
        "{question}",
        number=ticket.id,
        question=ticket.question,
    )
    return Reply(text, private=True)


@router.conversation(ANSWERING, free_text=True)
async def answer_written(ctx: Context) -> Replies:
    ticket = await _ticket_waited_on(ctx, done=True)
    text = ctx.incoming.text.strip()
    if ticket is None or text.lower() in ("/skip", "skip", "跳过"):
        return [Reply(ctx.t.gettext("The ticket stays open."), private=True)]
    return await _answer_ticket(ctx, ticket.id, text)


async def _pressed_ticket(ctx: Context) -> Ticket | None:
    number = pressed_number(ctx)
    return await TicketRepository(ctx.session).get(number) if number is not None else None


async def _ticket_waited_on(ctx: Context, done: bool = False) -> Ticket | None:
    """The ticket this member's waiting step is about; `done`: the step ends here."""
    conversations = ConversationRepository(ctx.session)
    conversation = await conversations.get(ctx.member.id)
    if done:
        await conversations.end(ctx.member.id)
    if conversation is None or not conversation.subject.isdigit():
        return None
    return await TicketRepository(ctx.session).get(int(conversation.subject))


async def _answer_ticket(ctx: Context, number: int, answer: str) -> Replies:
    t = ctx.t
    ticket = await TicketRepository(ctx.session).get(number)
    if ticket is None:
        return [Reply(t.gettext("There is no ticket #{number}.", number=number), private=True)]
    if len(answer) > MAX_ANSWER_CHARACTERS:
        text = t.gettext(
            "That answer is too long ({length} characters); please keep it under {limit}.",
            length=len(answer),
            limit=MAX_ANSWER_CHARACTERS,
        )
        return [Reply(text, private=True)]
    author = f"{ctx.incoming.platform}:{ctx.incoming.user.id}"
    member = await answer_ticket(ctx.session, ctx.services, ticket, answer, author)
    if member is None:
        text = t.gettext("The member of ticket #{number} can no longer be reached.", number=number)
        return [Reply(text, private=True)]
    text = t.gettext(
        "Ticket #{number} answered: the member gets your answer privately on {platform}.",
        number=ticket.id,
        platform=member.platform,
    )
    return [Reply(text, buttons=draft_buttons(t, ctx.services, ticket), private=True)]


async def answer_ticket(
    session: AsyncSession, services: Services, ticket: Ticket, answer: str, author: str
) -> Member | None:
    """Store an organizer's answer and queue it for the member, privately, on their platform
    (from chat or the dashboard); None when the member can no longer be reached."""
    member = await session.get(Member, ticket.member_id)
    if member is None or member.private_chat_id is None:
        return None
    now = services.clock.now()
    # The member reads the answer in the language it was written in, framed the same way.
    language = detect_language(answer) or ticket.language
    await send_to_member(
        session,
        services,
        ticket,
        member,
        language,  # type: ignore[arg-type]
        ticket.question,
        answer,
    )
    if ticket.answered_at is None:
        TICKET_ANSWER_SECONDS.observe((now - ticket.created_at).total_seconds())
    TicketRepository(session).answered(ticket, answer, author, now)
    TICKETS.labels("answered").inc()
    return member


@router.command(
    "close",
    N_("Close a ticket: /close <number> (organizers)"),
    organizer_only=True,
    argument=Argument("ticket", N_("The ticket's number"), required=True),
)
async def close(ctx: Context) -> Replies:
    number = ctx.incoming.args.strip().lstrip("#")
    ticket = await TicketRepository(ctx.session).get(int(number)) if number.isdigit() else None
    if ticket is None:
        text = ctx.t.gettext("Write the ticket's number: /close 12.")
        return [Reply(text if not number.isdigit() else _no_ticket(ctx, number), private=True)]
    ticket.status = CLOSED
    text = ctx.t.gettext(
        "Ticket #{number} closed; a reply from the member opens it again.", number=ticket.id
    )
    return [Reply(text, private=True)]


@router.button(FOLLOW_UP)
async def follow_up_pressed(ctx: Context) -> Replies:
    ticket = await _pressed_ticket(ctx)
    if ticket is None or ticket.member_id != ctx.member.id:
        return [Reply(ctx.t.gettext("There is no such ticket."), private=True)]
    await ConversationRepository(ctx.session).start(
        ctx.member.id, FOLLOW_UP, "text", str(ticket.id), ctx.services.clock.now()
    )
    return [_follow_up_prompt(ctx, ticket)]


@router.conversation_prompt(FOLLOW_UP)
async def follow_up_prompt_again(ctx: Context) -> Replies:
    ticket = await _ticket_waited_on(ctx)
    return [_follow_up_prompt(ctx, ticket)] if ticket is not None else []


def _follow_up_prompt(ctx: Context, ticket: Ticket) -> Reply:
    text = ctx.t.gettext(
        "Write your reply about ticket #{number} (/skip to leave it); the organizers get it.",
        number=ticket.id,
    )
    return Reply(text, private=True)


@router.conversation(FOLLOW_UP, free_text=True)
async def follow_up_written(ctx: Context) -> Replies:
    ticket = await _ticket_waited_on(ctx, done=True)
    text = ctx.incoming.text.strip()
    if ticket is None or not text:
        return [Reply(ctx.t.gettext("Nothing was sent."), private=True)]
    if len(ticket.question) + len(text) > MAX_QUESTION_CHARACTERS * 3:
        return [
            Reply(ctx.t.gettext("That reply is too long; please write it shorter."), private=True)
        ]
    # The ticket keeps the whole exchange; the member's reply opens it again.
    ticket.question = f"{ticket.question}{FOLLOW_UP_MARK}{text}"
    ticket.status = OPEN
    await _tell_organizers(ctx, ticket)
    TICKETS.labels("reopened").inc()
    text = ctx.t.gettext(
        "Ticket #{number} is open again: the organizers have your reply.", number=ticket.id
    )
    return [Reply(text, private=True)]


def _no_ticket(ctx: Context, number: str) -> str:
    return ctx.t.gettext("There is no ticket #{number}.", number=number)
