"""Contest facts from contest.toml as text a member reads, and as live knowledge passages.

Deadlines, tracks and prizes change between editions and with organizers' edits, so answers
about them are rendered from contest.toml at the moment of asking (in the asker's timezone),
never from stale prose.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from babel.lists import format_list

from bot.content.models import Contest, Deadline, Prize
from bot.i18n import LANGUAGES, Translator
from bot.knowledge.passages import Passage

CONTEST_DOC = "contest.toml"
LIVE_TOPICS = ("tracks", "prizes", "deadlines", "resources")


def tracks_text(contest: Contest, t: Translator, next_step: bool = False) -> str:
    """The tracks; with `next_step`, how to register interest in one (under /tracks)."""
    lines = [t.gettext("The contest has {count} tracks:", count=len(contest.tracks))]
    for track in contest.tracks:
        lines.append(f"• {t.pick(track.name.as_dict())} — {t.pick(track.description.as_dict())}")
    if next_step:
        lines += ["", t.gettext("/register records your interest in one of them.")]
    return "\n".join(lines)


# English prose spells out small numbers: "one first prize, two second prizes".
_ENGLISH_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _counted(prize: Prize, t: Translator, tracks: int = 1) -> str:
    """ "one first prize", "five third prizes": how members write a count of prizes (of one
    track, or of `tracks` tracks together)."""
    count = prize.per_track * tracks
    if prize.kind is None:
        return t.gettext("{prize} ({count})", count=count, prize=t.pick(prize.name.as_dict()))
    kind = t.pick(prize.kind.as_dict())
    spelled = (
        _ENGLISH_NUMBERS[count] if t.language == "en" and count < len(_ENGLISH_NUMBERS) else count
    )
    if count == 1:
        return t.gettext("{count} {kind} prize", count=spelled, kind=kind)
    return t.gettext("{count} {kind} prizes", count=spelled, kind=kind)


def prizes_text(contest: Contest, t: Translator) -> str:
    if not contest.prizes:
        return t.gettext("The organizers have not announced the prizes yet.")
    separator = t.gettext(", ")
    per_track = sum(prize.per_track for prize in contest.prizes)
    tracks = len(contest.tracks)
    each = t.gettext(
        "Each track ({tracks}) awards {prizes}.",
        tracks=separator.join(t.pick(track.name.as_dict()) for track in contest.tracks),
        prizes=format_list([_counted(prize, t) for prize in contest.prizes], locale=t.locale),
    )
    # contest.toml has no prize money: say so rather than let anyone guess a figure.
    money = t.gettext("The prize money has not been published.")
    space = " " if t.language == "en" else ""
    if tracks == 1:
        return space.join((each, money))
    # "How many second prizes in all?" is asked as often as the grand total.
    totals = t.gettext(
        "That is {per_track} prizes per track and {total} prizes in all across the {count} "
        "tracks: {by_kind}.",
        per_track=per_track,
        total=per_track * tracks,
        count=tracks,
        by_kind=format_list(
            [_counted(prize, t, tracks) for prize in contest.prizes], locale=t.locale
        ),
    )
    return space.join((each, totals, money))


def deadline_line(deadline: Deadline, t: Translator, zone: tzinfo, now: datetime) -> str:
    title = t.pick(deadline.title.as_dict())
    if deadline.at is None:
        known = t.pick(deadline.when.as_dict()) if deadline.when else ""
        return t.gettext(
            "• {title}: {when} — exact time not announced yet", title=title, when=known
        )
    when = t.datetime(deadline.at, zone)
    if deadline.at <= now:
        return t.gettext("• {title}: {when} (closed)", title=title, when=when)
    left = t.time_left(deadline.at - now)
    return t.gettext("• {title}: {when} ({left})", title=title, when=when, left=left)


def deadlines_text(
    deadlines: list[Deadline], t: Translator, zone: tzinfo, zone_name: str, now: datetime
) -> str:
    if not deadlines:
        return t.gettext("No deadlines have been announced yet.")
    ordered = sorted(deadlines, key=lambda d: (d.at is None, d.at or now))
    header = t.gettext("Contest dates (times in {zone}):", zone=zone_name)
    return "\n".join([header, *(deadline_line(d, t, zone, now) for d in ordered)])


def resources_text(contest: Contest, t: Translator) -> str:
    if not contest.resources:
        return t.gettext("No infrastructure resources are listed yet.")
    lines = [t.gettext("Infrastructure offered to developers and creators:")]
    for resource in contest.resources:
        name, description = resource.name.as_dict(), resource.description.as_dict()
        lines.append(f"• {t.pick(name)} — {t.pick(description)}")
    return "\n".join(lines)


def live_heading(topic: str, t: Translator) -> str:
    headings = {
        "tracks": t.gettext("Contest tracks"),
        "prizes": t.gettext("Contest prizes"),
        "deadlines": t.gettext("Contest dates and deadlines"),
        "resources": t.gettext("Infrastructure resources"),
    }
    return headings[topic]


def render_live(
    topic: str,
    contest: Contest,
    t: Translator,
    zone: tzinfo,
    zone_name: str,
    now: datetime,
    deadlines: list[Deadline] | None = None,
) -> str:
    """A live topic's text; `deadlines` are the ones in force (organizers' changes included)."""
    if topic == "tracks":
        return tracks_text(contest, t)
    if topic == "prizes":
        return prizes_text(contest, t)
    if topic == "deadlines":
        known = deadlines_text(
            contest.deadlines if deadlines is None else deadlines, t, zone, zone_name, now
        )
        # The list is the whole of what is known; an answer must not leave that unsaid.
        rest = t.gettext(
            "Any other date (registration or submission deadlines, for example) has not been "
            "announced yet; /deadlines will show it once it is."
        )
        return f"{known}\n\n{rest}"
    return resources_text(contest, t)


def contest_passages(
    contest: Contest, zone: tzinfo, zone_name: str, now: datetime
) -> list[Passage]:
    """The contest facts as passages for the knowledge index, in every language.

    The indexed text is what the member would be shown; `live` makes the answerer render it again
    at answer time in the asker's timezone.
    """
    passages = []
    for language in LANGUAGES:
        t = Translator(language)
        title = t.pick(contest.contest.name.as_dict())
        for position, topic in enumerate(LIVE_TOPICS):
            passages.append(
                Passage(
                    topic=CONTEST_DOC,
                    language=language,
                    position=position,
                    doc=CONTEST_DOC,
                    title=title,
                    heading=live_heading(topic, t),
                    text=render_live(topic, contest, t, zone, zone_name, now),
                    line=0,
                    live=topic,
                )
            )
    return passages
