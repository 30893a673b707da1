"""A member talks to the core the way every adapter passes messages on."""

from __future__ import annotations

from bot.core.app import Core, build_router
from bot.core.router import Router
from bot.messages import ChatKind, ChatRef, Reply
from tests.conftest import ORGANIZER_ID, Member, only_text


async def test_start_greets_in_the_platform_language_and_lists_commands(core: Core) -> None:
    english = only_text(await Member(core, locale="en-US").says("/start"))
    chinese = only_text(await Member(core, user_id="2", locale="zh-hans").says("/start"))

    assert "Hello Ada" in english and "/ask" in english and "/deadlines" in english
    assert "你好" in chinese and "全球音视频开发者与创作者社区" in chinese and "/tracks" in chinese
    assert "Hello" not in chinese


async def test_help_in_a_group_explains_how_to_ask(core: Core) -> None:
    group_member = Member(core, chat=ChatRef("-100", ChatKind.GROUP))
    text = only_text(await group_member.says("/help"))
    assert "mention me" in text


async def test_question_in_private_chat_is_answered_with_its_source(member: Member) -> None:
    text = only_text(await member.says("How many prizes does each track have?")).lower()
    assert "first prize" in text and "second prize" in text and "third prize" in text
    assert "source:" in text


async def test_chinese_question_gets_chinese_answer_even_for_english_speaker(
    member: Member,
) -> None:
    text = only_text(await member.says("有哪些赛道？"))
    for track in ("AIGC技术创新", "AIGC应用创新", "AIGC创意作品"):
        assert track in text
    assert "来源：" in text


async def test_ask_without_a_question_explains_usage(member: Member) -> None:
    # Privately a question is just written (the private welcome's Ask button runs /ask).
    assert "Write your question here" in only_text(await member.says("/ask"))
    in_group = Member(member.core, chat=ChatRef("-100", ChatKind.GROUP))
    assert "/ask" in only_text(await in_group.says("/ask"))


async def test_ask_command_answers_like_plain_text(member: Member) -> None:
    text = only_text(await member.says("/ask which tracks are there?"))
    assert "AIGC Technical Innovation" in text


async def test_off_topic_question_is_declined_without_sources(member: Member) -> None:
    text = only_text(await member.says("What's the weather in Paris?"))
    assert "outside what I know" in text and "/help" in text
    assert "Source" not in text


async def test_overlong_question_is_refused_politely(member: Member) -> None:
    text = only_text(await member.says("prize " * 400))
    assert "too long" in text


async def test_group_chatter_is_ignored_but_mentions_are_answered(core: Core) -> None:
    in_group = Member(core, chat=ChatRef("-100", ChatKind.GROUP))
    assert await in_group.says("anyone here going to the final?") == []
    replies = await in_group.says("which tracks are there?", addressed_to_bot=True)
    assert "AIGC Creative Works" in only_text(replies)


async def test_unknown_command_points_to_help(member: Member) -> None:
    text = only_text(await member.says("/frobnicate now"))
    assert "/frobnicate" in text and "/help" in text


async def test_tracks_deadlines_and_resources_commands(core: Core) -> None:
    zh = Member(core, locale="zh-CN")
    tracks = only_text(await zh.says("/tracks"))
    assert tracks.count("•") == 3 and "AIGC应用创新" in tracks
    deadlines = only_text(await zh.says("/deadlines"))
    assert "决赛" in deadlines and "尚未公布" in deadlines and "Asia/Shanghai" in deadlines
    resources = only_text(await zh.says("/resources"))
    for name in ("音视频产业云", "云桌面", "虚拟数字人"):
        assert name in resources


async def test_the_tracks_come_with_a_button_to_register_for_one(core: Core) -> None:
    """Asked for, or listed by /tracks: the next step is one press away, in either language."""
    for member, question, label in (
        (Member(core), "what tracks are there?", "Register interest"),
        (Member(core, locale="zh-CN"), "大赛有哪几个赛道？", "登记赛道意向"),
    ):
        [answer] = await member.says(question)
        assert "AIGC" in answer.text
        register = [button for button in answer.buttons if button.payload == "run:register"]
        assert [button.label for button in register] == [label], answer.buttons
        [chosen] = await member.presses("run:register")  # /register asks which track
        assert [button.payload for button in chosen.buttons][:1] == ["register:aigc-tech"]
    [listed] = await Member(core).says("/tracks")
    assert "/register" in listed.text
    assert [button.payload for button in listed.buttons] == ["run:register"]


