"""Organizer announcements through the outbox: each member gets exactly one copy, whatever the
platforms answer and however the workers die."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from bot.config import Settings
from bot.core.app import Core
from bot.messages import ChatKind, ChatRef, Reply, SendResult, Target
from bot.outbox.instances import DeliveryInstance
from bot.outbox.limits import PlatformLimiter, RateLimits
from bot.outbox.worker import DeliveryWorker
from bot.runtime import start_core
from bot.storage.models import Broadcast, Delivery
from bot.storage.models import Member as MemberRow
from tests.conftest import ORGANIZER_ID as ORGANIZER
from tests.conftest import ManualClock, Member, only_text


@dataclass
class RecordingSender:
    """Stands in for an adapter's send(): records every message, answers as told per chat."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    scripted: dict[str, list[SendResult]] = field(default_factory=dict)
    pause_each: bool = False

    async def __call__(self, target: Target, reply: Reply) -> SendResult:
        if self.pause_each:
            await asyncio.sleep(0)  # let other workers and cancellations in
        outcomes = self.scripted.get(target.chat_id)
        result = outcomes.pop(0) if outcomes else SendResult.sent(str(len(self.sent) + 1))
        if result.status.value == "sent":
            self.sent.append((target.chat_id, reply.text))
        return result

    def copies(self) -> Counter[str]:
        return Counter(chat for chat, _ in self.sent)


@pytest.fixture
async def live_core(
    database_url: str, settings: Settings, clock: ManualClock
) -> AsyncIterator[Core]:
    core = await start_core(settings.model_copy(update={"database_url": database_url}), clock)
    yield core
    await core.services.database.close()


async def add_members(core: Core, count: int, platform: str = "telegram", first: int = 1) -> None:
    now = core.services.clock.now()
    rows = [
        {
            "platform": platform,
            "platform_user_id": str(n),
            "display_name": f"m{n}",
            "private_chat_id": str(n),
            "reachable": True,
            "first_seen": now,
            "last_seen": now,
        }
        for n in range(first, first + count)
    ]
    async with core.services.database.session() as session:
        await session.execute(insert(MemberRow), rows)


def worker_for(core: Core, sender: RecordingSender, **options: object) -> DeliveryWorker:
    senders = {"telegram": sender, "discord": sender}
    return DeliveryWorker(core.services.database, senders, {}, core.services.clock, **options)


async def drain(worker: DeliveryWorker) -> None:
    while await worker.run_once():
        pass


async def announce(core: Core, text: str, audience: str | None = None) -> int:
    organizer = Member(core, user_id=ORGANIZER)
    preview = (await organizer.says(f"/announce {text}"))[0]
    assert "Nothing is sent until you confirm" in preview.text
    confirm = next(b.payload for b in preview.buttons if b.payload.endswith(":confirm"))
    number = int(confirm.split(":")[1])
    if audience is not None:
        await organizer.presses(f"broadcast:{number}:audience={audience}")
    await organizer.presses(confirm)
    return number


async def test_one_copy_to_each_of_a_thousand_members_and_a_summary(live_core: Core) -> None:
    await add_members(live_core, 1000)
    sender = RecordingSender()
    number = await announce(live_core, "Registration is open!")

    await drain(worker_for(live_core, sender))

    copies = sender.copies()
    members = {str(n) for n in range(1, 1001)}
    assert {chat for chat in copies if chat in members} == members
    assert all(copies[chat] == 1 for chat in members)
    summary = [text for chat, text in sender.sent if "finished" in text]
    # the organizer, a member too, gets the announcement as well as the summary
    assert len(summary) == 1 and "1001 sent" in summary[0] and f"#{number}" in summary[0]
    report = only_text(await Member(live_core, user_id=ORGANIZER).says("/broadcasts"))
    assert "1001 sent" in report and "Registration is open" in report


