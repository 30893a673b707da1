"""Members are stored on SQLite and PostgreSQL alike, and survive a restart of the bot."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, inspect, select

from bot.config import Settings
from bot.runtime import start_core
from bot.storage.database import Database
from bot.storage.members import MemberRepository
from bot.storage.models import Member as MemberRow
from tests.conftest import ManualClock, Member, only_text


async def test_migrations_create_the_schema_and_can_run_twice(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    try:
        await database.upgrade()
        await database.upgrade()
        async with database.engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        assert {"members", "alembic_version"} <= set(tables)
    finally:
        await database.close()


async def test_member_is_created_once_and_updated_on_each_visit(
    database_url: str, clock: ManualClock
) -> None:
    database = Database(database_url)
    await database.upgrade()
    try:
        first_seen = clock.now()
        async with database.session() as session:
            await MemberRepository(session).seen("telegram", "7", "Ada", "en", first_seen)
        clock.advance(timedelta(hours=3))
        async with database.session() as session:
            member = await MemberRepository(session).seen(
                "telegram", "7", "Ada L.", "zh-hans", clock.now()
            )
        assert member.first_seen == first_seen
        assert member.last_seen == clock.now()
        assert member.display_name == "Ada L." and member.locale_hint == "zh-hans"
        async with database.session() as session:
            count = await session.scalar(select(func.count()).select_from(MemberRow))
        assert count == 1
    finally:
        await database.close()


async def test_a_private_chat_makes_a_member_reachable_and_a_group_message_keeps_it(
    database_url: str, clock: ManualClock
) -> None:
    database = Database(database_url)
    await database.upgrade()
    try:
        async with database.session() as session:
            member = await MemberRepository(session).seen(
                "telegram", "8", "Lin", "zh", clock.now(), private_chat_id="8"
            )
        assert member.private_chat_id == "8" and member.reachable
        member.reachable = False  # a send found them gone…
        async with database.session() as session:
            session.add(member)
        async with database.session() as session:  # …then they write in a group
            member = await MemberRepository(session).seen("telegram", "8", "Lin", "zh", clock.now())
        assert member.private_chat_id == "8" and not member.reachable
        async with database.session() as session:  # and again in private: reachable again
            member = await MemberRepository(session).seen(
                "telegram", "8", "Lin", "zh", clock.now(), private_chat_id="8"
            )
        assert member.reachable
    finally:
        await database.close()


async def test_simultaneous_first_messages_create_one_member(
    database_url: str, clock: ManualClock
) -> None:
    database = Database(database_url)
    await database.upgrade()
    try:

        async def visit() -> None:
            async with database.session() as session:
                await MemberRepository(session).seen("discord", "99", "Bo", None, clock.now())

        await asyncio.gather(*(visit() for _ in range(8)))
        async with database.session() as session:
            count = await session.scalar(select(func.count()).select_from(MemberRow))
        assert count == 1
    finally:
        await database.close()


async def test_chosen_language_survives_a_restart(
    database_url: str, settings: Settings, clock: ManualClock
) -> None:
    config = settings.model_copy(update={"database_url": database_url})
    core = await start_core(config, clock)
    await Member(core).says("/lang zh")
    await core.services.database.close()

    restarted = await start_core(config, clock)
    try:
        assert "命令" in only_text(await Member(restarted).says("/help"))
    finally:
        await restarted.services.database.close()


async def test_migrations_match_the_models(empty_database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.storage.models import Base

    database = Database(empty_database_url)
    try:
        await database.upgrade()
        async with database.engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
        # APScheduler's own table is not ours to model.
        differences = [d for d in differences if "apscheduler" not in str(d)]
        assert differences == []
    finally:
        await database.close()
