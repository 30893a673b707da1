"""/welcome on|off: greet the people who join a group or server, batched.

Joins are stored as they come (`members_joined`, called by the adapters); a greeting to the
chat names them all ("Welcome Ann, Bo and 3 others!"), at most one per
BOT_WELCOME_INTERVAL_SECONDS per chat, through the outbox. Whichever process first finds the
interval over claims the chat with one conditional UPDATE, so several processes send one
greeting. Its buttons run a command for the person who presses them: on Telegram they open the
private chat with the bot (a deep link, /start <command>; Ask opens it with /start welcome, a
welcome there that invites the question and offers the same four choices); on Discord the answer
is shown only to them. Nobody is written to privately.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Context, Services
from bot.core.router import Argument, ArgumentKind, Replies, Router
from bot.i18n import N_, Translator
from bot.messages import Button, Reply, Target, UserRef
from bot.outbox.direct import send_later
from bot.storage.models import PendingWelcome, WelcomeChat
from bot.storage.upserts import upsert_insert

router = Router()
NAMED = 3  # names in a greeting before "and N others"
# What the greeting's buttons run; also what "/start <command>" accepts from a deep link.
GREETING_COMMANDS = ("ask", "register", "deadlines", "calendar")
# The deep link of the greeting's Ask button: a question is written in the private chat itself,
# so it opens there with a welcome (/start welcome) rather than with an empty /ask.
PRIVATE_WELCOME = "welcome"
CHOICES = (("on", N_("Greet newcomers here")), ("off", N_("Stop greeting here")))


@router.command(
    "welcome",
    N_("Greet people who join this group or server (organizers)"),
    organizer_only=True,
    argument=Argument("action", N_("Welcomes here: on or off"), ArgumentKind.CHOICE, CHOICES),
)
async def welcome(ctx: Context) -> Replies:
    incoming, t = ctx.incoming, ctx.t
    if incoming.is_private:
        return [
            Reply(t.gettext("Send this in the group or server channel to greet in."), private=True)
        ]
    action = incoming.args.strip().lower() or "on"
    if action not in ("on", "off"):
        return [Reply(t.gettext("Use /welcome on or /welcome off."), private=True)]
    insert = upsert_insert(ctx.session)
    await ctx.session.execute(
        insert(WelcomeChat)
        .values(
            platform=incoming.platform,
            chat_id=incoming.chat.id,
            language=t.language,
            enabled=action == "on",
        )
        .on_conflict_do_update(
            index_elements=["platform", "chat_id"],
            set_={"enabled": action == "on", "language": t.language},
        )
    )
    if action == "off":
        return [Reply(t.gettext("Welcomes are off in this chat."))]
    interval = int(ctx.services.settings.welcome_interval_seconds)
    return [
        Reply(
            t.gettext(
                "Welcomes are on: people who join are greeted here, together, at most once "
                "every {seconds} seconds.",
                seconds=interval,
            )
        )
    ]


async def members_joined(
    services: Services, platform: str, chat_id: str, people: Sequence[UserRef]
) -> None:
    """Note who joined a chat; greet at once if the chat's interval is over."""
    now = services.clock.now()
    async with services.database.session() as session:
        chat = await _chat(session, platform, chat_id)
        if chat is None or not chat.enabled or not people:
            return
        insert = upsert_insert(session)
        await session.execute(
            insert(PendingWelcome)
            .values(
                [
                    {
                        "chat_id": chat.id,
                        "user_id": person.id,
                        "name": (person.display_name or person.handle or "")[:200],
                        "joined_at": now,
                    }
                    for person in people
                ]
            )
            .on_conflict_do_nothing(index_elements=["chat_id", "user_id"])
        )
    await send_due_welcomes(services)


async def send_due_welcomes(services: Services) -> int:
    """Greet every chat whose newcomers wait and whose interval is over; returns how many."""
    now = services.clock.now()
    interval = timedelta(seconds=services.settings.welcome_interval_seconds)
    greeted = 0
    async with services.database.session() as session:
        waiting = await session.scalars(
            select(WelcomeChat).where(
                WelcomeChat.enabled.is_(True),
                WelcomeChat.id.in_(select(PendingWelcome.chat_id)),
                or_(WelcomeChat.last_sent_at.is_(None), WelcomeChat.last_sent_at <= now - interval),
            )
        )
        chats = list(waiting)
    for chat in chats:
        async with services.database.session() as session:
            if await _greet(session, services, chat, now, interval):
                greeted += 1
    return greeted


async def _greet(
    session: AsyncSession, services: Services, chat: WelcomeChat, now: datetime, interval: timedelta
) -> bool:
    claimed = await session.execute(
        update(WelcomeChat)
        .where(
            WelcomeChat.id == chat.id,
            or_(WelcomeChat.last_sent_at.is_(None), WelcomeChat.last_sent_at <= now - interval),
        )
        .values(last_sent_at=now)
    )
    if not claimed.rowcount:
        return False  # another process greets this chat
    newcomers = list(
        await session.scalars(
            select(PendingWelcome)
            .where(PendingWelcome.chat_id == chat.id)
            .order_by(PendingWelcome.joined_at, PendingWelcome.id)
        )
    )
    if not newcomers:
        return False
    await session.execute(delete(PendingWelcome).where(PendingWelcome.chat_id == chat.id))
    t = Translator(chat.language)  # type: ignore[arg-type]
    text, buttons = greeting(t, services, [p.name for p in newcomers])
    await send_later(
        session,
        Target(chat.platform, chat.chat_id),
        text,
        now,
        kind="welcome",
        language=chat.language,
        buttons=buttons,
    )
    return True


def greeting(
    t: Translator, services: Services, names: Sequence[str]
) -> tuple[str, tuple[Button, ...]]:
    shown = [name or t.gettext("a new member") for name in names]
    if len(shown) == 1:
        hello = t.gettext("Welcome {name}!", name=shown[0])
    elif len(shown) <= NAMED:
        hello = t.gettext(
            "Welcome {names} and {last}!", names=t.gettext(", ").join(shown[:-1]), last=shown[-1]
        )
    else:
        hello = t.gettext(
            "Welcome {names} and {count} others!",
            names=t.gettext(", ").join(shown[: NAMED - 1]),
            count=len(shown) - (NAMED - 1),
        )
    community = t.pick(services.contest.contest.community.as_dict())
    intro = t.gettext(
        "I am the bot of the {community}: ask me about the contest, register for a track and "
        "keep the dates in your calendar.",
        community=community,
    )
    return f"{hello}\n{intro}", welcome_buttons(t, in_group=True)


def welcome_buttons(t: Translator, in_group: bool) -> tuple[Button, ...]:
    """Ask, Register, Deadlines, Calendar: under a group's greeting they open the private chat
    where platforms can (Ask with the private welcome), in the private welcome they just run."""
    labels = {
        "ask": t.gettext("Ask"),
        "register": t.gettext("Register"),
        "deadlines": t.gettext("Deadlines"),
        "calendar": t.gettext("Calendar"),
    }
    return tuple(
        Button(
            labels[command],
            f"run:{command}",
            opens_private_chat=in_group,
            start_parameter=PRIVATE_WELCOME if in_group and command == "ask" else None,
        )
        for command in GREETING_COMMANDS
    )


async def _chat(session: AsyncSession, platform: str, chat_id: str) -> WelcomeChat | None:
    return await session.scalar(
        select(WelcomeChat).where(WelcomeChat.platform == platform, WelcomeChat.chat_id == chat_id)
    )