async def test_nothing_is_sent_before_confirm_and_cancel_sends_nothing(live_core: Core) -> None:
    await add_members(live_core, 5)
    organizer = Member(live_core, user_id=ORGANIZER)
    preview = (await organizer.says("/announce Draft only"))[0]
    assert "telegram: 6 members" in preview.text.lower()  # five, and the organizer
    sender = RecordingSender()
    await drain(worker_for(live_core, sender))
    assert sender.sent == []
    cancel = next(b.payload for b in preview.buttons if b.payload.endswith(":cancel"))
    assert "nothing was sent" in only_text(await organizer.presses(cancel))
    await drain(worker_for(live_core, sender))
    assert sender.sent == []


async def test_a_member_cannot_announce(live_core: Core) -> None:
    await add_members(live_core, 3)
    refusal = (await Member(live_core, user_id="7").says("/announce Free pizza"))[0]
    assert "organizers only" in refusal.text
    sender = RecordingSender()
    await drain(worker_for(live_core, sender))
    assert sender.sent == []
    async with live_core.services.database.session() as session:
        assert (await session.scalars(select(Broadcast))).all() == []


async def test_retry_after_is_honoured_and_pauses_the_platform(live_core: Core) -> None:
    await add_members(live_core, 3)
    sender = RecordingSender(scripted={"1": [SendResult.wait(30)]})
    limiter = PlatformLimiter(RateLimits(1000))
    worker = DeliveryWorker(
        live_core.services.database,
        {"telegram": sender},
        {"telegram": limiter},
        live_core.services.clock,
    )
    await announce(live_core, "Hello")

    await drain(worker)
    assert sender.sent == []  # the whole platform waits, not just the one chat
    live_core.services.clock.advance(timedelta(seconds=31))
    await drain(worker)
    assert sorted(sender.copies()) == ["1", "2", "3", ORGANIZER]


async def test_blocked_members_are_marked_unreachable_and_not_retried(live_core: Core) -> None:
    await add_members(live_core, 3)
    sender = RecordingSender(scripted={"2": [SendResult.unreachable("blocked by the user")]})
    await announce(live_core, "Hello")
    await drain(worker_for(live_core, sender))
    live_core.services.clock.advance(timedelta(hours=2))
    await drain(worker_for(live_core, sender))

    assert "2" not in sender.copies()
    async with live_core.services.database.session() as session:
        member = await session.scalar(select(MemberRow).where(MemberRow.platform_user_id == "2"))
        delivery = await session.scalar(select(Delivery).where(Delivery.chat_id == "2"))
    assert member is not None and not member.reachable
    assert delivery is not None and delivery.status == "unreachable"
    assert "1 unreachable" in only_text(
        await Member(live_core, user_id=ORGANIZER).says("/broadcasts")
    )


async def test_failed_sends_back_off_then_give_up_with_the_error(live_core: Core) -> None:
    await add_members(live_core, 2)
    flaky = [SendResult.failed("502 Bad Gateway", retryable=True)]
    broken = [SendResult.failed("502 Bad Gateway", retryable=True)] * 10
    sender = RecordingSender(scripted={"1": list(flaky), "2": list(broken)})
    await announce(live_core, "Hello")
    worker = worker_for(live_core, sender)
    for _ in range(8):
        await drain(worker)
        live_core.services.clock.advance(timedelta(hours=1))

    assert sender.copies()["1"] == 1 and "2" not in sender.copies()
    async with live_core.services.database.session() as session:
        gave_up = await session.scalar(select(Delivery).where(Delivery.chat_id == "2"))
    assert gave_up is not None and gave_up.status == "failed" and gave_up.attempts == 5
    assert gave_up.error == "502 Bad Gateway"


async def test_a_killed_worker_loses_nothing(live_core: Core) -> None:
    await add_members(live_core, 300)
    sender = RecordingSender(pause_each=True)
    await announce(live_core, "Hello")
    stopping = asyncio.Event()
    first = worker_for(live_core, sender)
    task = asyncio.create_task(first.run(stopping))
    while len(sender.sent) < 100:  # noqa: ASYNC110 - the worker runs while we yield
        await asyncio.sleep(0)
    task.cancel()  # the process dies mid-way
    with pytest.raises(asyncio.CancelledError):
        await task

    live_core.services.clock.advance(timedelta(minutes=3))  # past the dead worker's lease
    await drain(worker_for(live_core, sender))

    copies = sender.copies()
    assert all(copies[str(n)] >= 1 for n in range(1, 301))
    assert sum(copies[str(n)] for n in range(1, 301)) <= 301  # at most the one in flight


