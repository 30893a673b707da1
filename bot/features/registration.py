"""/register, /myregistrations, /withdraw and /forgetme: a member's interest in contest tracks.

The optional follow-up (team name, one-line idea) is a stored conversation, so a restart in the
middle loses nothing. A command or a question in between is answered, then the step is asked
again; "skip", "跳过" or /skip skip it.
"""

from __future__ import annotations

from bot.content.models import Track
from bot.core.context import Context
from bot.core.router import Argument, ArgumentKind, Replies, Router
from bot.features.subscriptions import calendar_instead
from bot.i18n import N_
from bot.messages import Button, Reply
from bot.storage import web_inbox as _web_inbox  # noqa: F401  (/forgetme erases its messages)
from bot.storage.conversations import ConversationRepository
from bot.storage.erasure import erase_member
from bot.storage.registrations import RegistrationRepository

router = Router()
CONVERSATION = "registration"
TEAM_LIMIT, IDEA_LIMIT = 100, 300
SKIP_WORDS = {"skip", "跳过", "略过", "不填", "pass"}


@router.command(
    "register",
    N_("Register your interest in a contest track"),
    argument=Argument("track", N_("The track"), ArgumentKind.TRACK),
)
async def register(ctx: Context) -> Replies:
    typed = ctx.incoming.args.strip()
    if not typed:
        return [
            Reply(
                ctx.t.gettext("Which track are you interested in?"),
                buttons=_track_buttons(ctx, "register"),
                private=True,  # a registration concerns the member alone
            )
        ]
    track = ctx.services.contest.find_track(typed)
    if track is None:
        return [_unknown_track(ctx, typed)]
    return await _register(ctx, track)


@router.button("register")
async def register_pressed(ctx: Context) -> Replies:
    track = ctx.services.contest.track((ctx.incoming.pressed or "").partition(":")[2])
    if track is None:
        return [_unknown_track(ctx, (ctx.incoming.pressed or "").partition(":")[2])]
    return await _register(ctx, track)


async def _register(ctx: Context, track: Track) -> Replies:
    registrations = RegistrationRepository(ctx.session)
    name = ctx.t.pick(track.name.as_dict())
    if await registrations.find(ctx.member.id, track.key) is not None:
        return [
            Reply(
                ctx.t.gettext(
                    "You are already registered for {track}. /myregistrations "
                    "lists your registrations.",
                    track=name,
                ),
                private=True,
            )
        ]
    await registrations.add(ctx.member.id, track.key, ctx.services.clock.now())
    if not ctx.incoming.is_private:  # follow-up questions belong in a private chat
        return [
            _offer_reminders(
                ctx, track, ctx.t.gettext("You are registered for {track}.", track=name)
            )
        ]
    await ConversationRepository(ctx.session).start(
        ctx.member.id, CONVERSATION, "team", track.key, ctx.services.clock.now()
    )
    text = ctx.t.gettext(
        "You are registered for {track}! Optional: what is your team's name? Write it, or skip.",
        track=name,
    )
    return [Reply(text, buttons=_skip(ctx))]


@router.conversation(CONVERSATION)
async def follow_up_answer(ctx: Context) -> Replies:
    text = ctx.incoming.text.strip()
    return await _follow_up(ctx, "" if text.casefold() in SKIP_WORDS else text)


@router.button("registration")
async def follow_up_skipped(ctx: Context) -> Replies:
    return await _follow_up(ctx, "")


@router.command("skip", N_("Skip the question I am waiting for (team name, idea)"))
async def skip_command(ctx: Context) -> Replies:
    conversations = ConversationRepository(ctx.session)
    conversation = await conversations.get(ctx.member.id)
    if conversation is not None and conversation.kind != CONVERSATION:  # another feature's step
        await conversations.end(ctx.member.id)
        return [Reply(ctx.t.gettext("Skipped: nothing was changed."), private=True)]
    return await _follow_up(ctx, "")


