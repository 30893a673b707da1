"""/export and /stats: what organizers see of registrations and subscriptions (privately)."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.core.context import Context
from bot.core.router import Replies, Router
from bot.export import registrations_csv
from bot.i18n import N_
from bot.messages import Attachment, Reply
from bot.storage.answers import AnswerRepository
from bot.storage.models import Member
from bot.storage.registrations import RegistrationRepository, SubscriptionRepository

router = Router()


@router.command(
    "export", N_("Registrations as a CSV file, sent privately (organizers)"), organizer_only=True
)
async def export(ctx: Context) -> Replies:
    content, count = await registrations_csv(ctx.session)
    stamp = ctx.services.clock.now().strftime("%Y%m%d-%H%M")
    attachment = Attachment(f"registrations-{stamp}.csv", content, "text/csv")
    text = ctx.t.gettext("{count} registrations.", count=count)
    return [Reply(text, attachment=attachment, private=True)]


@router.command(
    "stats", N_("Registrations and subscribers in numbers (organizers)"), organizer_only=True
)
async def stats(ctx: Context) -> Replies:
    session, t = ctx.session, ctx.t
    members = dict(
        (platform, count)
        for platform, count in await session.execute(
            select(Member.platform, func.count()).group_by(Member.platform)
        )
    )
    lines = [t.gettext("Members: {counts}", counts=_joined(members) or "0")]
    lines.append(t.gettext("Registrations per track:"))
    per_track: dict[str, dict[str, int]] = {}
    for track, platform, count in await RegistrationRepository(session).counts():
        per_track.setdefault(track, {})[platform] = count
    for track in ctx.services.contest.tracks:
        counts = per_track.get(track.key, {})
        lines.append(
            f"• {t.pick(track.name.as_dict())}: {sum(counts.values())}"
            + (f" ({_joined(counts)})" if counts else "")
        )
    subscribers = await SubscriptionRepository(session).counts()
    lines.append(
        t.gettext("Reminder subscribers: {counts}", counts=_joined(dict(subscribers)) or "0")
    )
    totals = await AnswerRepository(session).totals()
    if totals:
        paths = _joined({path: count for path, count, _, _ in totals})
        prompt = sum(p for _, _, p, _ in totals)
        completion = sum(c for _, _, _, c in totals)
        lines.append(
            t.gettext(
                "Answers by path: {paths}; LLM tokens: {prompt} prompt, {completion} completion",
                paths=paths,
                prompt=prompt,
                completion=completion,
            )
        )
    return [Reply("\n".join(lines), private=True)]


@router.command(
    "unanswered",
    N_("The questions I could not answer, most frequent first (organizers)"),
    organizer_only=True,
)
async def unanswered(ctx: Context) -> Replies:
    questions = await AnswerRepository(ctx.session).most_unanswered()
    if not questions:
        return [Reply(ctx.t.gettext("No unanswered questions so far."), private=True)]
    lines = [ctx.t.gettext("Unanswered questions (times asked):")]
    lines += [f"{count}× {question}" for question, count in questions]
    lines.append(
        ctx.t.gettext("Add what they ask to content/knowledge/ and run communitybot content check.")
    )
    return [Reply("\n".join(lines), private=True)]


def _joined(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