def process_on(core: Core, pid: int, running: set[int]) -> DeliveryInstance:
    """A delivering process of host "box" with that pid; `running` are the pids alive."""
    return DeliveryInstance(
        core.services.database,
        core.services.clock,
        host="box",
        pid=pid,
        running=running.__contains__,
    )


async def test_a_restarted_process_resumes_at_once_and_never_robs_a_live_one(
    live_core: Core,
) -> None:
    await add_members(live_core, 300)
    sender = RecordingSender(pause_each=True)
    await announce(live_core, "Hello")
    running = {101}
    crashed = worker_for(live_core, sender, batch=50, instance=process_on(live_core, 101, running))
    await crashed.start_due_broadcasts()
    await crashed._take_place()
    held = await crashed._claim()  # claimed; the process will die before sending them
    assert len(held) == 50

    # While it lives, another process on the host takes another place, and cannot take those
    # rows: their lease has not run out.
    running.add(202)
    neighbour = process_on(live_core, 202, running)
    assert await neighbour.join() == 0 and neighbour.place == "box/1"
    other = worker_for(live_core, RecordingSender(), instance=neighbour)
    other_claims = await other._claim()
    assert not {row.id for row in other_claims} & {row.id for row in held}
    for row in other_claims:  # give them back for the restarted process
        await other._requeue(row, 0)
    running.discard(101)  # the process dies

    # The crashed process restarts (a new pid): it takes its place back and the rows it held
    # are queued again at once, with no waiting for the lease.
    restarted = process_on(live_core, 303, running | {303})
    assert await restarted.join() == 50 and restarted.place == "box/0"
    await drain(worker_for(live_core, sender, instance=restarted))
    copies = sender.copies()
    assert all(copies[str(n)] == 1 for n in range(1, 301))  # none of them was sent before


async def test_a_live_workers_lease_is_renewed_and_an_expired_one_is_taken(
    live_core: Core,
) -> None:
    await add_members(live_core, 10)
    await announce(live_core, "Hello")
    running = {101, 202}
    alive = process_on(live_core, 101, running)
    holder = worker_for(live_core, RecordingSender(), instance=alive)
    await holder.start_due_broadcasts()
    await holder._take_place()
    held = {row.id for row in await holder._claim()}
    other = worker_for(live_core, RecordingSender(), instance=process_on(live_core, 202, running))
    for _ in range(4):  # a minute passes, the holder's heartbeat renewing its lease
        live_core.services.clock.advance(timedelta(seconds=14))
        await alive.beat()
        assert not {row.id for row in await other._claim()} & held
    live_core.services.clock.advance(timedelta(seconds=16))  # no beat: the lease runs out
    assert {row.id for row in await other._claim()} >= held


async def test_two_workers_never_send_the_same_row(live_core: Core) -> None:
    await add_members(live_core, 600)
    sender = RecordingSender(pause_each=True)
    await announce(live_core, "Hello")
    workers = [worker_for(live_core, sender, batch=10) for _ in range(2)]
    await asyncio.gather(*(drain(worker) for worker in workers))
    await drain(workers[0])
    copies = sender.copies()
    members = [chat for chat in copies if chat != ORGANIZER]  # the organizer gets a summary too
    assert len(members) == 600
    assert max(copies[chat] for chat in members) == 1


