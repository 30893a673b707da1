"""/pairsolos [track]: the organizers propose groups of a track's solo registrants with
complementary skills; on confirmation each member gets an introduction to accept or decline,
and handles are shared only among the members of a group who accept.

Grouping is greedy and deterministic: as few groups as fit everyone, of even sizes; the
registrant with the most skills starts a group, and each next place goes to whoever adds the
most skills the group lacks (then shares a working language, then registered first). The
confirmation button carries a fingerprint of the proposal: if the solo registrants changed
since, the organizer sees the new one instead.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from bot.content.models import Contest, Track
from bot.core.context import Context
from bot.core.router import Argument, ArgumentKind, Replies, Router
from bot.features.finder import contact_of
from bot.features.notify import display_name, tell
from bot.i18n import N_, Translator
from bot.messages import Button, Reply
from bot.outbox.direct import tell_member
from bot.storage.erasure import erased_with_member
from bot.storage.models import Member, PairingInvite, Registration, TeammateProfile, TeamMembership

erased_with_member("pairing invites", PairingInvite)

router = Router()
PROPOSE, ANSWER = "pairsolos", "pairing"
DEFAULT_GROUP_SIZE = 3


@dataclass(frozen=True, slots=True)
class Solo:
    member: Member
    skills: frozenset[str]
    languages: frozenset[str]
    profile: TeammateProfile | None


def propose_groups(solos: Sequence[Solo], size: int) -> tuple[list[list[Solo]], list[Solo]]:
    """As few groups of at most `size` as fit everyone, their sizes as even as possible (four
    with a size of 3: two pairs, nobody alone); and who is left over (a lone registrant)."""
    waiting = list(solos)  # in registration order
    if len(waiting) < 2:
        return [], waiting
    count = -(-len(waiting) // size)
    sizes = [len(waiting) // count + (1 if n < len(waiting) % count else 0) for n in range(count)]
    groups: list[list[Solo]] = []
    for target in sizes:
        first = max(waiting, key=lambda s: (len(s.skills), -waiting.index(s)))
        group = [first]
        waiting.remove(first)
        while len(group) < target:
            covered = frozenset().union(*(s.skills for s in group))
            spoken = frozenset().union(*(s.languages for s in group))
            best = max(
                waiting,
                key=lambda s: (
                    len(s.skills - covered),
                    bool(s.languages & spoken) or not s.languages,
                    -waiting.index(s),
                ),
            )
            group.append(best)
            waiting.remove(best)
        groups.append(group)
    return groups, waiting


@router.command(
    PROPOSE,
    N_("Propose groups of a track's solo registrants with complementary skills (organizers)"),
    organizer_only=True,
    argument=Argument("track", N_("The track"), ArgumentKind.TRACK),
)
async def pair_solos(ctx: Context) -> Replies:
    contest, t, typed = ctx.services.contest, ctx.t, ctx.incoming.args.strip()
    track = contest.find_track(typed) if typed else None
    if track is None:
        buttons = tuple(
            Button(t.pick(x.name.as_dict()), f"{PROPOSE}:{x.key}") for x in contest.tracks
        )
        return [
            Reply(t.gettext("Pair the solo registrants of which track?"), buttons, private=True)
        ]
    return [await _proposal(ctx, track)]


@router.button(PROPOSE, organizer_only=True)
async def pair_pressed(ctx: Context) -> Replies:
    """pairsolos:<track> · pairsolos:<track>:<fingerprint> (send)"""
    _, track_key, fingerprint = ((ctx.incoming.pressed or "") + "::").split(":")[:3]
    track = ctx.services.contest.track(track_key)
    if track is None:
        return [Reply(ctx.t.gettext("That track no longer exists."), private=True)]
    if not fingerprint:
        return [await _proposal(ctx, track)]
    groups, _, _ = await _groups(ctx, track)
    if _fingerprint(groups) != fingerprint:
        changed = ctx.t.gettext("The solo registrants changed since; here is a new proposal.")
        return [Reply(changed, private=True), await _proposal(ctx, track)]
    invited = await _invite(ctx, track, groups)
    text = ctx.t.gettext(
        "Introductions sent to {count} members in {groups} groups. Each sees the others' handles "
        "only once both have accepted.",
        count=invited,
        groups=len(groups),
    )
    return [Reply(text, private=True)]


async def _proposal(ctx: Context, track: Track) -> Reply:
    t, contest = ctx.t, ctx.services.contest
    groups, left_over, unreachable = await _groups(ctx, track)
    name = t.pick(track.name.as_dict())
    if not groups:
        text = t.gettext(
            "{track} has fewer than two solo registrants I can write to privately; nobody to pair.",
            track=name,
        )
        return Reply(text, private=True)
    lines = [t.gettext("Proposed groups for {track}:", track=name)]
    for number, group in enumerate(groups, start=1):
        lines.append(f"{number}. " + " + ".join(_who(t, contest, solo) for solo in group))
    if left_over:
        lines.append(
            t.gettext(
                "Left over: {names}", names=", ".join(display_name(t, s.member) for s in left_over)
            )
        )
    if unreachable:
        lines.append(
            t.gettext(
                "{count} solo registrants have no private chat with me and are left out.",
                count=unreachable,
            )
        )
    lines.append(t.gettext("Nothing is sent until you confirm."))
    buttons = (
        Button(
            t.gettext("Send the introductions"), f"{PROPOSE}:{track.key}:{_fingerprint(groups)}"
        ),
    )
    return Reply("\n".join(lines), buttons=buttons, private=True)


async def _groups(ctx: Context, track: Track) -> tuple[list[list[Solo]], list[Solo], int]:
    """The proposal for a track: groups, who is left over, how many could not be written to."""
    rows = await ctx.session.execute(
        select(Member, TeammateProfile)
        .join(Registration, Registration.member_id == Member.id)
        .outerjoin(TeammateProfile, TeammateProfile.member_id == Member.id)
        .where(
            Registration.track == track.key,
            Member.id.not_in(select(TeamMembership.member_id)),
        )
        .order_by(Registration.created_at, Registration.id)
    )
    solos, unreachable = [], 0
    for member, profile in rows:
        if member.private_chat_id is None:
            unreachable += 1
            continue
        skills = frozenset(profile.skills.split(",")) - {""} if profile else frozenset()
        languages = frozenset(profile.languages.split(",")) - {""} if profile else frozenset()
        solos.append(Solo(member, skills, languages, profile))
    size = min(ctx.services.contest.contest.team_max_size or DEFAULT_GROUP_SIZE, DEFAULT_GROUP_SIZE)
    groups, left_over = propose_groups(solos, max(size, 2))
    return groups, left_over, unreachable


async def _invite(ctx: Context, track: Track, groups: list[list[Solo]]) -> int:
    now, contest, invited = ctx.services.clock.now(), ctx.services.contest, 0
    for group in groups:
        code = secrets.token_hex(6)
        for solo in group:
            invite = PairingInvite(
                group_code=code, track=track.key, member_id=solo.member.id, created_at=now
            )
            ctx.session.add(invite)
            await ctx.session.flush()
            others = [s for s in group if s is not solo]

            def introduction(
                t: Translator, others: list[Solo] = others, invite_id: int = invite.id
            ) -> tuple[str, tuple[Button, ...]]:
                text = t.gettext(
                    "The organizers suggest you team up for {track} with:",
                    track=t.pick(track.name.as_dict()),
                )
                lines = [text, *(f"• {_who(t, contest, s)}" for s in others)]
                lines.append(
                    t.gettext(
                        "Accept, and you get the contact of each of them who accepts too (and "
                        "they get yours). Decline, and nobody learns anything about you."
                    )
                )
                buttons = (
                    Button(t.gettext("Accept"), f"{ANSWER}:{invite_id}:accept"),
                    Button(t.gettext("Decline"), f"{ANSWER}:{invite_id}:decline"),
                )
                return "\n".join(lines), buttons

            if await tell_member(
                ctx.session,
                solo.member,
                introduction,
                now,
                kind="pairing",
                default_language=ctx.services.settings.default_language,
            ):
                invited += 1
    return invited


@router.button(ANSWER)
async def answer_pressed(ctx: Context) -> Replies:
    """pairing:<invite id>:accept|decline"""
    t = ctx.t
    _, number, choice = ((ctx.incoming.pressed or "") + "::").split(":")[:3]
    invite = await ctx.session.get(PairingInvite, int(number)) if number.isdigit() else None
    if invite is None or invite.member_id != ctx.member.id:
        return [Reply(t.gettext("That introduction is no longer open."), private=True)]
    if invite.status != "pending":
        return [Reply(t.gettext("You answered this introduction already."), private=True)]
    if choice != "accept":
        invite.status = "declined"
        return [Reply(t.gettext("Declined. They learn nothing about you."), private=True)]
    invite.status = "accepted"
    accepted = await ctx.session.execute(
        select(Member)
        .join(PairingInvite, PairingInvite.member_id == Member.id)
        .where(
            PairingInvite.group_code == invite.group_code,
            PairingInvite.status == "accepted",
            PairingInvite.id != invite.id,
        )
    )
    others = [member for (member,) in accepted]
    me = ctx.member
    for other in others:
        await tell(
            ctx,
            other,
            lambda theirs, other=other: theirs.gettext(
                "{name} accepted the organizers' introduction too. Reach them at {contact}.",
                name=display_name(theirs, me),
                contact=contact_of(me, other.platform, theirs),
            ),
            kind="pairing",
        )
    if not others:
        return [
            Reply(
                t.gettext("Accepted. As the others accept, you get their contacts here."),
                private=True,
            )
        ]
    contacts = ", ".join(f"{display_name(t, m)}: {contact_of(m, me.platform, t)}" for m in others)
    text = t.gettext(
        "Accepted. Those who accepted so far: {contacts}. The others' contacts follow as they "
        "accept.",
        contacts=contacts,
    )
    return [Reply(text, private=True)]


def _who(t: Translator, contest: Contest, solo: Solo) -> str:
    skills = [t.pick(s.name.as_dict()) for k in sorted(solo.skills) if (s := contest.skill(k))]
    if solo.profile is not None and solo.profile.other_skills:
        skills.append(solo.profile.other_skills)
    name = display_name(t, solo.member)
    return f"{name} ({t.gettext(', ').join(skills)})" if skills else name


def _fingerprint(groups: list[list[Solo]]) -> str:
    shown = ";".join(",".join(str(s.member.id) for s in group) for group in groups)
    return hashlib.sha256(shown.encode()).hexdigest()[:10]