@router.conversation_prompt(CONVERSATION)
async def ask_step_again(ctx: Context) -> Replies:
    conversations = ConversationRepository(ctx.session)
    conversation = await conversations.get(ctx.member.id)
    if conversation is None:
        return []
    registration = await RegistrationRepository(ctx.session).find(
        ctx.member.id, conversation.subject
    )
    if registration is None:  # withdrawn meanwhile: nothing left to ask about
        await conversations.end(ctx.member.id)
        return []
    if conversation.step == "team":
        question = ctx.t.gettext("Still optional: your team's name? Write it, or skip.")
    else:
        question = ctx.t.gettext("And your idea, in one line? Write it, or skip.")
    return [Reply(question, buttons=_skip(ctx))]


def _skip(ctx: Context) -> tuple[Button, ...]:
    return (Button(ctx.t.gettext("Skip"), "registration:skip"),)


async def _follow_up(ctx: Context, answer: str) -> Replies:
    conversations = ConversationRepository(ctx.session)
    conversation = await conversations.get(ctx.member.id)
    if conversation is None or conversation.kind != CONVERSATION:
        return [Reply(ctx.t.gettext("There is nothing to skip. /register starts a registration."))]
    registration = await RegistrationRepository(ctx.session).find(
        ctx.member.id, conversation.subject
    )
    track = ctx.services.contest.track(conversation.subject)
    if registration is None or track is None:  # withdrawn or track gone meanwhile
        await conversations.end(ctx.member.id)
        return [Reply(ctx.t.gettext("That registration no longer exists. /register starts again."))]
    if conversation.step == "team":
        registration.team = answer[:TEAM_LIMIT] or None
        conversation.step, conversation.updated_at = "idea", ctx.services.clock.now()
        question = ctx.t.gettext("And your idea, in one line? Write it, or skip.")
        return [Reply(question, buttons=_skip(ctx))]
    registration.idea = answer[:IDEA_LIMIT] or None
    await conversations.end(ctx.member.id)
    name = ctx.t.pick(track.name.as_dict())
    done = ctx.t.gettext("Your registration for {track} is complete.", track=name)
    return [_offer_reminders(ctx, track, done)]


def _offer_reminders(ctx: Context, track: Track, text: str) -> Reply:
    if not ctx.incoming.gets_reminders:  # the web chat: the calendar instead
        offer = calendar_instead(ctx)
        return Reply(f"{text}\n{offer.text}", buttons=offer.buttons, private=True)
    name = ctx.t.pick(track.name.as_dict())
    question = ctx.t.gettext("Shall I remind you of the deadlines of {track}?", track=name)
    buttons = (
        Button(ctx.t.gettext("Yes, remind me"), f"subscribe:{track.key}"),
        Button(ctx.t.gettext("No, thanks"), "subscribe:none"),
    )
    return Reply(f"{text}\n{question}", buttons=buttons, private=True)


@router.command("myregistrations", N_("The tracks you registered for"))
async def my_registrations(ctx: Context) -> Replies:
    registrations = await RegistrationRepository(ctx.session).of_member(ctx.member.id)
    if not registrations:
        return [
            Reply(
                ctx.t.gettext("You have not registered for a track yet. /register does it."),
                private=True,
            )
        ]
    lines = [ctx.t.gettext("Your registrations:")]
    for registration in registrations:
        line = f"• {_track_name(ctx, registration.track)}"
        if registration.team:
            line += " — " + ctx.t.gettext("team: {team}", team=registration.team)
        if registration.idea:
            line += " — " + ctx.t.gettext("idea: {idea}", idea=registration.idea)
        lines.append(line)
    return [Reply("\n".join(lines), private=True)]


