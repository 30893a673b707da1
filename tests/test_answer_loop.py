"""The answer loop: members rate answers, hand what the bot could not answer to a person, and an
organizer's answer (on any platform) reaches them privately, on theirs, through the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.core.app import Core
from bot.messages import ChatKind, ChatRef, Target
from bot.runtime import start_core
from bot.storage.models import (
    AnswerVote,
    AnswerWatch,
    Broadcast,
    FaqEntry,
    FaqRevision,
    GivenAnswer,
    Ticket,
)
from tests.conftest import ORGANIZER_ID, ManualClock, Member, Outbox, only_text

DISCORD_ORGANIZER = "77"


async def loop_core(settings: Settings, clock: ManualClock, **changes: object) -> Core:
    organizers = f"telegram:{ORGANIZER_ID},discord:{DISCORD_ORGANIZER}"
    updated = settings.model_copy(update=changes)
    updated = updated.model_copy(
        update={"organizers": frozenset(tuple(o.split(":")) for o in organizers.split(","))}
    )
    return await start_core(updated, clock)


@pytest.fixture
async def loop(settings: Settings, clock: ManualClock, database_url: str) -> AsyncIterator[Core]:
    core = await loop_core(settings, clock, database_url=database_url)
    yield core
    await core.services.database.close()


async def test_an_answer_is_rated_once_per_member_and_the_vote_can_change(loop: Core) -> None:
    member = Member(loop, locale="zh")
    [answer] = await member.says("这次比赛分几个方向啊")
    labels = {b.label: b.payload for b in answer.buttons}
    assert set(labels) == {"登记赛道意向", "有帮助", "没帮助"}  # the tracks: registering is next
    assert "谢谢" in only_text(await member.presses(labels["有帮助"]))
    changed = await member.presses(labels["没帮助"])
    assert [b.label for b in changed[0].buttons] == ["转人工", "有答案时通知我"]
    async with loop.services.database.session() as session:
        [vote] = (await session.scalars(select(AnswerVote))).all()
        given = await session.get(GivenAnswer, vote.given_answer_id)
    assert vote.helpful is False
    assert given is not None and given.question == "这次比赛分几个方向啊"
    assert "AIGC技术创新" in given.answer and "赛道" in given.sources
    assert (given.path, given.language, given.platform) == ("retrieval", "zh", "telegram")


async def test_a_question_asked_on_telegram_is_answered_by_an_organizer_on_discord(
    loop: Core,
) -> None:
    outbox = Outbox()
    organizer = Member(loop, user_id=DISCORD_ORGANIZER, platform="discord", name="Org")
    await organizer.says("/help")  # a private chat: where tickets reach them without a channel
    member = Member(loop, user_id="501", name="Lin")
    opened = only_text(await member.says("/human Can one person enter two tracks?"))
    assert "Ticket #1" in opened
    [(target, notice)] = await outbox.deliver(loop)
    assert target == Target("discord", DISCORD_ORGANIZER)
    assert "Can one person enter two tracks?" in notice.text and "Lin" in notice.text
    [button] = notice.buttons
    assert button.label == "Answer #1"

    answered = only_text(await organizer.says("/reply 1 Yes: one person may enter every track."))
    assert "Ticket #1 answered" in answered and "telegram" in answered
    [(target, message)] = await outbox.deliver(loop)
    assert target == Target("telegram", "501")
    assert "Yes: one person may enter every track." in message.text
    assert "Can one person enter two tracks?" in message.text
    mine = only_text(await member.says("/mytickets"))
    assert "#1 (answered)" in mine and "one person may enter every track" in mine


async def test_the_answer_button_asks_the_organizer_for_the_text(loop: Core) -> None:
    outbox = Outbox()
    member = Member(loop, user_id="502", locale="zh")
    await member.says("/human 作品可以用英文提交吗？")
    organizer = Member(loop, user_id=ORGANIZER_ID)
    prompt = only_text(await organizer.presses("ticket:1"))
    assert "#1" in prompt and "作品可以用英文提交吗？" in prompt
    assert "answered" in only_text(await organizer.says("可以，中英文都可以。"))
    [(target, message)] = await outbox.deliver(loop)
    # The member reads it in the language the organizer wrote it in, framed the same way.
    assert target == Target("telegram", "502")
    assert "主办方回答了你的问题" in message.text and "中英文都可以" in message.text


async def test_new_tickets_go_to_the_organizers_chat_when_one_is_set(
    settings: Settings, clock: ManualClock
) -> None:
    core = await loop_core(settings, clock, telegram_organizer_chat="-100555")
    try:
        await Member(core, user_id="503").says("/human Is there a dress code at the final?")
        [(target, notice)] = await Outbox().deliver(core)
        assert target == Target("telegram", "-100555") and notice.buttons
    finally:
        await core.services.database.close()


async def test_a_dont_know_offers_a_person(loop: Core) -> None:
    member = Member(loop, user_id="504")
    [reply] = await member.says("What colour are the chairs in the zorblax hall?")
    assert "couldn't find" in reply.text
    button, _ = reply.buttons
    assert button.label == "Ask a person"
    assert "Ticket #1" in only_text(await member.presses(button.payload))
    async with loop.services.database.session() as session:
        [ticket] = (await session.scalars(select(Ticket))).all()
    assert ticket.question == "What colour are the chairs in the zorblax hall?"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/reply", "/reply 12"),
        ("/reply twelve Yes", "/reply 12"),
        ("/reply 12", "/reply 12"),
        ("/reply 99 Yes, you can.", "There is no ticket #99"),
    ],
)
async def test_a_wrong_reply_command_is_explained(loop: Core, command: str, expected: str) -> None:
    assert expected in only_text(await Member(loop, user_id=ORGANIZER_ID).says(command))


async def test_members_cannot_answer_tickets(loop: Core) -> None:
    await Member(loop, user_id="505").says("/human Where do I park?")
    stranger = Member(loop, user_id="506")
    assert "organizers only" in only_text(await stranger.says("/reply 1 Anywhere"))
    assert "organizers only" in only_text(await stranger.presses("ticket:1"))


async def test_a_ticket_from_a_group_asks_for_a_private_chat_first(loop: Core) -> None:
    in_group = Member(loop, user_id="507", chat=ChatRef("-100777", ChatKind.GROUP))
    text = only_text(await in_group.says("/human Can I bring a friend?"))
    assert "private chat" in text
    async with loop.services.database.session() as session:
        assert (await session.scalars(select(Ticket))).all() == []


async def test_forgetting_a_member_erases_their_tickets_votes_and_watches(loop: Core) -> None:
    member = Member(loop, user_id="508")
    [answer] = await member.says("Which tracks are there?")
    await member.presses(answer.buttons[-1].payload)
    await member.says("/human What about teams?")
    [dont_know] = await member.says("What colour are the chairs in the zorblax hall?")
    watch = next(b.payload for b in dont_know.buttons if b.label == "Tell me when answered")
    await member.presses(watch)
    await Member(loop, user_id=ORGANIZER_ID).says("/reply 1 Teams of up to five, see you there.")
    async with loop.services.database.session() as session:
        assert len((await session.scalars(select(AnswerWatch))).all()) == 1
        to_member = select(Broadcast).where(Broadcast.text.contains("Teams of up to five"))
        assert (await session.scalars(to_member)).all()  # the answer waits in the outbox
    done = only_text(await member.presses("forgetme:yes"))
    assert "1 tickets" in done
    async with loop.services.database.session() as session:
        for table in (Ticket, AnswerVote, GivenAnswer, AnswerWatch):
            assert (await session.scalars(select(table))).all() == []
        # The message that carried the answer to them went too, not only its delivery row.
        assert (await session.scalars(to_member)).all() == []


async def test_an_organizer_can_skip_answering_and_the_ticket_stays_open(loop: Core) -> None:
    await Member(loop, user_id="509").says("/human Is lunch provided?")
    organizer = Member(loop, user_id=ORGANIZER_ID)
    await organizer.presses("ticket:1")
    assert "nothing was changed" in only_text(await organizer.says("/skip"))
    assert "#1" in only_text(await organizer.says("/tickets"))


async def test_an_answer_published_as_faq_answers_everyone_and_tells_who_waited(
    loop: Core,
) -> None:
    outbox = Outbox()
    question = "Is there parking at the final venue?"
    # A third member asked first, and asked to be told.
    waiting = Member(loop, user_id="601", locale="zh")
    [dont_know] = await waiting.says("决赛场地有停车位吗？")
    assert "没有找到" in dont_know.text
    watch = next(b.payload for b in dont_know.buttons if b.label == "有答案时通知我")
    assert "告诉你" in only_text(await waiting.presses(watch))
    # The first member hands it to a person; an organizer on Discord answers.
    asker = Member(loop, user_id="602")
    [reply] = await asker.says(question)
    ask_person = next(b.payload for b in reply.buttons if b.label == "Ask a person")
    await asker.presses(ask_person)
    organizer = Member(loop, user_id=DISCORD_ORGANIZER, platform="discord")
    await organizer.says("/reply 1 Yes: the park's car park is free for participants.")
    [preview] = await organizer.says("/faq publish 1")
    assert "FAQ #1 published" not in preview.text and "car park is free" in preview.text
    publish = next(b.payload for b in preview.buttons if b.label == "Publish")
    assert "FAQ #1 published" in only_text(await organizer.presses(publish))
    # Without a language model to translate, the organizer adds the Chinese version.
    edited = await organizer.says("/faq edit 1 决赛场地能停车吗？ | 可以，园区停车场对参赛者免费。")
    assert "version 2" in only_text(edited)
    # A second member asks the same in the other language: the FAQ answers, cited.
    [answer] = await Member(loop, user_id="603", locale="zh").says("决赛那里能停车吗？")
    assert "停车场对参赛者免费" in answer.text and "FAQ › 决赛场地能停车吗？" in answer.text
    [english] = await Member(loop, user_id="605").says("can i park my car at the final?")
    assert "car park is free" in english.text and "FAQ › Is there parking" in english.text
    sent = await outbox.deliver(loop)
    told = [reply for target, reply in sent if target == Target("telegram", "601")]
    assert len(told) == 1 and "停车场对参赛者免费" in told[0].text
    assert [t for t, _ in sent].count(Target("telegram", "602")) == 1  # the ticket's answer


async def test_faq_entries_are_versioned_and_retired(loop: Core) -> None:
    organizer = Member(loop, user_id=ORGANIZER_ID)
    await organizer.says("/faq add Can I submit a game? | Yes, if AIGC is at its heart.")
    await organizer.says(
        "/faq edit 1 Can I submit a game? | Yes, games made with AIGC are welcome."
    )
    member = Member(loop, user_id="604")
    assert "games made with AIGC" in (await member.says("Can I submit a game?"))[0].text
    assert "retired" in only_text(await organizer.says("/faq retire 1"))
    assert "games made with AIGC" not in (await member.says("Can I submit a game?"))[0].text
    history = only_text(await organizer.says("/faq history 1"))
    assert "v1 published" in history and "v2 published" in history and "v3 retired" in history


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/faq add only a question", "Use: /faq"),
        ("/faq publish 7", "There is no ticket #7"),
        ("/faq retire 9", "There is no FAQ entry #9"),
        ("/faq frobnicate", "Use: /faq"),
        ("/faq", "No FAQ entries yet"),
    ],
)
async def test_a_wrong_faq_command_is_explained(loop: Core, command: str, expected: str) -> None:
    assert expected in only_text(await Member(loop, user_id=ORGANIZER_ID).says(command))


async def test_another_process_answers_from_an_entry_once_it_follows_the_faq(
    loop: Core, settings: Settings, clock: ManualClock
) -> None:
    from bot.knowledge.build import follow_knowledge

    # A second process on the same database.
    other = await loop_core(settings, clock, database_url=loop.services.settings.database_url)
    try:
        organizer = Member(loop, user_id=ORGANIZER_ID)
        await organizer.says("/faq add Is there a dress code? | No: come as you are.")
        member = Member(other, user_id="606")
        assert "come as you are" not in (await member.says("Is there a dress code?"))[0].text
        assert await follow_knowledge(other.services)
        assert "come as you are" in (await member.says("Is there a dress code?"))[0].text
        assert not await follow_knowledge(other.services)  # nothing changed since
    finally:
        await other.services.database.close()


async def test_an_entry_becomes_a_clarification_through_the_announcement_preview(
    loop: Core,
) -> None:
    outbox = Outbox()
    await Member(loop, user_id="607").says("/start")  # a member the announcement reaches
    organizer = Member(loop, user_id=ORGANIZER_ID)
    await organizer.says("/faq add Can teams mix students and professionals? | Yes, they can.")
    [preview] = await organizer.says("/faq clarify 1")
    assert (
        "Clarification #1" in preview.text and "Nothing is sent until you confirm" in preview.text
    )
    confirm = next(b.payload for b in preview.buttons if b.payload.endswith(":confirm"))
    await organizer.presses(confirm)
    sent = await outbox.deliver(loop)
    to_member = [reply.text for target, reply in sent if target == Target("telegram", "607")]
    assert to_member and "Clarification #1" in to_member[0] and "Yes, they can." in to_member[0]


async def test_tickets_and_votes_are_counted_for_the_metrics(loop: Core) -> None:
    from bot.ops.metrics import REGISTRY

    def value(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    opened, answered = (
        value("bot_tickets_total", event="opened"),
        value("bot_tickets_total", event="answered"),
    )
    timed, unhelpful = (
        value("bot_ticket_answer_seconds_count"),
        value("bot_answer_votes_total", helpful="no"),
    )
    member = Member(loop, user_id="608")
    [answer] = await member.says("Which tracks are there?")
    await member.presses(answer.buttons[-1].payload)
    await member.says("/human Can I join late?")
    await Member(loop, user_id=ORGANIZER_ID).says("/reply 1 Yes, until the deadline.")
    assert value("bot_tickets_total", event="opened") == opened + 1
    assert value("bot_tickets_total", event="answered") == answered + 1
    assert value("bot_ticket_answer_seconds_count") == timed + 1
    assert value("bot_answer_votes_total", helpful="no") == unhelpful + 1


async def test_a_members_reply_reopens_a_closed_ticket(loop: Core) -> None:
    outbox = Outbox()
    member = Member(loop, user_id="609")
    await member.says("/human Can I change my track later?")
    organizer = Member(loop, user_id=ORGANIZER_ID)
    await organizer.says("/help")
    await organizer.says("/reply 1 Yes, until the submission deadline.")
    assert "closed" in only_text(await organizer.says("/close 1"))
    sent = await outbox.deliver(loop)
    [answer] = [reply for target, reply in sent if target == Target("telegram", "609")]
    [reply_button] = answer.buttons
    await member.presses(reply_button.payload)
    reopened = only_text(await member.says("And if my team has already registered?"))
    assert "open again" in reopened
    assert "#1" in only_text(await organizer.says("/tickets"))
    [(_, notice)] = await outbox.deliver(loop)
    assert "And if my team has already registered?" in notice.text
    assert "Can I change my track later?" in notice.text


async def test_the_buttons_speak_the_answers_language(loop: Core) -> None:
    member = Member(loop, user_id="610", locale="zh")
    [english] = await member.says("Which tracks are there?")
    assert "AIGC Creative Works" in english.text
    assert [b.label for b in english.buttons] == ["Register interest", "Helpful", "Not helpful"]
    [chinese] = await member.says("有哪些赛道？")
    assert [b.label for b in chinese.buttons] == ["登记赛道意向", "有帮助", "没帮助"]


async def test_a_ticket_is_published_only_as_the_organizer_approves_it(loop: Core) -> None:
    """The member's later replies never reach the FAQ, the organizer may word the question, and
    nothing is published before they confirm; the member's /forgetme leaves only that text."""
    outbox = Outbox()
    member = Member(loop, user_id="611")
    await member.says("/human Can I bring my dog Rex to the final?")
    organizer = Member(loop, user_id=ORGANIZER_ID)
    await organizer.says("/reply 1 Pets are not allowed in the venue.")
    [answer] = [reply for target, reply in await outbox.deliver(loop) if target.chat_id == "611"]
    await member.presses(answer.buttons[0].payload)  # Reply: the ticket opens again
    await member.says("My number is 555-0199, please call me about Rex")
    await organizer.says("/reply 1 Still no pets, sorry.")

    [preview] = await organizer.says("/faq publish 1")
    assert "Still no pets, sorry." in preview.text and "Can I bring my dog Rex" in preview.text
    assert "555-0199" not in preview.text
    assert "No FAQ entries yet" in only_text(await organizer.says("/faq"))  # not yet published
    cancel = next(b.payload for b in preview.buttons if b.label == "Cancel")
    assert "Nothing was published" in only_text(await organizer.presses(cancel))
    assert "No FAQ entries yet" in only_text(await organizer.says("/faq"))

    [worded] = await organizer.says("/faq publish 1 Can I bring a pet to the final?")
    assert "Can I bring a pet to the final?" in worded.text and "Rex" not in worded.text
    publish = next(b.payload for b in worded.buttons if b.label == "Publish")
    assert "FAQ #1 published" in only_text(await organizer.presses(publish))
    assert "already FAQ #1" in only_text(await organizer.presses(publish))  # pressed twice
    await member.says("/forgetme")
    await member.presses("forgetme:yes")
    async with loop.services.database.session() as session:
        kept = [
            str(value)
            for table in (FaqEntry, FaqRevision, Ticket)
            for row in (await session.scalars(select(table))).all()
            for value in vars(row).values()
        ]
    assert any("Can I bring a pet to the final?" in text for text in kept)
    assert not any("Rex" in text or "555-0199" in text for text in kept)


