"""A member who wrote a moment ago is answered without rewriting their row, and nothing they
or an organizer notices changes for it: their choices stick, /forgetme forgets, a replayed
update is still answered once, and another process's change arrives within seconds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from bot.config import Settings
from bot.core.app import Core
from bot.messages import Reply, SendResult, Target
from bot.outbox.worker import DeliveryWorker
from bot.runtime import start_core
from bot.storage.models import HandledUpdate
from bot.storage.models import Member as MemberRow
from bot.storage.recent_members import KEEP_FOR, LAST_SEEN_EVERY
from tests.conftest import ORGANIZER_ID, ManualClock, Member, only_text


@pytest.fixture
async def shared_core(
    database_url: str, settings: Settings, clock: ManualClock
) -> AsyncIterator[Core]:
    core = await start_core(settings.model_copy(update={"database_url": database_url}), clock)
    yield core
    await core.services.database.close()


async def member_row(core: Core, user_id: str) -> MemberRow | None:
    async with core.services.database.session() as session:
        return await session.scalar(select(MemberRow).where(MemberRow.platform_user_id == user_id))


def count_statements(core: Core) -> list[str]:
    """Every SQL statement the core's database runs from now on."""
    statements: list[str] = []
    engine = core.services.database.engine.sync_engine

    @event.listens_for(engine, "before_cursor_execute")
    def record(_connection, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement.split()[0].upper())

    return statements


async def test_a_second_message_writes_only_its_replay_claim(shared_core: Core) -> None:
    ada = Member(shared_core)
    await ada.says("/tracks")
    statements = count_statements(shared_core)
    answer = only_text(await ada.says("/tracks"))
    assert "The contest has 3 tracks" in answer
    # The claim (which also says whether an exchange waits) and nothing else: no member upsert,
    # no separate look-up of a waiting conversation. On a SQLite file the claim has a
    # connection of its own, so the session runs nothing at all.
    claims_apart = shared_core.services.database.update_claims.on_own_connection
    assert statements == ([] if claims_apart else ["INSERT"])
    async with shared_core.services.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(HandledUpdate)) == 2


async def test_many_members_at_once_are_each_answered_once(
    shared_core: Core, database_url: str, settings: Settings, clock: ManualClock
) -> None:
    """New and returning members writing at the same moment, to two processes that both get
    every update (a replaying platform): each update answered exactly once, none lost to a
    locked database (on SQLite the claims' own connection and the sessions share one file)."""
    second = await start_core(settings.model_copy(update={"database_url": database_url}), clock)
    try:
        members = [Member(shared_core, user_id=f"crowd-{n}") for n in range(12)]
        for returning in members[:6]:
            await returning.says("/tracks")
        updates = [member.incoming("/tracks") for member in members]
        answers = await asyncio.gather(
            *(core.handle(update) for update in updates for core in (shared_core, second))
        )
        answered = [only_text(replies) for replies in answers if replies]
        assert len(answered) == len(updates)
        assert all("The contest has 3 tracks" in text for text in answered)
    finally:
        await second.services.database.close()


async def test_a_replayed_update_is_answered_once_also_for_a_remembered_member(
    shared_core: Core,
) -> None:
    ada = Member(shared_core)
    await ada.says("/tracks")
    update = ada.incoming("/tracks")
    assert await shared_core.handle(update)
    assert await shared_core.handle(update) == []


async def test_a_waiting_step_is_found_for_a_remembered_member(shared_core: Core) -> None:
    ada = Member(shared_core)
    await ada.says("/tracks")
    asked = await ada.says("/lookingfor")
    track = next(b.payload for r in asked for b in r.buttons if b.label.startswith("AIGC"))
    await ada.presses(track)  # now a step waits for the skills
    languages = await ada.says("前端, 配乐, Unity")
    assert "Both" in [b.label for r in languages for b in r.buttons]


