"""Members register interest in a track, manage it, and can erase themselves; organizers export
and count. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.core.app import Core
from bot.runtime import start_core
from bot.storage import models
from tests.conftest import ORGANIZER_ID, ManualClock, Member, only_text
from tests.test_config import run_cli


@pytest.fixture
async def live_core(
    database_url: str, settings: Settings, clock: ManualClock
) -> AsyncIterator[Core]:
    core = await start_core(settings.model_copy(update={"database_url": database_url}), clock)
    yield core
    await core.services.database.close()


async def test_member_registers_with_a_button_answers_follow_up_and_subscribes(
    live_core: Core,
) -> None:
    member = Member(live_core, locale="zh-CN", name="小明")
    menu = (await member.says("/register"))[0]
    assert [b.payload for b in menu.buttons] == [
        "register:aigc-tech",
        "register:aigc-app",
        "register:aigc-creative",
    ]
    assert "队" in only_text(await member.presses("register:aigc-app"))
    assert "想法" in only_text(await member.says("声音魔方"))
    done = (await member.says("用AIGC给短视频自动配乐"))[0]
    assert "已完成" in done.text
    assert [b.payload for b in done.buttons] == ["subscribe:aigc-app", "subscribe:none"]
    assert "AIGC应用创新" in only_text(await member.presses("subscribe:aigc-app"))

    mine = only_text(await member.says("/myregistrations"))
    assert "AIGC应用创新" in mine and "声音魔方" in mine and "自动配乐" in mine


async def test_register_by_name_in_either_language_and_refuse_duplicates(live_core: Core) -> None:
    member = Member(live_core)
    assert "registered for AIGC Creative Works" in only_text(
        await member.says("/register creative works")
    )
    await member.presses("registration:skip")
    await member.presses("registration:skip")
    assert "already registered" in only_text(await member.says("/register AIGC创意作品"))
    assert "registered for AIGC Technical Innovation" in only_text(
        await member.says("/register AIGC-TECH")
    )
    async with live_core.services.database.session() as session:
        count = await session.scalar(select(func.count()).select_from(models.Registration))
    assert count == 2


async def test_unknown_track_lists_the_valid_ones(live_core: Core) -> None:
    text = only_text(await Member(live_core).says("/register music"))
    assert "music" in text and "aigc-tech" in text and "aigc-creative" in text
    ambiguous = only_text(await Member(live_core).says("/register AIGC"))  # every track has it
    assert "There is no track" in ambiguous


async def test_a_part_of_one_tracks_name_is_enough(live_core: Core) -> None:
    registered = only_text(await Member(live_core, locale="zh").says("/register 应用"))
    assert registered.startswith("你已登记 AIGC应用创新")


async def test_a_restart_in_the_middle_of_registering_loses_nothing(
    database_url: str, settings: Settings, clock: ManualClock
) -> None:
    config = settings.model_copy(update={"database_url": database_url})
    first = await start_core(config, clock)
    await Member(first).says("/register aigc-tech")
    await first.services.database.close()

    restarted = await start_core(config, clock)
    try:
        member = Member(restarted)
        assert "idea" in only_text(await member.says("Team Rocket"))
        await member.says("Realtime dubbing")
        mine = only_text(await member.says("/myregistrations"))
        assert "Team Rocket" in mine and "Realtime dubbing" in mine
    finally:
        await restarted.services.database.close()


async def test_a_question_or_command_in_the_follow_up_is_answered_and_the_step_asked_again(
    live_core: Core,
) -> None:
    member = Member(live_core)
    await member.says("/register aigc-tech")
    question, again = await member.says("How can I use the cloud desktop?")
    assert "cloud desktop" in question.text.lower() and "Source:" in question.text
    assert "team's name" in again.text and again.buttons[0].payload == "registration:skip"
    tracks, again = await member.says("/tracks")
    assert "AIGC Creative Works" in tracks.text and "team's name" in again.text
    assert "idea" in only_text(await member.says("Team Rocket"))
    done = only_text(await member.says("skip"))
    assert "complete" in done
    mine = only_text(await member.says("/myregistrations"))
    assert "Team Rocket" in mine and "How can I" not in mine
    answer = only_text(await member.says("How many prizes does each track have?"))
    assert "first prize" in answer.lower()  # no step waits any more


async def test_skip_in_words_or_as_a_command(live_core: Core) -> None:
    member = Member(live_core, locale="zh")
    await member.says("/register aigc-app")
    assert "想法" in only_text(await member.says("跳过"))
    assert "已完成" in only_text(await member.says("/skip"))
    assert "没有可跳过" in only_text(await member.says("/skip"))


async def test_withdraw_asks_for_confirmation(live_core: Core) -> None:
    member = Member(live_core)
    assert "no registration" in only_text(await member.says("/withdraw"))
    await member.says("/register aigc-tech")
    confirm = (await member.says("/withdraw"))[0]
    assert [b.payload for b in confirm.buttons] == [
        "withdraw:aigc-tech:yes",
        "withdraw:aigc-tech:no",
    ]
    assert "Nothing changed" in only_text(await member.presses("withdraw:aigc-tech:no"))
    assert "no track" in only_text(await member.presses("withdraw:"))
    assert "withdrawn" in only_text(await member.presses("withdraw:aigc-tech:yes"))
    assert "not registered for a track yet" in only_text(await member.says("/myregistrations"))
    await member.says("/register aigc-tech")
    refused, ask_again = await member.says("/withdraw aigc-app")
    assert "not registered for AIGC Application Innovation" in refused.text
    assert "team's name" in ask_again.text  # the new registration's question still waits


async def test_forgetme_leaves_no_row_of_the_member(live_core: Core) -> None:
    member = Member(live_core, user_id="777")
    other = Member(live_core, user_id="778")
    await other.says("/register aigc-tech")
    await member.says("/register aigc-app")
    await member.presses("subscribe:aigc-app")
    await member.says("/subscribe all")
    await member.says("/register aigc-tech")  # leaves a conversation open
    organizer = Member(live_core, user_id=ORGANIZER_ID)
    preview = (await organizer.says("/announce Hello"))[0]
    await organizer.presses(next(b.payload for b in preview.buttons if "confirm" in b.payload))
    from bot.messages import SendResult
    from bot.outbox.worker import DeliveryWorker

    async def sent(target: object, reply: object) -> SendResult:
        return SendResult.sent("1")

    worker = DeliveryWorker(
        live_core.services.database, {"telegram": sent}, {}, live_core.services.clock
    )
    while await worker.run_once():
        pass

    erase = (await member.says("/forgetme"))[0]
    assert [b.payload for b in erase.buttons] == ["forgetme:yes", "forgetme:no"]
    report = only_text(await member.presses("forgetme:yes"))
    assert "2 registrations" in report and "2 reminder subscriptions" in report

    async with live_core.services.database.session() as session:
        ids = (
            await session.scalars(
                select(models.Member.id).where(models.Member.platform_user_id == "777")
            )
        ).all()
        assert ids == []
        for model in (
            models.Registration,
            models.Subscription,
            models.Delivery,
            models.Conversation,
        ):
            rows = await session.scalar(
                select(func.count())
                .select_from(model)
                .where(model.member_id.not_in(select(models.Member.id)))
            )
            assert rows == 0, model.__name__
        chats = (await session.scalars(select(models.Delivery.chat_id))).all()
        assert "777" not in chats
        assert await session.scalar(select(func.count()).select_from(models.Registration)) == 1


async def test_export_is_a_csv_with_chinese_intact_sent_privately(live_core: Core) -> None:
    await Member(live_core, user_id="1", name="张伟", locale="zh").says("/register aigc-creative")
    await Member(live_core, user_id="1", name="张伟", locale="zh").says("声音魔方团队")
    refusal = only_text(await Member(live_core, user_id="2").says("/export"))
    assert "organizers only" in refusal

    [reply] = await Member(live_core, user_id=ORGANIZER_ID).says("/export")
    assert reply.private and reply.attachment is not None
    assert reply.attachment.filename.endswith(".csv")
    assert reply.attachment.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(reply.attachment.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "platform",
        "user_id",
        "display_name",
        "track",
        "team",
        "idea",
        "registered_at_utc",
    ]
    assert rows[1][:5] == ["telegram", "1", "张伟", "aigc-creative", "声音魔方团队"]


async def test_stats_count_per_track_platform_and_subscribers(live_core: Core) -> None:
    await Member(live_core, user_id="1").says("/register aigc-tech")
    await Member(live_core, user_id="2", platform="discord").says("/register aigc-tech")
    await Member(live_core, user_id="3").says("/subscribe all")
    text = only_text(await Member(live_core, user_id=ORGANIZER_ID).says("/stats"))
    assert "AIGC Technical Innovation: 2 (discord 1, telegram 1)" in text
    assert "all 1" in text


async def test_timezone_is_checked_with_suggestions_and_used_for_deadlines(
    live_core: Core,
) -> None:
    member = Member(live_core)
    reply = only_text(await member.says("/timezone Asia/Shangai"))
    assert "Asia/Shanghai" in reply and "not a timezone" in reply
    assert "America/New_York" in only_text(await member.says("/timezone america/new_york"))
    organizer = Member(live_core, user_id=ORGANIZER_ID)
    await organizer.says("/deadline add submission 2024-09-30 23:59 Submission deadline")
    deadlines = only_text(await member.says("/deadlines"))
    assert "Sep 30, 2024 11:59" in deadlines and "America/New_York" in deadlines


async def test_announcement_to_one_tracks_registrants(live_core: Core) -> None:
    from bot.messages import Reply, SendResult, Target
    from bot.outbox.worker import DeliveryWorker

    await Member(live_core, user_id="1").says("/register aigc-tech")
    await Member(live_core, user_id="2").says("/register aigc-app")
    await Member(live_core, user_id="3").says("hello")
    organizer = Member(live_core, user_id=ORGANIZER_ID)
    preview = (await organizer.says("/announce Tech teams: workshop tomorrow"))[0]
    audience = next(b for b in preview.buttons if b.payload.endswith("audience=track:aigc-tech"))
    assert "AIGC Technical Innovation" in audience.label
    narrowed = (await organizer.presses(audience.payload))[0]
    assert "telegram: 1 members" in narrowed.text.lower()
    await organizer.presses(next(b.payload for b in narrowed.buttons if "confirm" in b.payload))
    received: list[str] = []

    async def send(target: Target, reply: Reply) -> SendResult:
        received.append(target.chat_id)
        return SendResult.sent("1")

    worker = DeliveryWorker(
        live_core.services.database, {"telegram": send}, {}, live_core.services.clock
    )
    while await worker.run_once():
        pass
    assert sorted(received) == ["1", ORGANIZER_ID]  # the registrant, then the summary


async def test_cli_exports_registrations(tmp_path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    run_cli("chat", env={"BOT_DATABASE_URL": database}, stdin="/register aigc-tech\n林\n/quit\n")
    output = tmp_path / "registrations.csv"
    result = run_cli(
        "export", "registrations", "-o", str(output), env={"BOT_DATABASE_URL": database}
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(output.read_bytes().decode("utf-8-sig"))))
    assert rows[1][3] == "aigc-tech" and rows[1][4] == "林"