async def test_a_member_told_not_helpful_can_be_told_when_an_answer_is_published(
    loop: Core,
) -> None:
    outbox = Outbox()
    member = Member(loop, user_id="612")
    [answer] = await member.says("How big can a team be?")
    not_helpful = next(b.payload for b in answer.buttons if b.label == "Not helpful")
    [thanks] = await member.presses(not_helpful)
    watch = next(b.payload for b in thanks.buttons if b.label == "Tell me when answered")
    assert "tell you here" in only_text(await member.presses(watch))
    organizer = Member(loop, user_id=ORGANIZER_ID)
    await organizer.says("/faq add How big can a team be? | Up to five people, a captain included.")
    told = [reply for target, reply in await outbox.deliver(loop) if target.chat_id == "612"]
    assert len(told) == 1 and "Up to five people, a captain included." in told[0].text
    assert "How big can a team be?" in told[0].text


async def test_publish_pressed_twice_at_once_makes_one_entry(loop: Core) -> None:
    import asyncio

    asker = Member(loop, user_id="620")
    await asker.says("/human Is there a cloakroom at the final?")
    organizer = Member(loop, user_id=ORGANIZER_ID)
    await organizer.says("/reply 1 Yes, at the entrance.")
    [preview] = await organizer.says("/faq publish 1")
    publish = next(b.payload for b in preview.buttons if b.label == "Publish")
    first, second = await asyncio.gather(organizer.presses(publish), organizer.presses(publish))
    said = " ".join(r.text for r in first + second)
    assert "FAQ #1 published" in said  # one tap published it; the other was told, or retried
    async with loop.services.database.session() as session:
        assert len((await session.scalars(select(FaqEntry))).all()) == 1
        ticket = await session.get(Ticket, 1)
        assert ticket is not None and ticket.faq_entry_id == 1
    again = only_text(await organizer.presses(publish))
    assert "already FAQ #1" in again