async def test_language_chosen_with_buttons_sticks_across_messages(member: Member) -> None:
    menu = (await member.says("/lang"))[0]
    payloads = [button.payload for button in menu.buttons]
    assert payloads == ["lang:zh", "lang:en", "lang:auto"]

    confirmation = only_text(await member.presses("lang:zh"))
    assert "中文" in confirmation
    assert "命令" in only_text(await member.says("/help"))

    only_text(await member.says("/lang auto"))
    assert "Commands" in only_text(await member.says("/help"))


async def test_unknown_language_is_explained(member: Member) -> None:
    text = only_text(await member.says("/lang klingon"))
    assert "klingon" in text and "/lang zh" in text


async def test_stale_button_is_explained(member: Member) -> None:
    assert "no longer works" in only_text(await member.presses("vanished:1"))


async def test_a_failing_handler_gets_a_polite_reply_and_the_bot_keeps_going(core: Core) -> None:
    router = build_router()
    broken = Router()

    @broken.command("explode", "Fails on purpose")
    async def explode(ctx):
        raise RuntimeError("boom")

    router.include(broken)
    faulty = Core(core.services, router)
    member = Member(faulty, locale="zh")
    assert "出了点问题" in only_text(await member.says("/explode"))
    assert "AIGC" in only_text(await member.says("/tracks"))


async def test_an_update_whose_handling_failed_is_answered_when_the_platform_resends_it(
    core: Core,
) -> None:
    """A failure gives the update back: the platform's retry (a webhook's, another process's
    copy) is answered, and once only."""
    router = build_router()
    flaky = Router()
    failures = [RuntimeError("boom")]

    @flaky.command("flaky", "Fails the first time")
    async def flaky_command(ctx):
        if failures:
            raise failures.pop()
        return [Reply("done")]

    router.include(flaky)
    faulty = Core(core.services, router)
    update = Member(faulty).incoming("/flaky")
    assert "went wrong" in only_text(await faulty.handle(update))
    assert only_text(await faulty.handle(update)) == "done"
    assert await faulty.handle(update) == []


async def test_organizer_marks_a_group_for_announcements(core: Core) -> None:
    group = ChatRef("-500", ChatKind.GROUP)
    organizer = Member(core, user_id=ORGANIZER_ID, chat=group)
    assert "will receive announcements" in only_text(await organizer.says("/announcehere"))
    assert "no longer" in only_text(await organizer.says("/announcehere off"))
    assert "was not marked" in only_text(await organizer.says("/announcehere off"))
    assert "/announcehere on" in only_text(await organizer.says("/announcehere maybe"))
    in_private = Member(core, user_id=ORGANIZER_ID)
    assert "group or channel" in only_text(await in_private.says("/announcehere"))


async def test_member_is_refused_organizer_commands_and_does_not_see_them(core: Core) -> None:
    member = Member(core, user_id="7", chat=ChatRef("-500", ChatKind.GROUP))
    refusal = (await member.says("/announcehere"))[0]
    assert "organizers only" in refusal.text and refusal.private
    assert "/announcehere" not in only_text(await member.says("/help"))
    organizer = Member(core, user_id=ORGANIZER_ID)
    assert "/announcehere" in only_text(await organizer.says("/help"))


async def test_replies_to_commands_follow_the_language_the_member_writes_in(core: Core) -> None:
    member = Member(core, user_id="91", locale="zh-hans")
    await member.says("Which tracks are there?")
    menu = (await member.says("/register"))[0]
    assert menu.text == "Which track are you interested in?"
    assert menu.buttons[0].label == "AIGC Technical Innovation"
    await member.says("有哪些赛道？")
    assert "赛道" in (await member.says("/register"))[0].text
    await member.says("/lang en")  # a choice outranks what the member writes
    await member.says("有哪些赛道？")
    assert (await member.says("/deadlines"))[0].text.startswith("Contest dates")
