"""The teammate finder: /lookingfor (a profile), /findteam (people and teams, on pages) and
introductions relayed by the bot.

Nobody's handle is shown without their consent: "Contact" sends the other side an introduction
with Accept, Decline and Block & report buttons, and only an accepted one gives each side the
other's handle (Telegram @username, Discord @name). A declined or blocked one reveals nothing.
Introductions are limited per member per day (BOT_CONTACT_REQUESTS_PER_DAY).
"""

from __future__ import annotations

import re

from bot.content.models import Contest
from bot.core.context import Context
from bot.core.router import Argument, ArgumentKind, Replies, Router
from bot.features.notify import display_name, tell
from bot.features.registration import SKIP_WORDS
from bot.i18n import N_, Translator, parse_language
from bot.messages import Button, Reply
from bot.outbox.direct import organizer_chats, send_later, tell_member
from bot.storage.conversations import ConversationRepository
from bot.storage.finder import (
    ACCEPTED,
    BLOCKED,
    DAY,
    DECLINED,
    PENDING,
    ContactRepository,
    ProfileRepository,
    open_teams,
)
from bot.storage.models import Member, Team, TeammateProfile
from bot.storage.teams import TeamRepository

router = Router()
PROFILE, FIND, CONTACT, ANSWER = "lookingfor", "findteam", "contact", "contactreply"
PAGE_SIZE = 5
OTHER_SKILLS_LIMIT, ROLE_LIMIT = 200, 200
_SEPARATORS = re.compile(r"[,，、;；/\n]+")
_ANY_TRACK = {"any", "all", "任意", "都可以", "不限", "随便"}
_BOTH = {"both", "all", "都", "都可以", "两种", "中英", "中英文", "双语"}


# --- the profile ----------------------------------------------------------------------------------


@router.command(
    PROFILE,
    N_("Tell others you are looking for a team or teammates (off: hide it)"),
    argument=Argument(
        "choice", N_("“off” hides your profile"), ArgumentKind.CHOICE, (("off", N_("hide it")),)
    ),
)
async def looking_for(ctx: Context) -> Replies:
    t, typed = ctx.t, ctx.incoming.args.strip().casefold()
    if typed in ("off", "关闭", "隐藏"):
        profile = await ProfileRepository(ctx.session).get(ctx.member.id)
        if profile is not None:
            profile.visible = False
        return [_private(t.gettext("Your profile is hidden: /findteam no longer shows you."))]
    if typed:
        return [
            _private(t.gettext("/lookingfor asks you step by step; /lookingfor off hides you."))
        ]
    if not ctx.incoming.is_private:
        # Introductions come privately: a profile needs a private chat with the bot.
        return [
            _private(
                t.gettext(
                    "Set your profile in a private chat with me: introductions reach you there."
                )
            )
        ]
    await ConversationRepository(ctx.session).start(
        ctx.member.id, PROFILE, "track", "", ctx.services.clock.now()
    )
    current = await ProfileRepository(ctx.session).get(ctx.member.id)
    if current is None:
        return [_ask_track(ctx)]
    shown = t.gettext("shown") if current.visible else t.gettext("hidden")
    summary = describe_profile(t, ctx.services.contest, current)
    before = t.gettext("Your profile now ({state}):", state=shown) + f"\n{summary}\n"
    return [_ask_track(ctx, before)]


@router.button(PROFILE)
async def profile_pressed(ctx: Context) -> Replies:
    """lookingfor:track:<key|any> · lookingfor:lang:<zh|en|zh,en> · lookingfor:skip"""
    _, _, rest = (ctx.incoming.pressed or "").partition(":")
    action, _, value = rest.partition(":")
    conversation = await ConversationRepository(ctx.session).get(ctx.member.id)
    if conversation is None or conversation.kind != PROFILE:
        return [_private(ctx.t.gettext("That step is over. /lookingfor starts again."))]
    if action == "track" and conversation.step == "track":
        return await _set_track(ctx, value)
    if action == "lang" and conversation.step == "languages":
        return await _set_languages(ctx, value)
    if action == "skip":
        return await _step_answered(ctx, conversation.step, "")
    return await ask_step_again(ctx)


@router.conversation(PROFILE)
async def profile_answer(ctx: Context) -> Replies:
    conversation = await ConversationRepository(ctx.session).get(ctx.member.id)
    if conversation is None:
        return []
    text = ctx.incoming.text.strip()
    return await _step_answered(
        ctx, conversation.step, "" if text.casefold() in SKIP_WORDS else text
    )


