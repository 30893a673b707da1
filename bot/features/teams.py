"""/team: contest teams across platforms.

    /team                      your team: members, track, idea, invite code, what you can do
    /team create <name>        a new team with you as captain (its track chosen with buttons)
    /team join <code>          join with the invite code a member gave you
    /team leave                leave (a leaving captain hands the team to the next member)
    /team rename <name>        captain: a new name
    /team idea <text>          captain: the team's idea in one line
    /team remove               captain: take a member out (chosen with buttons)
    /team captain              captain: hand the captaincy to another member
    /team register             captain: register the team for its track, as a team

The other members hear of every change privately, through the outbox. A team's size limit is
`team_max_size` in contest.toml; until the organizers announce one, the bot says none is known.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.context import Context
from bot.core.router import Argument, Replies, Router
from bot.features.notify import display_name, tell
from bot.i18n import N_, Translator
from bot.messages import Button, Reply
from bot.storage.models import Member
from bot.storage.teams import Roster, TeamRepository

router = Router()
BUTTON = "team"
NAME_LIMIT, IDEA_LIMIT = 60, 300
Action = Callable[[Context, str], Awaitable[Replies]]


@router.command(
    "team",
    N_("Your team: create, join, leave, and what a captain does"),
    argument=Argument(
        "action", N_("create <name>, join <code>, leave, rename, idea, remove, captain, register")
    ),
)
async def team(ctx: Context) -> Replies:
    action, _, rest = ctx.incoming.args.strip().partition(" ")
    actions: dict[str, Action] = {
        "": _show,
        "create": _create,
        "join": _join,
        "leave": _leave,
        "rename": _rename,
        "idea": _idea,
        "remove": _remove,
        "captain": _captain,
        "register": _register,
    }
    handler = actions.get(action.casefold())
    if handler is None:
        return [_private(_usage(ctx.t))]
    return await handler(ctx, rest.strip())


@router.button(BUTTON)
async def team_pressed(ctx: Context) -> Replies:
    """team:track:<key> · team:leave:ask|yes · team:remove:<member id> ·
    team:captain:<member id> · team:register"""
    _, _, rest = (ctx.incoming.pressed or "").partition(":")
    action, _, value = rest.partition(":")
    if action == "track":
        return await _choose_track(ctx, value)
    if action == "leave":
        return await _leave(ctx, value)
    if action == "remove":
        return await _remove(ctx, value)
    if action == "captain":
        return await _captain(ctx, value)
    if action == "register":
        return await _register(ctx, "")
    return [_private(_usage(ctx.t))]


# --- a member's own team --------------------------------------------------------------------------


async def _show(ctx: Context, _: str) -> Replies:
    roster = await TeamRepository(ctx.session).of_member(ctx.member.id)
    if roster is None:
        return [
            _private(
                ctx.t.gettext(
                    "You are not in a team. /team create <name> starts one; "
                    "/team join <code> joins one with the code its captain gave you."
                )
            )
        ]
    return [_team_card(ctx, roster)]


async def _create(ctx: Context, name: str) -> Replies:
    if not name:
        return [_private(ctx.t.gettext("Give the team a name: /team create <name>."))]
    if len(name) > NAME_LIMIT:
        return [_private(_too_long(ctx.t, NAME_LIMIT))]
    teams = TeamRepository(ctx.session)
    if (roster := await teams.of_member(ctx.member.id)) is not None:
        return [_private(_already_in(ctx.t, roster))]
    created = await teams.create(name, ctx.member.id, ctx.services.clock.now())
    tracks = ctx.services.contest.tracks
    if len(tracks) == 1:
        created.track = tracks[0].key
    roster = await teams.roster(created.id)
    assert roster is not None
    text = ctx.t.gettext(
        "Team “{name}” is created and you are its captain. Others join with: /team join {code}",
        name=name,
        code=created.invite_code,
    )
    if created.track is None:
        question = ctx.t.gettext("Which track does the team enter?")
        buttons = tuple(
            Button(ctx.t.pick(t.name.as_dict()), f"{BUTTON}:track:{t.key}") for t in tracks
        )
        return [Reply(f"{text}\n{question}", buttons=buttons, private=True)]
    return [_team_card(ctx, roster, text)]


async def _choose_track(ctx: Context, key: str) -> Replies:
    roster, refusal = await _own_team_as_captain(ctx)
    if roster is None:
        return refusal
    track = ctx.services.contest.track(key)
    if track is None:
        return [_private(ctx.t.gettext("That track no longer exists. /team shows your team."))]
    roster.team.track = track.key
    name = ctx.t.pick(track.name.as_dict())
    await _tell_others(
        ctx,
        roster,
        lambda t: t.gettext(
            "Your team “{team}” enters {track}.",
            team=roster.team.name,
            track=t.pick(track.name.as_dict()),
        ),
    )
    done = ctx.t.gettext("“{team}” enters {track}.", team=roster.team.name, track=name)
    return [_team_card(ctx, roster, done)]


async def _join(ctx: Context, code: str) -> Replies:
    if not code:
        return [_private(ctx.t.gettext("Write the team's invite code: /team join <code>."))]
    teams = TeamRepository(ctx.session)
    if (current := await teams.of_member(ctx.member.id)) is not None:
        return [_private(_already_in(ctx.t, current))]
    found = await teams.by_code(code)
    if found is None:
        return [
            _private(
                ctx.t.gettext(
                    "No team has the code “{code}”. Check it with the team's captain.",
                    code=code[:20],
                )
            )
        ]
    roster = await teams.roster(found.id)
    assert roster is not None
    limit = ctx.services.contest.contest.team_max_size
    if limit is not None and len(roster.members) >= limit:
        return [
            _private(
                ctx.t.gettext(
                    "“{team}” is full: a team has at most {limit} members.",
                    team=found.name,
                    limit=limit,
                )
            )
        ]
    await teams.join(found, ctx.member.id, ctx.services.clock.now())
    name = display_name(ctx.t, ctx.member)
    await _tell_others(
        ctx,
        roster,
        lambda t: t.gettext("{name} joined your team “{team}”.", name=name, team=roster.team.name),
    )
    joined = await teams.roster(found.id)
    assert joined is not None
    return [_team_card(ctx, joined, ctx.t.gettext("You joined “{team}”.", team=found.name))]


async def _leave(ctx: Context, answer: str) -> Replies:
    teams = TeamRepository(ctx.session)
    roster = await teams.of_member(ctx.member.id)
    if roster is None:
        return [_private(ctx.t.gettext("You are not in a team."))]
    if answer != "yes":
        question = ctx.t.gettext("Leave “{team}”?", team=roster.team.name)
        if roster.captain is not None and roster.captain.id == ctx.member.id:
            question += " " + ctx.t.gettext("The next member becomes captain.")
        button = Button(ctx.t.gettext("Yes, leave"), f"{BUTTON}:leave:yes")
        return [Reply(question, buttons=(button,), private=True)]
    successor = await teams.leave(roster, ctx.member.id)
    name = display_name(ctx.t, ctx.member)
    remaining = Roster(roster.team, [(m, p) for m, p in roster.members if m.id != ctx.member.id])

    def told(t: Translator) -> str:
        text = t.gettext("{name} left your team “{team}”.", name=name, team=roster.team.name)
        if successor is not None:
            text += " " + t.gettext("{name} is now captain.", name=display_name(t, successor))
        return text

    await _tell_others(ctx, remaining, told)
    if not remaining.members:
        return [
            _private(
                ctx.t.gettext(
                    "You left “{team}”; it had no one else, so it is dissolved.",
                    team=roster.team.name,
                )
            )
        ]
    return [_private(ctx.t.gettext("You left “{team}”.", team=roster.team.name))]


# --- what a captain does --------------------------------------------------------------------------


async def _rename(ctx: Context, name: str) -> Replies:
    roster, refusal = await _own_team_as_captain(ctx)
    if roster is None:
        return refusal
    if not name:
        return [_private(ctx.t.gettext("Write the new name: /team rename <name>."))]
    if len(name) > NAME_LIMIT:
        return [_private(_too_long(ctx.t, NAME_LIMIT))]
    old, roster.team.name = roster.team.name, name
    await _tell_others(
        ctx, roster, lambda t: t.gettext("Your team “{old}” is now “{new}”.", old=old, new=name)
    )
    return [_private(ctx.t.gettext("Your team is now “{new}”.", new=name))]


async def _idea(ctx: Context, idea: str) -> Replies:
    roster, refusal = await _own_team_as_captain(ctx)
    if roster is None:
        return refusal
    if not idea:
        return [_private(ctx.t.gettext("Write the idea in one line: /team idea <text>."))]
    if len(idea) > IDEA_LIMIT:
        return [_private(_too_long(ctx.t, IDEA_LIMIT))]
    roster.team.idea = idea
    return [_team_card(ctx, roster, ctx.t.gettext("The team's idea is saved."))]


async def _remove(ctx: Context, chosen: str) -> Replies:
    roster, target, replies = await _other_member(
        ctx, chosen, "remove", ctx.t.gettext("Whom do you take out of the team?")
    )
    if roster is None or target is None:
        return replies
    await TeamRepository(ctx.session).leave(roster, target.id)
    team_name = roster.team.name
    await _tell(
        ctx,
        target,
        lambda t: t.gettext("The captain took you out of the team “{team}”.", team=team_name),
    )
    text = ctx.t.gettext(
        "{name} is no longer in “{team}”.", name=display_name(ctx.t, target), team=team_name
    )
    return [_private(text)]


async def _captain(ctx: Context, chosen: str) -> Replies:
    roster, target, replies = await _other_member(
        ctx, chosen, "captain", ctx.t.gettext("Who becomes captain?")
    )
    if roster is None or target is None:
        return replies
    await TeamRepository(ctx.session).hand_over(roster, target.id)
    team_name = roster.team.name
    await _tell(
        ctx, target, lambda t: t.gettext("You are now the captain of “{team}”.", team=team_name)
    )
    text = ctx.t.gettext(
        "{name} is now captain of “{team}”.", name=display_name(ctx.t, target), team=team_name
    )
    return [_private(text)]


async def _other_member(
    ctx: Context, chosen: str, action: str, question: str
) -> tuple[Roster | None, Member | None, Replies]:
    """The captain's own team and the other member `chosen` (a member id from a button); when
    none is chosen yet, the replies that ask with a button per member."""
    roster, refusal = await _own_team_as_captain(ctx)
    if roster is None:
        return None, None, refusal
    others = [m for m, _ in roster.members if m.id != ctx.member.id]
    if not others:
        alone = ctx.t.gettext("You are the only member of “{team}”.", team=roster.team.name)
        return roster, None, [_private(alone)]
    target = next((m for m in others if str(m.id) == chosen), None)
    if target is None:
        buttons = tuple(Button(display_name(ctx.t, m), f"{BUTTON}:{action}:{m.id}") for m in others)
        return roster, None, [Reply(question, buttons=buttons, private=True)]
    return roster, target, []


async def _register(ctx: Context, _: str) -> Replies:
    roster, refusal = await _own_team_as_captain(ctx)
    if roster is None:
        return refusal
    track = ctx.services.contest.track(roster.team.track or "")
    if track is None:
        buttons = tuple(
            Button(ctx.t.pick(t.name.as_dict()), f"{BUTTON}:track:{t.key}")
            for t in ctx.services.contest.tracks
        )
        question = ctx.t.gettext("Choose the team's track first:")
        return [Reply(question, buttons=buttons, private=True)]
    if roster.team.registered_at is not None:
        return [_private(ctx.t.gettext("“{team}” is already registered.", team=roster.team.name))]
    roster.team.registered_at = ctx.services.clock.now()
    await _tell_others(
        ctx,
        roster,
        lambda t: t.gettext(
            "Your captain registered “{team}” for {track}.",
            team=roster.team.name,
            track=t.pick(track.name.as_dict()),
        ),
    )
    text = ctx.t.gettext(
        "“{team}” is registered for {track} as a team.",
        team=roster.team.name,
        track=ctx.t.pick(track.name.as_dict()),
    )
    return [_private(text)]


# --- helpers --------------------------------------------------------------------------------------


def _team_card(ctx: Context, roster: Roster, headline: str = "") -> Reply:
    """The team as its members see it, under `headline` (what just happened), with the buttons
    the reader may press."""
    t, team = ctx.t, roster.team
    track = ctx.services.contest.track(team.track or "")
    lines = [headline, ""] if headline else []
    lines.append(t.gettext("Team “{team}”", team=team.name))
    if track is None:
        lines.append(t.gettext("Track: not chosen yet"))
    elif team.registered_at is None:
        lines.append(
            t.gettext("Track: {track} (not registered yet)", track=t.pick(track.name.as_dict()))
        )
    else:
        lines.append(
            t.gettext("Track: {track} (registered as a team)", track=t.pick(track.name.as_dict()))
        )
    if team.idea:
        lines.append(t.gettext("Idea: {idea}", idea=team.idea))
    limit = ctx.services.contest.contest.team_max_size
    size = (
        t.gettext("Members ({count} of at most {limit}):", count=len(roster.members), limit=limit)
        if limit is not None
        else t.gettext(
            "Members ({count}; no team size limit has been announced):", count=len(roster.members)
        )
    )
    lines.append(size)
    for member, place in roster.members:
        role = " — " + t.gettext("captain") if place.captain else ""
        lines.append(f"• {display_name(t, member)} ({member.platform.capitalize()}){role}")
    lines.append(
        t.gettext("Invite code: {code} (others join with /team join {code})", code=team.invite_code)
    )
    is_captain = roster.captain is not None and roster.captain.id == ctx.member.id
    buttons: list[Button] = []
    if is_captain:
        if track is None:
            buttons += [
                Button(t.pick(tr.name.as_dict()), f"{BUTTON}:track:{tr.key}")
                for tr in ctx.services.contest.tracks
            ]
        elif team.registered_at is None:
            buttons.append(Button(t.gettext("Register the team"), f"{BUTTON}:register"))
        if len(roster.members) > 1:
            buttons.append(Button(t.gettext("Hand over captaincy"), f"{BUTTON}:captain:"))
            buttons.append(Button(t.gettext("Remove a member"), f"{BUTTON}:remove:"))
        lines.append(t.gettext("As captain: /team rename <name> · /team idea <text>"))
    buttons.append(Button(t.gettext("Leave the team"), f"{BUTTON}:leave:ask"))
    return Reply("\n".join(lines), buttons=tuple(buttons), private=True)


async def _own_team_as_captain(ctx: Context) -> tuple[Roster | None, Replies]:
    roster = await TeamRepository(ctx.session).of_member(ctx.member.id)
    if roster is None:
        return None, [_private(ctx.t.gettext("You are not in a team."))]
    if roster.captain is None or roster.captain.id != ctx.member.id:
        return None, [_private(ctx.t.gettext("Only the team's captain can do that."))]
    return roster, []


async def _tell_others(ctx: Context, roster: Roster, text: Callable[[Translator], str]) -> None:
    for member, _ in roster.members:
        if member.id != ctx.member.id:
            await _tell(ctx, member, text)


async def _tell(ctx: Context, member: Member, text: Callable[[Translator], str]) -> None:
    await tell(ctx, member, text, kind="team")


def _already_in(t: Translator, roster: Roster) -> str:
    return t.gettext(
        "You are already in “{team}”. /team shows it; /team leave leaves it first.",
        team=roster.team.name,
    )


def _too_long(t: Translator, limit: int) -> str:
    return t.gettext("That is too long: at most {limit} characters.", limit=limit)


def _usage(t: Translator) -> str:
    return t.gettext(
        "Team commands: /team · /team create <name> · /team join <code> · /team leave · "
        "/team rename <name> · /team idea <text> · /team remove · /team captain · /team register"
    )


def _private(text: str) -> Reply:
    return Reply(text, private=True)