async def test_targeting_one_platform_and_the_announcement_channels(live_core: Core) -> None:
    await add_members(live_core, 4, "telegram", first=1)
    await add_members(live_core, 3, "discord", first=101)
    async with live_core.services.database.session() as session:
        # Discord members are written to only when they asked for it (mass DMs get bots banned).
        rows = await session.scalars(select(MemberRow).where(MemberRow.platform_user_id == "101"))
        rows.one().wants_announcements = True
    group = Member(live_core, user_id=ORGANIZER, chat=ChatRef("-900", ChatKind.GROUP))
    await group.says("/announcehere")

    sender = RecordingSender()
    await announce(live_core, "Telegram only", audience="platform:telegram")
    await drain(worker_for(live_core, sender))
    assert sorted(c for c in sender.copies() if c != ORGANIZER) == ["-900", "1", "2", "3", "4"]

    sender.sent.clear()
    await announce(live_core, "To everyone")
    await drain(worker_for(live_core, sender))
    assert sorted(c for c in sender.copies() if c != ORGANIZER) == [
        "-900",
        "1",
        "101",
        "2",
        "3",
        "4",
    ]

    sender.sent.clear()
    await announce(live_core, "Channels", audience="channels")
    await drain(worker_for(live_core, sender))
    assert [c for c in sender.copies() if c != ORGANIZER] == ["-900"]


async def test_scheduled_announcement_fires_at_its_time_and_can_be_cancelled(
    live_core: Core,
) -> None:
    await add_members(live_core, 2)
    clock = live_core.services.clock
    organizer = Member(live_core, user_id=ORGANIZER, locale="en")
    local = (clock.now() + timedelta(hours=2)).astimezone(live_core.services.settings.zone)
    at = local.strftime("%Y-%m-%d %H:%M")
    preview = (await organizer.says(f"/announce --at {at} Final tomorrow"))[0]
    assert "Final tomorrow" in preview.text and "Asia/Shanghai" in preview.text
    await organizer.presses(next(b.payload for b in preview.buttons if "confirm" in b.payload))
    other = (await organizer.says(f"/announce --at {at} Will be cancelled"))[0]
    await organizer.presses(next(b.payload for b in other.buttons if "confirm" in b.payload))
    number = int(other.buttons[0].payload.split(":")[1])
    assert "cancelled" in only_text(await organizer.says(f"/announce cancel {number}"))

    sender = RecordingSender()
    await drain(worker_for(live_core, sender))
    assert sender.sent == []
    clock.advance(timedelta(hours=2, minutes=1))
    await drain(worker_for(live_core, sender))
    texts = [text for chat, text in sender.sent if chat != ORGANIZER]
    assert texts == ["Final tomorrow", "Final tomorrow"]


async def test_bad_announce_arguments_are_explained(live_core: Core) -> None:
    organizer = Member(live_core, user_id=ORGANIZER)
    assert "Usage" in only_text(await organizer.says("/announce"))
    assert "Usage" in only_text(await organizer.says("/announce --at tomorrow hello"))
    assert "already passed" in only_text(await organizer.says("/announce --at 2020-01-01 10:00 x"))
    assert "at most" in only_text(await organizer.says("/announce " + "x" * 5000))
    assert "no announcement #99" in only_text(await organizer.says("/announce cancel 99"))
    assert "Usage" in only_text(await organizer.says("/announce edit"))
    assert "Usage" in only_text(await organizer.says("/announce cancel last"))


async def test_members_opt_out_with_the_button_under_an_announcement(live_core: Core) -> None:
    member = Member(live_core, user_id="7")
    await member.says("hello")  # a private chat makes the member reachable
    sender = RecordingSender()
    received: list[Reply] = []

    async def keep(target: Target, reply: Reply) -> SendResult:
        received.append(reply)
        return await sender(target, reply)

    worker = DeliveryWorker(
        live_core.services.database, {"telegram": keep}, {}, live_core.services.clock
    )
    await announce(live_core, "First")
    await drain(worker)
    opt_out = received[0].buttons[0]
    assert opt_out.label == "Stop announcements"
    assert "no longer receive" in only_text(await member.presses(opt_out.payload))
    await announce(live_core, "Second")
    await drain(worker)
    assert [text for chat, text in sender.sent if chat == "7"] == ["First"]
    assert "will receive" in only_text(await member.says("/subscribe announcements"))