@router.conversation_prompt(PROFILE)
async def ask_step_again(ctx: Context) -> Replies:
    conversation = await ConversationRepository(ctx.session).get(ctx.member.id)
    if conversation is None:
        return []
    asks = {"track": _ask_track, "skills": _ask_skills, "languages": _ask_languages}
    return [asks.get(conversation.step, _ask_role)(ctx)]


async def _step_answered(ctx: Context, step: str, text: str) -> Replies:
    if step == "track":
        if not text:
            return await _set_track(ctx, "any")
        track = ctx.services.contest.find_track(text)
        if track is None and text.casefold() not in _ANY_TRACK:
            return [_ask_track(ctx, ctx.t.gettext("I don't know that track."))]
        return await _set_track(ctx, track.key if track else "any")
    if step == "skills":
        return await _set_skills(ctx, text)
    if step == "languages":
        if not text or text.casefold() in _BOTH:
            return await _set_languages(ctx, "zh,en")
        language = parse_language(text)
        if language is None:
            return [_ask_languages(ctx)]
        return await _set_languages(ctx, language)
    return await _set_role(ctx, text)


async def _set_track(ctx: Context, key: str) -> Replies:
    profile = await _profile(ctx)
    profile.track = key if ctx.services.contest.track(key) else None
    await _next_step(ctx, "skills")
    return [_ask_skills(ctx)]


async def _set_skills(ctx: Context, text: str) -> Replies:
    profile = await _profile(ctx)
    keys, own_words = parse_skills(ctx.services.contest, text)
    profile.skills = ",".join(keys)
    profile.other_skills = ", ".join(own_words)[:OTHER_SKILLS_LIMIT]
    await _next_step(ctx, "languages")
    return [_ask_languages(ctx)]


async def _set_languages(ctx: Context, value: str) -> Replies:
    profile = await _profile(ctx)
    chosen = [language for language in ("zh", "en") if language in value.split(",")]
    profile.languages = ",".join(chosen or ["zh", "en"])
    await _next_step(ctx, "role")
    return [_ask_role(ctx)]


async def _set_role(ctx: Context, text: str) -> Replies:
    profile = await _profile(ctx)
    profile.role = text[:ROLE_LIMIT]
    profile.visible = True
    await ConversationRepository(ctx.session).end(ctx.member.id)
    done = ctx.t.gettext(
        "Your profile is visible in /findteam. /lookingfor changes it; /lookingfor off hides it."
    )
    summary = describe_profile(ctx.t, ctx.services.contest, profile)
    return [_private(f"{done}\n\n{summary}")]


def parse_skills(contest: Contest, text: str) -> tuple[list[str], list[str]]:
    """Skill tags (keys) and the member's own words, from "前端, WebRTC、配乐"."""
    keys: list[str] = []
    own_words: list[str] = []
    for piece in (p.strip() for p in _SEPARATORS.split(text)):
        if not piece:
            continue
        skill = contest.find_skill(piece)
        if skill is None:
            own_words.append(piece)
        elif skill.key not in keys:
            keys.append(skill.key)
    return keys, own_words


def describe_profile(t: Translator, contest: Contest, profile: TeammateProfile) -> str:
    track = contest.track(profile.track or "")
    skills = [
        t.pick(s.name.as_dict()) for k in profile.skills.split(",") if (s := contest.skill(k))
    ]
    if profile.other_skills:
        skills.append(profile.other_skills)
    languages = {"zh": "中文", "en": "English"}
    lines = [
        t.gettext(
            "Track: {track}",
            track=t.pick(track.name.as_dict()) if track else t.gettext("any track"),
        ),
        t.gettext("Skills: {skills}", skills=t.gettext(", ").join(skills) or "—"),
        t.gettext(
            "Languages: {languages}",
            languages=" + ".join(languages[code] for code in profile.languages.split(",") if code),
        ),
    ]
    if profile.role:
        lines.append(t.gettext("Looking for: {role}", role=profile.role))
    return "\n".join(lines)


async def _profile(ctx: Context) -> TeammateProfile:
    profile = await ProfileRepository(ctx.session).get_or_new(
        ctx.member.id, ctx.services.clock.now()
    )
    profile.updated_at = ctx.services.clock.now()
    return profile


