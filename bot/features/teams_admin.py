"""/teams: what organizers see of teams (counts per track, solo registrants, a CSV file)."""

from __future__ import annotations

from collections import Counter

from bot.core.context import Context
from bot.core.router import Replies, Router
from bot.export import teams_csv
from bot.i18n import N_
from bot.messages import Attachment, Reply
from bot.storage.teams import TeamRepository

router = Router()


@router.command(
    "teams",
    N_("Teams per track and solo registrants, with the teams as CSV (organizers)"),
    organizer_only=True,
)
async def teams(ctx: Context) -> Replies:
    t, repository = ctx.t, TeamRepository(ctx.session)
    rosters = await repository.all_rosters()
    registered = Counter(r.team.track for r in rosters if r.team.registered_at is not None)
    forming = Counter(r.team.track for r in rosters if r.team.registered_at is None)
    people = Counter()
    for roster in rosters:
        people[roster.team.track] += len(roster.members)
    solos = dict(await repository.solo_registrants())
    lines = [
        t.gettext("Teams per track (registered + forming; members in teams; solo registrants):")
    ]
    for track in ctx.services.contest.tracks:
        lines.append(
            t.gettext(
                "• {track}: {registered} + {forming} teams; {people} in teams; {solos} solo",
                track=t.pick(track.name.as_dict()),
                registered=registered[track.key],
                forming=forming[track.key],
                people=people[track.key],
                solos=solos.get(track.key, 0),
            )
        )
    if forming[None]:
        lines.append(t.gettext("Teams without a track yet: {count}", count=forming[None]))
    content, count = await teams_csv(ctx.session)
    stamp = ctx.services.clock.now().strftime("%Y%m%d-%H%M")
    lines.append(t.gettext("{count} teams in the attached file.", count=count))
    attachment = Attachment(f"teams-{stamp}.csv", content, "text/csv")
    return [Reply("\n".join(lines), attachment=attachment, private=True)]