@router.command(
    "withdraw",
    N_("Withdraw a registration"),
    argument=Argument("track", N_("The track"), ArgumentKind.TRACK),
)
async def withdraw(ctx: Context) -> Replies:
    registrations = await RegistrationRepository(ctx.session).of_member(ctx.member.id)
    if not registrations:
        return [Reply(ctx.t.gettext("You have no registration to withdraw."), private=True)]
    typed = ctx.incoming.args.strip()
    if not typed:
        if len(registrations) > 1:
            buttons = tuple(
                Button(_track_name(ctx, r.track), f"withdraw:{r.track}") for r in registrations
            )
            return [
                Reply(
                    ctx.t.gettext("Which registration do you want to withdraw?"),
                    buttons=buttons,
                    private=True,
                )
            ]
        return [_confirm_withdrawal(ctx, registrations[0].track)]
    track = ctx.services.contest.find_track(typed)
    if track is None:
        return [_unknown_track(ctx, typed)]
    if all(r.track != track.key for r in registrations):
        return [
            Reply(
                ctx.t.gettext(
                    "You are not registered for {track}.", track=ctx.t.pick(track.name.as_dict())
                ),
                private=True,
            )
        ]
    return [_confirm_withdrawal(ctx, track.key)]


@router.button("withdraw")
async def withdraw_pressed(ctx: Context) -> Replies:
    _, _, rest = (ctx.incoming.pressed or "").partition(":")
    key, _, answer = rest.partition(":")
    if ctx.services.contest.track(key) is None:
        return [_unknown_track(ctx, key)]
    if answer == "":
        return [_confirm_withdrawal(ctx, key)]
    if answer != "yes":
        return [Reply(ctx.t.gettext("Nothing changed."), private=True)]
    removed = await RegistrationRepository(ctx.session).withdraw(ctx.member.id, key)
    text = (
        ctx.t.gettext("Your registration for {track} is withdrawn.", track=_track_name(ctx, key))
        if removed
        else ctx.t.gettext("That registration was already withdrawn.")
    )
    return [Reply(text, private=True)]


def _confirm_withdrawal(ctx: Context, key: str) -> Reply:
    question = ctx.t.gettext("Withdraw your registration for {track}?", track=_track_name(ctx, key))
    buttons = (
        Button(ctx.t.gettext("Yes, withdraw"), f"withdraw:{key}:yes"),
        Button(ctx.t.gettext("Keep it"), f"withdraw:{key}:no"),
    )
    return Reply(question, buttons=buttons, private=True)


@router.command("forgetme", N_("Erase everything the bot stores about you"))
async def forget_me(ctx: Context) -> Replies:
    question = ctx.t.gettext(
        "This erases your profile, registrations, reminder subscriptions, delivery records, the "
        "questions you asked, your tickets and votes, your place in a team, and our recent "
        "conversation. Continue?"
    )
    buttons = (
        Button(ctx.t.gettext("Yes, erase everything"), "forgetme:yes"),
        Button(ctx.t.gettext("Cancel"), "forgetme:no"),
    )
    return [Reply(question, buttons=buttons, private=True)]


@router.button("forgetme")
async def forget_me_pressed(ctx: Context) -> Replies:
    if ctx.incoming.pressed != "forgetme:yes":
        return [Reply(ctx.t.gettext("Nothing was erased."), private=True)]
    erased = await erase_member(ctx.session, ctx.member)
    text = ctx.t.gettext(
        "Erased: your profile, {registrations} registrations, {subscriptions} reminder "
        "subscriptions, {deliveries} delivery records, {questions} questions, {tickets} tickets, "
        "your votes and our conversation. If you write again, I start afresh.",
        registrations=erased["registrations"],
        subscriptions=erased["subscriptions"],
        deliveries=erased["deliveries"],
        questions=erased["answers"],
        tickets=erased["tickets"],
    )
    return [Reply(text, private=True)]


def _track_buttons(ctx: Context, prefix: str) -> tuple[Button, ...]:
    return tuple(
        Button(ctx.t.pick(t.name.as_dict()), f"{prefix}:{t.key}")
        for t in ctx.services.contest.tracks
    )


def _track_name(ctx: Context, key: str) -> str:
    track = ctx.services.contest.track(key)
    return ctx.t.pick(track.name.as_dict()) if track else key


def _unknown_track(ctx: Context, typed: str) -> Reply:
    names = ctx.t.gettext(", ").join(
        f"{ctx.t.pick(t.name.as_dict())} ({t.key})" for t in ctx.services.contest.tracks
    )
    return Reply(
        ctx.t.gettext(
            "There is no track “{typed}”. The tracks are: {tracks}.", typed=typed[:50], tracks=names
        ),
        private=True,
    )