async def _next_step(ctx: Context, step: str) -> None:
    await ConversationRepository(ctx.session).start(
        ctx.member.id, PROFILE, step, "", ctx.services.clock.now()
    )


def _ask_track(ctx: Context, before: str = "") -> Reply:
    t = ctx.t
    question = t.gettext("1/4 · Which track do you want to enter?")
    tracks = [
        Button(t.pick(track.name.as_dict()), f"{PROFILE}:track:{track.key}")
        for track in ctx.services.contest.tracks
    ]
    buttons = (*tracks, Button(t.gettext("Any track"), f"{PROFILE}:track:any"))
    return Reply(f"{before}\n{question}".strip(), buttons=buttons, private=True)


def _ask_skills(ctx: Context) -> Reply:
    t = ctx.t
    tags = t.gettext(", ").join(t.pick(s.name.as_dict()) for s in ctx.services.contest.skills)
    question = t.gettext(
        "2/4 · Your skills, separated by commas. Tags I know: {tags}. Anything else is kept in "
        "your own words.",
        tags=tags,
    )
    return Reply(question, buttons=(Button(t.gettext("Skip"), f"{PROFILE}:skip"),), private=True)


def _ask_languages(ctx: Context) -> Reply:
    t = ctx.t
    buttons = (
        Button("中文", f"{PROFILE}:lang:zh"),
        Button("English", f"{PROFILE}:lang:en"),
        Button(t.gettext("Both"), f"{PROFILE}:lang:zh,en"),
    )
    return Reply(t.gettext("3/4 · Which languages do you work in?"), buttons=buttons, private=True)


def _ask_role(ctx: Context) -> Reply:
    t = ctx.t
    question = t.gettext(
        "4/4 · What are you looking for, in one line? (e.g. “a team that needs a designer”, "
        "“a backend developer”)"
    )
    return Reply(question, buttons=(Button(t.gettext("Skip"), f"{PROFILE}:skip"),), private=True)


# --- finding --------------------------------------------------------------------------------------


@router.command(
    FIND,
    N_("People and teams looking for each other: /findteam [track] [skill]"),
    argument=Argument("filters", N_("A track and/or a skill")),
)
async def find_team(ctx: Context) -> Replies:
    contest, typed = ctx.services.contest, ctx.incoming.args.strip()
    track_key, skill_key, own_words = None, None, []
    for word in typed.split() if contest.find_track(typed) is None else [typed]:
        if (track := contest.find_track(word)) is not None:
            track_key = track.key
        elif (skill := contest.find_skill(word)) is not None:
            skill_key = skill.key
        else:
            own_words.append(word)
    return await _results(ctx, track_key, skill_key or " ".join(own_words)[:12] or None, 0)


@router.button(FIND)
async def find_page(ctx: Context) -> Replies:
    """findteam:<page>:<track|->:<skill key or words|->"""
    parts = (ctx.incoming.pressed or "").split(":", 3)
    if len(parts) != 4 or not parts[1].isdigit():
        return [
            _private(ctx.t.gettext("That button no longer works. Please send the command again."))
        ]
    track = None if parts[2] == "-" else parts[2]
    skill = None if parts[3] == "-" else parts[3]
    return await _results(ctx, track, skill, int(parts[1]))


async def _results(ctx: Context, track: str | None, skill: str | None, page: int) -> Replies:
    t, contest = ctx.t, ctx.services.contest
    skill_key = skill if skill and contest.skill(skill) else None
    typed_skill = None if skill_key else skill
    people = await ProfileRepository(ctx.session).matching(
        track, skill_key, typed_skill, ctx.member.id
    )
    teams = (
        await open_teams(ctx.session, track, contest.contest.team_max_size, ctx.member.id)
        if skill is None
        else []
    )
    found: list[tuple[str, str]] = [
        (_team_line(t, contest, team, size), f"{CONTACT}:t:{team.id}") for team, size in teams
    ] + [
        (
            f"{display_name(t, member)} — {describe_profile(t, contest, profile)}".replace(
                "\n", " · "
            ),
            f"{CONTACT}:m:{member.id}",
        )
        for member, profile in people
    ]
    if not found and track is None and skill is None:
        nobody = t.gettext("Nobody else is looking yet. /lookingfor makes you findable.")
        return [_private(nobody)]
    if not found:
        return [
            _private(
                t.gettext(
                    "Nobody matches yet. /lookingfor makes you findable; /findteam without a "
                    "skill shows more."
                )
            )
        ]
    shown = found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if not shown:
        return [_private(t.gettext("There are no more results."))]
    first = page * PAGE_SIZE
    lines = [
        t.gettext(
            "{count} found (people and teams); {first}–{last}:",
            count=len(found),
            first=first + 1,
            last=first + len(shown),
        )
    ]
    lines += [f"{first + n}. {line}" for n, (line, _) in enumerate(shown, start=1)]
    lines.append(
        t.gettext("“Contact” sends an introduction; handles are shared only if they accept.")
    )
    buttons = [
        Button(t.gettext("Contact {number}", number=first + n), payload)
        for n, (_, payload) in enumerate(shown, start=1)
    ]
    if len(found) > first + len(shown):
        buttons.append(
            Button(t.gettext("More"), f"{FIND}:{page + 1}:{track or '-'}:{skill or '-'}")
        )
    return [Reply("\n".join(lines), buttons=tuple(buttons), private=True)]