async def test_changes_stick_and_forgetme_forgets_at_once(shared_core: Core) -> None:
    ada = Member(shared_core)
    await ada.says("/tracks")
    await ada.says("/lang zh")
    assert "赛道" in only_text(await ada.says("/tracks"))

    await ada.says("/forgetme")
    await ada.presses("forgetme:yes")
    assert await member_row(shared_core, ada.user_id) is None
    # Writing again right away makes a new member, in the platform's language again.
    answer = only_text(await ada.says("/tracks"))
    assert "Sorry" not in answer and "赛道" not in answer
    row = await member_row(shared_core, ada.user_id)
    assert row is not None and row.language is None


async def test_last_seen_is_written_in_batches(shared_core: Core, clock: ManualClock) -> None:
    ada = Member(shared_core)
    await ada.says("/tracks")
    first = clock.now()
    clock.advance(timedelta(seconds=10))
    await ada.says("/tracks")
    row = await member_row(shared_core, ada.user_id)
    assert row is not None and row.last_seen == first  # not written for this message…
    clock.advance(LAST_SEEN_EVERY)
    await ada.says("/tracks")
    row = await member_row(shared_core, ada.user_id)
    assert row is not None and row.last_seen == first + timedelta(seconds=10)  # …but soon after


async def test_another_process_change_arrives_once_the_snapshot_expires(
    shared_core: Core, clock: ManualClock
) -> None:
    other_process = await start_core(shared_core.services.settings, clock)
    try:
        here, there = Member(shared_core), Member(other_process)
        await here.says("/tracks")
        await there.says("/lang zh")  # the same person, reaching the second process
        clock.advance(KEEP_FOR + timedelta(seconds=1))
        assert "赛道" in only_text(await here.says("/tracks"))
    finally:
        await other_process.services.database.close()


async def test_a_new_name_is_stored_at_once(shared_core: Core) -> None:
    ada = Member(shared_core)
    await ada.says("/tracks")
    ada.name = "Ada Lovelace"
    await ada.says("/tracks")
    row = await member_row(shared_core, ada.user_id)
    assert row is not None and row.display_name == "Ada Lovelace"
    async with shared_core.services.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(MemberRow)) == 1


async def test_a_member_a_send_found_gone_is_reachable_again_when_they_write(
    shared_core: Core,
) -> None:
    ada = Member(shared_core)
    await ada.says("/tracks")  # remembered, as reachable in this private chat
    organizer = Member(shared_core, user_id=ORGANIZER_ID)
    preview = (await organizer.says("/announce Hello"))[0]
    await organizer.presses(
        next(b.payload for b in preview.buttons if b.payload.endswith(":confirm"))
    )

    async def blocked(_target: Target, _reply: Reply) -> SendResult:
        return SendResult.unreachable("blocked by the user")

    services = shared_core.services
    worker = DeliveryWorker(services.database, {"telegram": blocked}, {}, services.clock)
    while await worker.run_once():
        pass
    row = await member_row(shared_core, ada.user_id)
    assert row is not None and not row.reachable

    await ada.says("/tracks")  # they unblocked the bot and wrote again, a moment later
    row = await member_row(shared_core, ada.user_id)
    assert row is not None and row.reachable


async def test_a_member_who_keeps_writing_still_gets_another_process_change_in_time(
    shared_core: Core, clock: ManualClock
) -> None:
    other_process = await start_core(shared_core.services.settings, clock)
    try:
        here, there = Member(shared_core), Member(other_process)
        await here.says("/tracks")  # the row is read now
        half = KEEP_FOR / 2
        clock.advance(half)
        await here.says("/tracks")  # answered from the snapshot
        await there.says("/lang zh")
        clock.advance(half + timedelta(seconds=1))
        # Writing meanwhile did not make the snapshot younger than its read.
        assert "赛道" in only_text(await here.says("/tracks"))
    finally:
        await other_process.services.database.close()