def _team_line(t: Translator, contest: Contest, team: Team, size: int) -> str:
    track = contest.track(team.track or "")
    text = t.gettext(
        "Team “{team}” ({track}, {size} members)",
        team=team.name,
        track=t.pick(track.name.as_dict()) if track else t.gettext("any track"),
        size=size,
    )
    return f"{text}: {team.idea}" if team.idea else text


# --- introductions --------------------------------------------------------------------------------


@router.button(CONTACT)
async def contact_pressed(ctx: Context) -> Replies:
    """contact:m:<member id> · contact:t:<team id> (the team's captain)"""
    t, now = ctx.t, ctx.services.clock.now()
    _, kind, number = ((ctx.incoming.pressed or "") + "::").split(":")[:3]
    recipient, team = await _recipient(ctx, kind, number)
    if recipient is None:
        return [_private(t.gettext("They are no longer listed. /findteam shows who is."))]
    if recipient.id == ctx.member.id or (team is not None and await _in_team(ctx, team)):
        return [_private(t.gettext("That is you (or your own team)."))]
    if ctx.member.private_chat_id is None:
        return [
            _private(
                t.gettext(
                    "Their answer comes to you privately, so first send me any message in a "
                    "private chat, then press Contact there."
                )
            )
        ]
    contacts = ContactRepository(ctx.session)
    earlier = await contacts.between(ctx.member.id, recipient.id)
    if any(r.status == BLOCKED for r in earlier):
        return [_private(t.gettext("You cannot contact this member."))]
    if any(r.status == PENDING for r in earlier):
        return [_private(t.gettext("You asked already; they have not answered yet."))]
    if any(r.status == ACCEPTED for r in earlier):
        return [_private(t.gettext("You were introduced already: look for my earlier message."))]
    limit = ctx.services.settings.contact_requests_per_day
    if await contacts.sent_since(ctx.member.id, now - DAY) >= limit:
        return [
            _private(
                t.gettext(
                    "You can send {limit} introductions a day; please try again tomorrow.",
                    limit=limit,
                )
            )
        ]
    if recipient.private_chat_id is None:
        return [_private(t.gettext("They cannot receive messages from me yet; try someone else."))]
    request = await contacts.ask(ctx.member.id, recipient.id, team.id if team else None, now)
    profile = await ProfileRepository(ctx.session).get(ctx.member.id)
    requester, contest = ctx.member, ctx.services.contest

    def introduction(theirs: Translator) -> tuple[str, tuple[Button, ...]]:
        text = (
            theirs.gettext(
                "{name} would like to join your team “{team}”.",
                name=display_name(theirs, requester),
                team=team.name,
            )
            if team is not None
            else theirs.gettext(
                "{name} would like to team up with you.", name=display_name(theirs, requester)
            )
        )
        if profile is not None and profile.visible:
            text += "\n" + describe_profile(theirs, contest, profile)
        text += "\n\n" + theirs.gettext(
            "Accept, and you both get each other's contact. Decline, and they learn nothing "
            "about you."
        )
        buttons = (
            Button(theirs.gettext("Accept"), f"{ANSWER}:{request.id}:accept"),
            Button(theirs.gettext("Decline"), f"{ANSWER}:{request.id}:decline"),
            Button(theirs.gettext("Block and report"), f"{ANSWER}:{request.id}:block"),
        )
        return text, buttons

    await tell_member(
        ctx.session,
        recipient,
        introduction,
        now,
        kind="contact",
        default_language=ctx.services.settings.default_language,
    )
    text = t.gettext(
        "I passed your introduction on to {name}. If they accept, you both get each other's "
        "contact here.",
        name=display_name(t, recipient),
    )
    return [_private(text)]


@router.button(ANSWER)
async def answer_pressed(ctx: Context) -> Replies:
    """contactreply:<request id>:accept|decline|block"""
    t, now = ctx.t, ctx.services.clock.now()
    _, number, choice = ((ctx.incoming.pressed or "") + "::").split(":")[:3]
    contacts = ContactRepository(ctx.session)
    request = await contacts.get(int(number)) if number.isdigit() else None
    if request is None or request.recipient_id != ctx.member.id:
        return [_private(t.gettext("That introduction is no longer open."))]
    if request.status != PENDING:
        return [_private(t.gettext("You answered this introduction already."))]
    requester = await ctx.session.get(Member, request.requester_id)
    if requester is None:
        return [_private(t.gettext("That introduction is no longer open."))]
    request.answered_at = now
    me = ctx.member
    if choice == "accept":
        request.status = ACCEPTED
        await tell(
            ctx,
            requester,
            lambda theirs: theirs.gettext(
                "{name} accepted your introduction. Reach them at {contact}.",
                name=display_name(theirs, me),
                contact=contact_of(me, requester.platform, theirs),
            ),
            kind="contact",
        )
        text = t.gettext(
            "Accepted. Reach {name} at {contact}; they got yours.",
            name=display_name(t, requester),
            contact=contact_of(requester, me.platform, t),
        )
        return [_private(text)]
    request.status = BLOCKED if choice == "block" else DECLINED
    # The same words either way: a blocked member is not told that they are blocked.
    await tell(
        ctx,
        requester,
        lambda theirs: theirs.gettext(
            "{name} did not accept your introduction.", name=display_name(theirs, me)
        ),
        kind="contact",
    )
    if choice != "block":
        return [_private(t.gettext("Declined. They learn nothing about you."))]
    await _report_to_organizers(ctx, requester)
    return [
        _private(
            t.gettext("Blocked: they cannot contact you again. The organizers have been told.")
        )
    ]


async def _report_to_organizers(ctx: Context, requester: Member) -> None:
    now, reporter = ctx.services.clock.now(), ctx.member
    for target, language in await organizer_chats(ctx.session, ctx.services.settings):
        t = Translator(language)
        notice = t.gettext(
            "Teammate finder report: {reporter} ({reporter_platform} {reporter_id}) blocked an "
            "introduction from {requester} ({requester_platform} {requester_id}).",
            reporter=display_name(t, reporter),
            reporter_platform=reporter.platform,
            reporter_id=reporter.platform_user_id,
            requester=display_name(t, requester),
            requester_platform=requester.platform,
            requester_id=requester.platform_user_id,
        )
        await send_later(ctx.session, target, notice, now, kind="report", language=language)


def contact_of(member: Member, for_platform: str, t: Translator) -> str:
    """How to reach a member, written (in `t`'s language) for a reader on `for_platform`."""
    if member.platform == "telegram":
        return member.handle or f"tg://user?id={member.platform_user_id}"
    if member.platform == "discord":
        name = member.handle or member.display_name
        return f"<@{member.platform_user_id}> ({name})" if for_platform == "discord" else name
    # A web chat member has no handle anyone could use: say how it goes instead of an id.
    return t.gettext("the bot's web chat, where they have no handle: they got yours and will write")


async def _recipient(ctx: Context, kind: str, number: str) -> tuple[Member | None, Team | None]:
    if not number.isdigit():
        return None, None
    if kind == "t":
        roster = await TeamRepository(ctx.session).roster(int(number))
        if roster is None:
            return None, None
        return roster.captain, roster.team
    profile = await ProfileRepository(ctx.session).get(int(number))
    if profile is None or not profile.visible:
        return None, None
    return await ctx.session.get(Member, int(number)), None


async def _in_team(ctx: Context, team: Team) -> bool:
    roster = await TeamRepository(ctx.session).roster(team.id)
    return roster is not None and roster.has(ctx.member.id)


def _private(text: str) -> Reply:
    return Reply(text, private=True)
