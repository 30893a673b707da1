"""Answers members can count on: the bundled embedding model and an embeddings endpoint feed the
same hybrid ranking; questions about the bot get a button that runs the command; totals come
from contest.toml; topic-free words no longer cost an answer."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import BUNDLED_CONTENT_DIR, Settings, load_settings
from bot.content.loader import load_contest
from bot.content.models import Bilingual, Prize
from bot.contest_text import prizes_text
from bot.core.app import Core
from bot.i18n import Language, Translator
from bot.knowledge.answer import RetrievalAnswerer, question_sentence
from bot.knowledge.dense import EndpointEmbedder, LocalE5Embedder, load_embedder
from bot.knowledge.evaluation import NOT_PUBLISHED
from bot.knowledge.intents import IntentMatcher, load_intents
from bot.knowledge.passages import Passage, load_passages
from bot.knowledge.people import people_named
from bot.knowledge.script import simplified
from bot.runtime import build_index
from tests.conftest import ManualClock, Member, only_text
from tests.fakes.openai_api import FakeOpenAIServer

NOW = datetime(2024, 5, 20, tzinfo=UTC)


def answerer_for(settings: Settings) -> RetrievalAnswerer:
    contest = load_contest(settings.content_dir)
    return RetrievalAnswerer(build_index(settings, contest, ManualClock()), contest)


@pytest.fixture(scope="module")
def hybrid() -> RetrievalAnswerer:
    return answerer_for(load_settings(content_dir=BUNDLED_CONTENT_DIR))


def assert_answered_with(
    hybrid: RetrievalAnswerer, cases: tuple[tuple[str, Language, str], ...]
) -> None:
    """Each question (in its language) is answered, and the answer says what it must."""
    for question, language, says in cases:
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.known and says in answer.text, (question, answer.text)


def assert_commands_given(
    hybrid: RetrievalAnswerer, cases: tuple[tuple[str, Language, str], ...]
) -> None:
    """Each question (in its language) is answered with the command that does what it asks."""
    for question, language, command in cases:
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.command == command, (question, answer.command, answer.text)


def test_the_bundled_model_loads_without_a_download_and_ranks_by_meaning(
    hybrid: RetrievalAnswerer,
) -> None:
    assert hybrid.index.hybrid and isinstance(hybrid.index.embedder, LocalE5Embedder)
    # No word in common with the section ("kick off" / "officially starts"), same meaning.
    [best, *_] = hybrid.index.search("When does the contest kick off?")
    assert "May 2024" in best.passage.text


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        ("大赛有哪几个赛道？", ["AIGC技术创新", "AIGC应用创新", "AIGC创意作品"]),
        ("这次大赛有哪几个赛道？", ["AIGC技术创新", "AIGC应用创新", "AIGC创意作品"]),
        ("Where will the final and the award ceremony be held?", ["Changsha", "October 2024"]),
        ("How many prizes are awarded in total across the three tracks?", ["24"]),
        ("三个赛道一共有多少个奖项？", ["24"]),
    ],
)
def test_questions_members_were_refused_are_answered_with_their_facts(
    hybrid: RetrievalAnswerer, question: str, facts: list[str]
) -> None:
    answer = hybrid.answer(question, "en", "Asia/Shanghai", NOW)
    assert answer.known and answer.sources, answer.text
    assert all(fact in answer.text for fact in facts), answer.text


def test_what_the_source_does_not_say_is_called_unpublished_not_guessed(
    hybrid: RetrievalAnswerer,
) -> None:
    answer = hybrid.answer("How much prize money does the first prize get?", "en", "UTC", NOW)
    assert any(marker in answer.text for marker in NOT_PUBLISHED) or not answer.known
    assert "$" not in answer.text and "yuan" not in answer.text
    # A year the report gives no figure for: the figure it gives, and plainly that it is all.
    for question, language in (
        ("what was Hunan's audio/video revenue in 2022?", "en"),
        ("2024年湖南音视频产业营收多少？", "zh"),
        # Whether the rounds are held online: not in the report either.
        ("复赛在线上比还是要去现场？", "zh"),
        ("will the qualifying round be online or in person?", "en"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert any(marker in answer.text for marker in NOT_PUBLISHED), (question, answer.text)


async def test_sign_up_question_gets_a_button_that_starts_registration(
    core: Core,
) -> None:
    member = Member(core, user_id="71")
    [reply] = await member.says("I want to join the contest, how do I sign up?")
    assert "/register" in reply.text
    button = reply.buttons[0]  # the command first, then the answer's feedback
    assert button.label == "Register interest"
    started = only_text(await member.presses(button.payload))
    assert "Which track" in started
    [zh] = await Member(core, user_id="72", locale="zh").says("我想报名，怎么报？")
    assert zh.buttons and zh.buttons[0].label == "登记赛道意向"


async def test_the_prize_totals_are_computed_from_contest_toml(core: Core) -> None:
    text = only_text(await Member(core).says("/ask how many prizes in total?"))
    assert "8 prizes per track and 24 prizes in all across the 3 tracks" in text
    # Counted as members count them, in both languages.
    assert "awards one first prize, two second prizes, and five third prizes" in text
    chinese = only_text(await Member(core, locale="zh").says("/ask 每个赛道各有几个奖？"))
    assert "一等奖 1 名、二等奖 2 名和三等奖 5 名" in chinese
    # "How many second prizes in all?": each kind counted across the tracks too.
    assert "three first prizes, six second prizes, and 15 third prizes" in text
    assert "一等奖 3 名、二等奖 6 名和三等奖 15 名" in chinese


def test_prize_totals_follow_the_number_of_tracks_in_contest_toml() -> None:
    contest = load_contest(BUNDLED_CONTENT_DIR)
    two_tracks = contest.model_copy(update={"tracks": contest.tracks[:2]})
    text = prizes_text(two_tracks, Translator("en"))
    assert "16 prizes in all across the 2 tracks: two first prizes, four second prizes" in text
    # One track: its prizes are all there is, with no "in all across the 1 tracks".
    one_track = prizes_text(
        contest.model_copy(update={"tracks": contest.tracks[:1]}), Translator("en")
    )
    assert "awards one first prize" in one_track and "in all" not in one_track


def test_a_prize_without_a_kind_is_counted_after_its_name() -> None:
    contest = load_contest(BUNDLED_CONTENT_DIR)
    grand = Prize(key="grand", name=Bilingual(zh="特别大奖", en="Grand Prix"), per_track=2)
    text = prizes_text(contest.model_copy(update={"prizes": [grand]}), Translator("en"))
    assert "awards Grand Prix (2)." in text


def test_an_unloadable_model_leaves_bm25_working(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: object) -> None:
        raise OSError("model file missing")

    monkeypatch.setattr(LocalE5Embedder, "__init__", broken)
    settings = load_settings(content_dir=BUNDLED_CONTENT_DIR)
    with caplog.at_level(logging.WARNING):
        assert load_embedder(settings) is None
    assert [r.getMessage() for r in caplog.records if "BM25 alone" in r.getMessage()]
    answerer = answerer_for(settings)
    assert not answerer.index.hybrid
    assert "AIGC" in answerer.answer("有哪些赛道？", "zh", "UTC", NOW).text


def recording_embedder() -> tuple[LocalE5Embedder, list[list[str]]]:
    """The bundled model, noting every batch of texts (passages or questions) it embeds."""
    embedder, embedded = LocalE5Embedder(), []
    for kind in ("passages", "queries"):
        original = getattr(embedder, kind)

        def recording(texts, original=original):  # type: ignore[no-untyped-def]
            embedded.append(list(texts))
            return original(texts)

        setattr(embedder, kind, recording)
    return embedder, embedded


def test_a_fresh_install_embeds_nothing_the_content_shipped_vectors_for(tmp_path: Path) -> None:
    embedder, embedded = recording_embedder()
    settings = load_settings(content_dir=BUNDLED_CONTENT_DIR, cache_dir=tmp_path)
    index = build_index(settings, load_contest(BUNDLED_CONTENT_DIR), ManualClock(), embedder)
    assert index.hybrid
    assert embedded == [], "content changed: run `communitybot content vectors` and commit"


def test_content_vectors_ships_the_vectors_of_edited_content(tmp_path: Path) -> None:
    import shutil

    from tests.test_config import run_cli

    content = shutil.copytree(BUNDLED_CONTENT_DIR, tmp_path / "content")
    page = content / "knowledge" / "resources.en.md"
    page.write_text(page.read_text("utf-8").replace("cloud desktops", "cloud PCs"), "utf-8")
    result = run_cli("content", "vectors", env={"BOT_CONTENT_DIR": str(content)})
    assert result.returncode == 0, result.stderr
    embedder, embedded = recording_embedder()
    settings = load_settings(content_dir=content, cache_dir=tmp_path / "empty")
    build_index(settings, load_contest(content), ManualClock(), embedder)
    assert embedded == []


def test_passage_vectors_are_computed_once_per_content_and_model(tmp_path: Path) -> None:
    from bot.knowledge.index import KnowledgeIndex
    from bot.knowledge.passages import load_passages

    embedder, calls = recording_embedder()
    passages = load_passages(BUNDLED_CONTENT_DIR)[0][:6]  # a few: embedding is slow
    first = KnowledgeIndex(passages, embedder=embedder, cache_dir=tmp_path)
    second = KnowledgeIndex(passages, embedder=embedder, cache_dir=tmp_path)
    assert len(calls) == 1 and first.hybrid and second.hybrid
    assert list(tmp_path.glob("vectors-*.npz"))


@pytest.fixture
async def provider() -> AsyncIterator[FakeOpenAIServer]:
    server = FakeOpenAIServer()
    await server.start()
    yield server
    await server.stop()


async def test_an_openai_compatible_embeddings_endpoint_can_replace_the_bundled_model(
    provider: FakeOpenAIServer, tmp_path: Path
) -> None:
    settings = load_settings(
        content_dir=BUNDLED_CONTENT_DIR,
        cache_dir=tmp_path,
        embeddings_model="text-embedding-3-small",
        embeddings_base_url=provider.base_url,
        embeddings_api_key=SecretStr(provider.api_key),
    )
    embedder = load_embedder(settings)
    assert isinstance(embedder, EndpointEmbedder)
    # The SDK client is synchronous (it runs off the event loop, as the bot runs it).
    answerer = await asyncio.to_thread(answerer_for, settings)
    assert answerer.index.hybrid
    assert provider.embedding_requests[0]["model"] == "text-embedding-3-small"
    answer = await asyncio.to_thread(answerer.answer, "云桌面", "zh", "UTC", NOW)
    assert answer.known and "云桌面" in answer.text
    assert provider.embedding_requests[-1]["input"] == ["云桌面"]


def test_editing_one_section_re_embeds_only_that_section(tmp_path: Path) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT_DIR, content)
    # Start from the run's cache, as a bot restarts on its own: every vector is there.
    cache = shutil.copytree(os.environ["BOT_CACHE_DIR"], tmp_path / "cache")
    embedder, embedded = recording_embedder()
    contest = load_contest(content)
    settings = load_settings(content_dir=content, cache_dir=cache)
    build_index(settings, contest, ManualClock(), embedder)
    assert embedded == []
    page = content / "knowledge" / "resources.en.md"
    page.write_text(
        page.read_text("utf-8").replace("cloud desktops", "cloud workstations"), "utf-8"
    )
    index = build_index(settings, contest, ManualClock(), embedder)
    [changed] = embedded
    assert changed and all("cloud workstations" in text for text in changed)
    assert len(changed) < len(index.passages) // 4


def test_a_section_in_one_language_is_found_by_a_question_in_the_other() -> None:
    from bot.knowledge.index import KnowledgeIndex
    from bot.knowledge.passages import Passage, load_passages

    passages, _ = load_passages(BUNDLED_CONTENT_DIR)
    mascot = Passage(
        "mascot",
        "zh",
        0,
        "mascot.zh.md",
        "大赛吉祥物",
        "吉祥物",
        "大赛的吉祥物是一只名叫小湘的熊猫。",
        3,
    )
    cache = Path(os.environ["BOT_CACHE_DIR"])  # the run's: only the mascot is new
    index = KnowledgeIndex([*passages, mascot], embedder=LocalE5Embedder(), cache_dir=cache)
    # e5-small's cross-lingual pull is weak: a question whose other words ("contest") match
    # English sections strongly still ranks those first (see the note on issue 11).
    [best, *_] = index.search("What animal is the mascot?")
    assert best.passage is mascot


def test_a_way_of_asking_written_as_content_finds_its_section(tmp_path: Path) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT_DIR, content)
    settings = load_settings(content_dir=content)  # the run's shared cache of vectors
    question = "can I borrow a zorblax for my render job?"
    assert not answerer_for(settings).answer(question, "en", "UTC", NOW).known
    (content / "knowledge" / "resources.questions.toml").write_text(
        '[[sections]]\nheading = "Cloud desktops"\nen = ["can I borrow a zorblax for my job"]\n',
        "utf-8",
    )
    answer = answerer_for(settings).answer(question, "en", "UTC", NOW)
    assert answer.known and answer.sources[0].heading == "Cloud desktops"


def test_a_way_of_asking_for_a_section_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    import shutil

    from bot.content.check import check_content

    content = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT_DIR, content)
    (content / "knowledge" / "resources.questions.toml").write_text(
        '[[sections]]\nheading = "Cloud laptops"\nen = ["any laptops?"]\n', "utf-8"
    )
    [problem] = check_content(content)[0]
    assert problem.file.name == "resources.questions.toml" and problem.field == "Cloud laptops"


@pytest.mark.parametrize(
    "question",
    [
        "Translate this into Chinese: Welcome to the Global Audio/Video Developer and Creator "
        "Community!",
        "把这段翻译成英文：全球音视频开发者与创作者社区欢迎你",
        "帮我写一首关于长沙的诗",
    ],
)
def test_a_task_about_the_community_is_declined_not_answered_from_it(
    hybrid: RetrievalAnswerer, question: str
) -> None:
    answer = hybrid.answer(question, "en", "UTC", NOW)
    assert not answer.known and not answer.sources, answer.text


def test_a_date_not_in_contest_toml_is_said_to_be_unannounced(hybrid: RetrievalAnswerer) -> None:
    answer = hybrid.answer("when's the registration deadline?", "en", "UTC", NOW)
    assert answer.known and "has not been announced" in answer.text, answer.text
    assert answer.sources[0].doc == "contest.toml"


async def test_an_answer_about_a_track_offers_to_register_for_it(core: Core) -> None:
    [reply] = await Member(core).says("what's the creative works track about?")
    assert "AIGC Creative Works" in reply.text and "Source: " in reply.text
    assert [b.label for b in reply.buttons] == ["Register interest", "Helpful", "Not helpful"]


async def test_deleting_my_data_is_answered_with_a_button_that_asks_first(core: Core) -> None:
    member = Member(core, user_id="73", locale="zh")
    [reply] = await member.says("怎么把我在这留的信息全删了")
    button = reply.buttons[0]
    assert button.label == "删除我的数据" and "/forgetme" in reply.text
    confirm = await member.presses(button.payload)
    assert confirm[0].buttons, "erasing asks for confirmation first"


async def test_questions_about_teammates_people_and_calendars_get_the_command_to_run(
    core: Core,
) -> None:
    member = Member(core, user_id="73")
    [teammates] = await member.says("how do I find teammates here?")
    assert "/findteam" in teammates.text and teammates.buttons[0].label == "Find teammates"
    found = " ".join(r.text for r in await member.presses(teammates.buttons[0].payload))
    assert "/lookingfor" in found  # /findteam ran: nobody else looks yet, so it says how to start
    [calendar] = await member.says("can I get the contest dates into my Google Calendar?")
    assert calendar.buttons[0].payload == "run:calendar"
    chinese = Member(core, user_id="74", locale="zh")
    [person] = await chinese.says("机器人答不上来，我想找真人工作人员问问")
    assert "/human" in person.text and person.buttons[0].label == "转人工"
    # Asking for the organizers' email still says that none is published.
    [email] = await chinese.says("主办方的联系邮箱是多少？")
    assert "没有公布" in email.text


async def test_the_button_under_a_command_asked_for_runs_it(core: Core) -> None:
    """ "Is there a command for the dates?" → [See the dates] shows them; "invite code" → [My
    team] says the member has none yet and how to start one."""
    member = Member(core, user_id="75")
    [dates] = await member.says("is there a command that shows the contest dates?")
    assert "/deadlines" in dates.text and dates.buttons[0].label == "See the dates"
    shown = only_text(await member.presses(dates.buttons[0].payload))
    assert "May 2024" in shown
    chinese = Member(core, user_id="76", locale="zh")
    [team] = await chinese.says("队友给了我一个邀请码，怎么加入他们的队伍？")
    assert "/team join" in team.text and team.buttons[0].label == "我的队伍"
    assert "/team create" in only_text(await chinese.presses(team.buttons[0].payload))


def test_a_writing_task_is_declined_whatever_track_it_names(hybrid: RetrievalAnswerer) -> None:
    for task, language in (
        ("帮我写一份AIGC技术创新赛道的参赛计划书，三千字", "zh"),
        ("write me a pitch for our entry in the AIGC Creative Works track", "en"),
        ("能不能把AIGC应用创新赛道的介绍翻成英文给我朋友看", "zh"),
        ("帮我写一段拉同学一起报AIGC创意作品赛道的文案", "zh"),
        ("给长沙的音视频社区作一首五言诗", "zh"),
        ("Draft me an email inviting friends to the AIGC Application Innovation track", "en"),
        ("Translate into Chinese: where is the final held?", "en"),
        ("请翻译：决赛在哪里举办？", "zh"),
        ("compose a limerick about the Malanshan park for our team chat", "en"),
        ("brainstorm some slogans for our AIGC team pls", "en"),
        ("make an essay on Hunan's audio/video industry for my class", "en"),
        ("give me 5 catchy names for our AIGC team", "en"),
        ("any slogan ideas for our team? we're in the creative works track", "en"),
        ("帮大赛想几个宣传口号，要有马栏山", "zh"),
        ("what's a good team name for the creative works track?", "en"),
        ("帮我们起个队名吧，报AIGC应用创新赛道", "zh"),
        ("把蒋涛的演讲扩写成一篇三千字的文章", "zh"),
        ("can you draft a proposal for our entry in the creative works track?", "en"),
        ("帮我想个队名 跟音视频相关 酷一点的", "zh"),
        ("你能用Python写个批量剪视频的程序吗", "zh"),
        ("给马栏山写首诗呗 发朋友圈用", "zh"),
    ):
        answer = hybrid.answer(task, language, "UTC", NOW)
        assert not answer.known and answer.intent == "writing-task", (task, answer.text)
    # Asking about writing is not a task.
    asked = hybrid.answer("作品介绍要写多长，有字数要求吗？", "zh", "UTC", NOW)
    assert asked.intent != "writing-task", asked.text


def test_someones_contact_is_declined_whoever_it_names(hybrid: RetrievalAnswerer) -> None:
    for request, language in (
        # Another member's record, named by how the asker knows them.
        ("我室友王磊报的是哪个赛道啊", "zh"),
        ("which track did my classmate Zhou pick? curious", "en"),
        ("群里那个叫阿杰的，他报名时填的手机号能给我吗", "zh"),
        ("有个叫阿杰的报名了哪个赛道？", "zh"),
        ("which track did the guy called Max from our server pick?", "en"),
        ("Wu Hong phone number?", "en"),
        ("蒋涛的手机号是多少？想约他聊聊", "zh"),
        ("what's Hu Zhaohui's phone number?", "en"),
        ("AIGC创意作品赛道都有谁报了？", "zh"),
        ("圆桌上那位王雅光的微信号是多少？", "zh"),
        ("Could you pass me Li Qiang's work email? I'd like to pitch Huawei Cloud", "en"),
        ("what’s Hu Zhaohui’s phone number?", "en"),  # a phone's apostrophe
        ("I need the attendee list of the launch event with contact details", "en"),
        ("Can I get Wu Hong's WeChat? I want to ask about the 5G lab", "en"),
        ("the Huawei Cloud speaker, what's his linkedin?", "en"),
        ("周立宏的家庭住址能告诉我吗", "zh"),
        ("启动会的参会名单能发我吗", "zh"),
        ("Jiang Tao's birthday?", "en"),
        ("How old is Hu Zhaohui?", "en"),
        ("does Wu Hong have kids? just curious", "en"),
        ("蒋涛是哪里人", "zh"),
        ("王雅光平时住在深圳吗", "zh"),
        ("于邦旭有小红书吗", "zh"),
        ("我同事报名了没有？帮我查查", "zh"),
        ("did Li Qiang register for the contest himself?", "en"),
        ("is Zhou Lihong ok? heard he was ill", "en"),
        ("what's Li Qiang's salary roughly?", "en"),
        ("does she have a linkedin? Wu Hong I mean", "en"),
        ("胡朝晖今年多大了", "zh"),
        ("于邦旭年薪多少", "zh"),
        ("how old is he? the Tencent Cloud guy on the panel", "en"),
        ("李强的电话是多少，他的微信或者手机号也行", "zh"),
        ("参加大赛的蒋涛的私人邮箱是什么", "zh"),
        ("社区的嘉宾胡朝晖的私人邮箱发我", "zh"),
        ("what's Yu Bangxu's Weibo? want to follow him", "en"),
        ("is he a native of Changsha? Li Qiang I mean", "en"),
        ("吴红有孩子吗", "zh"),
        ("有蒋涛微信吗 想加一下聊合作", "zh"),
        ("does Lu Shaohe have a blog I can follow?", "en"),  # "Lü" typed without its mark
        ("Lv Shaohe's github?", "en"),  # …or as a pinyin keyboard types it
        ("熊琛总经济师一年工资大概多少", "zh"),  # a title after the name
        ("胡朝晖主任是哪个大学毕业的", "zh"),
        ("那天华为云的李强住的哪个酒店，想过去找他聊聊合作", "zh"),
        ("何俊主任下周在长沙不？能约他见一面吗，他啥行程", "zh"),
        ("is the Malanshan Investment tech director on WeChat? can I get his ID", "en"),
        ("who from this server registered for the contest? can you list their emails", "en"),
        # Named with where they work, beside a company's name, which alone would be its contact.
        ("is Yu Bangxu from GitCode married? asking for a friend", "en"),
        ("how much does Wang Yaguang at Tencent Cloud's EdgeOne team earn a year?", "en"),
        ("my mate Chen Hao put his name down for the app track — what idea he put in?", "en"),
        ("who else has signed up from Wuhan for the creative track?", "en"),
        (
            "My teammate Kevin registered us last week but I'm not sure which track he picked. "
            "Can you look up his registration for me?",
            "en",
        ),
        (
            "我朋友王芳说她上周已经报名了大赛，但忘了用哪个手机号注册的，能帮忙查一下她的报名记录吗？",
            "zh",
        ),
    ):
        answer = hybrid.answer(request, language, "UTC", NOW)
        assert not answer.known and answer.intent == "personal-data", (request, answer.text)
    # The refusal reads right for a classmate as for a speaker: where to turn for each.
    classmate = hybrid.answer("我同学报的是哪个赛道？帮我看看", "zh", "UTC", NOW)
    assert "直接问本人" in classmate.text and "嘉宾" in classmate.text, classmate.text
    # About the contest, not about a person: answered, not refused as someone's data.
    for question, language in (
        ("报名时需要留手机号码吗？", "zh"),
        ("What is the organizers' email address?", "en"),
        ("what's the organizer's email?", "en"),
        ("Where do I find the contest committee's phone number?", "en"),
        ("How old do you have to be to enter?", "en"),
        ("主办方的电话号码是多少？", "zh"),
        ("Is he a CSDN employee? the GitCode CEO I mean", "en"),
        ("参赛有年龄限制吗？多大年纪可以报名", "zh"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent != "personal-data", (question, answer.text)


async def test_undoing_registrations_and_reminders_is_answered_with_its_command(
    core: Core,
) -> None:
    member = Member(core, user_id="75")
    await member.says("/register aigc-tech")
    await member.says("/skip")  # no team name
    await member.says("/skip")  # no idea yet
    [cancel] = await member.says("I picked the wrong track, how do I cancel my registration?")
    assert cancel.buttons[0].payload == "run:withdraw", cancel.text
    withdrawn = " ".join(r.text for r in await member.presses(cancel.buttons[0].payload))
    assert "withdraw" in withdrawn.lower() or "AIGC Technical Innovation" in withdrawn
    chinese = Member(core, user_id="76", locale="zh")
    [stop] = await chinese.says("别再给我发提醒了，怎么关掉")
    assert stop.buttons[0].payload == "run:unsubscribe", stop.text
    [zone] = await chinese.says("我在纽约，日期能按我的时区显示吗？")
    assert "/timezone" in zone.text and zone.buttons[0].payload == "run:timezone"


def test_words_that_only_look_like_a_request_for_someones_data_or_a_task_are_not(
    hybrid: RetrievalAnswerer,
) -> None:
    """The shape rules match whole phrases: these ask about the contest or the community."""
    for question, language in (
        ("Can I register with another phone number?", "en"),
        ("Is this WeChat group official?", "en"),
        ("Does this email need to be my work email?", "en"),
        ("有其他的微信群吗？", "zh"),
        ("社区的微信有吗？", "zh"),
        ("写个人简介有什么要求？", "zh"),
        ("Translate is a feature of my entry, which track fits it?", "en"),
        ("Is there a word limit on the entry's proposal?", "en"),
        ("作品可以是一首歌吗？", "zh"),
        ("报名表要填家庭住址吗？", "zh"),
        ("What's the event's WeChat group?", "en"),
        ("Is there a GitCode's contact email for the community?", "en"),
        ("Who is Huawei Cloud's contact for sponsors?", "en"),
        ("用AI写一首歌可以参加AIGC创意作品赛道吗？", "zh"),
        ("Do we have to write code for the application track?", "en"),
        ("Is an essay on AI ethics accepted in the creative track?", "en"),
        ("How long should the 3000-word proposal be?", "en"),
        ("Can our entry be a song about AI?", "en"),
        ("Is there a brainstorm session at the launch event?", "en"),
        ("作品参加过其他比赛可以吗？", "zh"),
        ("Can I submit the same project to other competitions too?", "en"),
        # Found by a review of the phrases for someone's data, tasks and unrelated questions.
        ("参赛者的年龄有限制吗", "zh"),
        ("what's age limit for the contest?", "en"),
        ("How old is the community?", "en"),
        ("How much does Hunan's audio/video industry make a year?", "en"),
        ("Do winners get a salary or a one-off cash prize?", "en"),
        ("What did Xiong Chen say in his address at the launch?", "en"),
        ("Can my teammate enter his personal project?", "en"),
        ("找到队友后能私下联系吗？", "zh"),
        ("I found someone on /findteam, can I contact him directly?", "en"),
        ("湖南音视频产业现在多大了", "zh"),
        ("报名咨询电话号码是多少", "zh"),
        ("I'm not a Hunan native, can I still enter?", "en"),
        ("Is GitCode originally from CSDN or Huawei?", "en"),
        ("Is there a Weibo or Douyin account for the contest?", "en"),
        ("我家有孩子想参加创意作品赛道，可以吗", "zh"),
        ("Is there a slogan for the contest?", "en"),
        ("大赛有口号吧？", "zh"),
        ("我们想几个人一起组队参赛可以吗", "zh"),
        ("参赛作品需要起个名字吗", "zh"),
        ("Where do I enter the name for our team?", "en"),
        ("Has the organizer come up with some judging criteria yet?", "en"),
        ("Give me 3 key facts about the contest", "en"),
        ("Is a catchy title important for the creative works track?", "en"),
        ("Is there a forecast for how many developers will join?", "en"),
        ("决赛会因为天气原因延期吗", "zh"),
        ("Is the contest open to employees of a listed company?", "en"),
        ("Is there a shuttle bus from the airport for finalists?", "en"),
        ("我报的哪个赛道？", "zh"),
        ("我报名了没？", "zh"),
        ("Can our entry be a HarmonyOS app?", "en"),
        ("Is there a brainstorm session at the final?", "en"),
        ("Do all three tracks have the same deadline, or is their deadline different?", "en"),
        # Found by a review of the next round's phrases (prices, advice, people, tasks).
        ("AIGC技术创新和AIGC应用创新哪个更好", "zh"),
        (
            "AIGC Technical Innovation vs Application Innovation, which is better for a solo dev?",
            "en",
        ),
        ("我是新手，推荐一个适合我的方向", "zh"),
        ("any recommendations for finding teammates?", "en"),
        ("/calendar or /subscribe, which one should i use?", "en"),
        ("推荐一下湖南的音视频政策文件", "zh"),
        ("Did Jiang Tao go to the launch event?", "en"),
        ("how do I add my friend to my team, do I need his id?", "en"),
        ("Which company does Li Qiang work for?", "en"),
        ("who else from Tencent was on the roundtable?", "en"),
        ("参赛对多大岁数有要求吗", "zh"),
        ("AIGC技术创新赛道是做啥项目的", "zh"),
        ("想一句话了解这个大赛是干嘛的", "zh"),
        ("I have a good project idea, which track should I enter?", "en"),
        ("用AI写首诗能报创意作品赛道吗", "zh"),
        ("想个队名之后怎么建队", "zh"),
        ("参赛要写个方案吗", "zh"),
        ("大赛名称翻译成英文是什么", "zh"),
        ("湖南广电综艺多，这个社区和芒果有关系吗", "zh"),
        ("用AI做电视剧能参加创意赛道吗", "zh"),
        ("社区有什么好玩的活动", "zh"),
        ("社区会办技术大会吗", "zh"),
        ("CSDN会员可以用马栏山的云桌面吗", "zh"),
        ("Does using the cloud desktops cost anything, or do I need a Huawei Cloud account?", "en"),
        ("Is the price money sponsored by Huawei?", "en"),
        ("机器人是腾讯的吗，要收费吗", "zh"),
        ("how much are the CSDN prizes", "en"),
        ("需要CSDN会员才能参加吗", "zh"),
        ("我是CSDN会员，可以参与吗", "zh"),
        ("Do I need a CSDN membership to take part?", "en"),
        ("which is better, the keynote or the panel?", "en"),
        ("推荐一下启动会的哪个演讲", "zh"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        refused = (
            "personal-data", "writing-task", "unrelated", "product-price", "product-advice"
        )  # fmt: skip
        assert answer.intent not in refused, (question, answer.text)


def test_a_question_in_english_that_names_someone_in_chinese_is_answered_in_english(
    hybrid: RetrievalAnswerer,
) -> None:
    questions = (
        "Which company is 吕绍和 with, and what is his job?",
        "which company is 吕绍和 from?",
    )
    for question in questions:
        answer = hybrid.answer(question, "zh", "UTC", NOW)
        assert answer.known and answer.language == "en", answer.text
        # The English speakers' list carries their names in Chinese too, whole within an answer.
        assert "Lü Shaohe (吕绍和), technical director" in answer.text


def test_a_question_after_its_context_is_answered(hybrid: RetrievalAnswerer) -> None:
    message = (
        "Hi! I'm a student from Singapore and a friend shared a post about this community with "
        "me. I might fly over for the event. Where will the final be held?"
    )
    answer = hybrid.answer(message, "en", "UTC", NOW)
    assert answer.known and "Changsha" in answer.text, answer.text
    chinese = "我是做短视频剪辑的，平时用AIGC工具比较多，朋友转给我这个比赛。总共有几个赛道？"
    answer = hybrid.answer(chinese, "zh", "UTC", NOW)
    assert (answer.known and "3" in answer.text) or "三" in answer.text, answer.text
    # A question that leans on its context ("it") is not answered from what it finds alone:
    # "what's it called?" alone finds the tracks.
    leaning = (
        "A friend mentioned the province wrote some long plan for the sector up to 2027. "
        "what's it called?"
    )
    answer = hybrid.answer(leaning, "en", "UTC", NOW)
    assert not answer.known or "2027" in answer.text, answer.text


def test_only_a_single_closing_question_is_judged_apart_from_its_context() -> None:
    assert question_sentence("I'm new here. How many tracks are there?") == (
        "How many tracks are there?"
    )
    # Context within the sentence may change what is asked: judged whole.
    assert question_sentence("For the Tencent hackathon next month, when is the deadline?") is None
    assert question_sentence("How many tracks are there?") is None  # the message itself
    # Two questions (a Chinese one may end in 吗 without a mark): the whole message decides.
    assert question_sentence("who are the judges? any famous ones on stage?") is None
    assert question_sentence("初赛是线上还是线下？需要跑去长沙吗") is None
    # Context after the question: the question is still the one thing asked.
    assert question_sentence("When does it start? I'm in Toronto, thanks!") == "When does it start?"
    # A lead-in before a colon: the question after it.
    assert question_sentence(
        "ok and follow up: which month is the final? need to plan my leave"
    ) == ("which month is the final?")


def test_a_question_before_its_context_is_answered_and_a_request_is_still_declined(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_answered_with(
        hybrid,
        (
            (
                "When is the contest expected to officially start? I'm based in Toronto and "
                "want to plan around my paternity leave, thanks!",
                "en",
                "May 2024",
            ),
            (
                "上周一直在赶版本没怎么看群，听说社区开了个启动会，是在哪个城市办的？我在武汉，"
                "近的话以后线下活动想过去凑凑热闹",
                "zh",
                "长沙",
            ),
        ),
    )
    for request in (
        "mind sharing Jiang Tao's personal mobile? strictly for a podcast invite, promise",
        "does Hu Zhaohui live in Changsha? whats his address, wanna send a gift",
        "Whats the email address of the guy from Tencent Cloud on the panel? want to pitch him",
    ):
        assert not hybrid.answer(request, "en", "UTC", NOW).known, request


def test_other_events_are_declined_and_this_contests_other_tracks_are_not(
    hybrid: RetrievalAnswerer,
) -> None:
    for question, language in (
        ("are there other hackathons in Changsha this year? when is their deadline", "en"),
        ("最近还有其他比赛可以参加吗", "zh"),
        ("长沙下周天气怎么样？去马栏山要带伞吗", "zh"),
        ("What's the weather like in Changsha in October?", "en"),
        ("Is LiveVideoStackCon in Shenzhen this year?", "en"),
        ("从黄花机场去马栏山坐地铁怎么走？", "zh"),
        ("去长沙看决赛，有啥必吃的小吃推荐", "zh"),
        ("腾讯云EdgeOne怎么配置直播加速", "zh"),
        ("这个社区三年后能成吗？你怎么看", "zh"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert not answer.known and answer.intent == "unrelated", (question, answer.text)
    # An event in another city, named by neither its name nor "other": found by its city.
    for question, language in (
        ("杭州下个月那个视频技术峰会几号开？", "zh"),
        ("When's the big AI expo in Shenzhen this year?", "en"),
        ("上海WAIC今年啥时候", "zh"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert not answer.known and not answer.sources, (question, answer.text)
    # …and a city beside this contest's own words is a question about the contest.
    for question, language in (
        ("我在上海，决赛要去长沙参加吗？", "zh"),
        ("Flying in from Singapore for the final, which city is the ceremony in?", "en"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent != "other-event", (question, answer.text)
    assert "长沙" in hybrid.answer("我在上海，决赛要去长沙参加吗？", "zh", "UTC", NOW).text
    answer = hybrid.answer("除了这个赛道，还有哪些赛道？", "zh", "UTC", NOW)
    assert answer.known and "AIGC创意作品" in answer.text, answer.text


def test_what_the_report_leaves_out_about_the_launch_is_said_plainly(
    hybrid: RetrievalAnswerer,
) -> None:
    """Who moderated, where exactly, what the other guests said, how big a team may be: the
    section that a member lands on says the report does not give it, rather than nothing."""
    for question, language in (
        ("Who moderated the roundtable at the launch?", "en"),
        ("圆桌对话是谁主持的？", "zh"),
        ("Which hotel was the launch event held in?", "en"),
        ("What did Zhou Lihong talk about at the launch?", "en"),
        ("一个队最多能有几个人？", "zh"),
        ("长沙市自己的音视频产业营收有多少？", "zh"),
        ("How many companies are in the Malanshan park?", "en"),
        ("How many people can be on one team?", "en"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert any(marker in answer.text for marker in NOT_PUBLISHED), (question, answer.text)


def test_the_keynote_and_roundtable_titles_are_given_as_published(
    hybrid: RetrievalAnswerer,
) -> None:
    keynote = hybrid.answer("What was Jiang Tao's talk called?", "en", "UTC", NOW)
    assert "《AI大模型赋能下的音视频开发者新生态》" in keynote.text, keynote.text
    chinese = hybrid.answer("蒋涛演讲的题目是啥", "zh", "UTC", NOW)
    assert "《AI大模型赋能下的音视频开发者新生态》" in chinese.text, chinese.text
    panel = hybrid.answer("how many speakers were on the roundtable panel?", "en", "UTC", NOW)
    assert "seven" in panel.text, panel.text


def test_someone_the_knowledge_names_is_known_in_a_question_about_them(tmp_path: Path) -> None:
    """A guest added to the knowledge ("Zhang San (张三)") is a person for the phrases about
    someone at once: no name is listed in the intents."""
    intents, _ = load_intents(BUNDLED_CONTENT_DIR)
    guest = Passage(
        "guests",
        "en",
        0,
        "guests.en.md",
        "Guests",
        "Guests",
        "Zhang San (张三), head of the studio, spoke at the launch.",
        1,
    )
    matcher = IntentMatcher(intents, frozenset(), None, tmp_path, people=people_named([guest]))
    for question in ("How old is Zhang San?", "张三今年多大了", "is he married?"):
        assert getattr(matcher.worded_by_shape(question), "key", None) == "personal-data", question
    for question in ("How old is the community?", "How old is the studio?", "张三是谁"):
        assert matcher.worded_by_shape(question) is None, question
    # A title or an honorific goes with the name, never alone; 他 in 吉他 is not a person.
    for question in ("张三老师的微信", "Mr. Zhang San's email", "张三主任的年龄"):
        assert getattr(matcher.worded_by_shape(question), "key", None) == "personal-data", question
    for question in ("主任的邮箱是公开的吗", "吉他老师的微信群有吗", "其他老师的微信群"):
        assert matcher.worded_by_shape(question) is None, question


def test_members_words_for_places_and_prizes_find_the_facts(hybrid: RetrievalAnswerer) -> None:
    for question, fact in (
        ("How many runner-up spots does each track have?", "two second prizes"),
        ("Which city hosted the opening ceremony of the community?", "Changsha"),
        ("who were the panelists at the closing panel?", "Yu Bangxu"),
        ("was the TV station there? who came from it", "Zhou Lihong"),
        ("ok, next one: what month is the final round? gotta book flights", "October"),
        ("how many golds are there in each track?", "one first prize"),
        ("the CEO of that git hosting platform, what was his name?", "Yu Bangxu"),
        ("how many honours does each stream give out?", "eight prizes"),
        ("if I grab bronze, how many others get bronze in my track?", "five third prizes"),
    ):
        answer = hybrid.answer(question, "en", "UTC", NOW)
        assert answer.known and fact in answer.text, (question, answer.text)


def test_a_companys_own_prices_are_declined_and_the_communitys_resources_are_not(
    hybrid: RetrievalAnswerer,
) -> None:
    for question, language in (
        ("腾讯云EdgeOne现在怎么收费的？", "zh"),
        ("万兴的数字人软件开个年度会员多少钱", "zh"),
        ("CSDN会员多少钱一年", "zh"),  # an English name right beside Chinese
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert not answer.known and answer.intent == "product-price", (question, answer.text)
        assert "官网" in answer.text or "website" in answer.text
    # The community's own resources and the contest's money are not a company's products.
    assert_answered_with(
        hybrid,
        (
            ("云桌面怎么收费", "zh", "没有公布"),
            ("how much does the cloud desktop cost?", "en", "gives no"),
            # A company's name beside the community's resource: the resource is what is meant.
            ("how much does Huawei Cloud's cloud desktop cost per month?", "en", "gives no"),
            ("CSDN办的大赛奖金多少钱", "zh", "未公布"),
        ),
    )


def test_a_question_near_a_declined_example_in_topic_is_still_answered(
    hybrid: RetrievalAnswerer,
) -> None:
    """ "所以决赛就是在长沙办对吧？" was closest in meaning to a writing task that named the final
    and Changsha; a leave note to go there is still a task, by its word."""
    answer = hybrid.answer("所以决赛就是在长沙办对吧？", "zh", "UTC", NOW)
    assert answer.known and "长沙" in answer.text and "10月" in answer.text, answer.text
    task = hybrid.answer("要去长沙参加决赛，请假条怎么写", "zh", "UTC", NOW)
    assert task.intent == "writing-task", task.text


def test_chat_abbreviations_and_the_keynotes_hot_start_find_their_facts(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_answered_with(
        hybrid,
        (
            ("He Jun from the panel, what org does he rep?", "en", "Guolian"),
            ("what does the 'hot start' Jiang Tao talked about mean?", "en", "existing"),
            ("除了办大赛，CSDN后面还会搞哪些运营活动", "zh", "托管"),
        ),
    )


def test_chat_words_around_a_question_do_not_count_against_it(hybrid: RetrievalAnswerer) -> None:
    """ "gonna", "someone said", "anything … mentioned": words of talk, not of a topic, that
    the knowledge does not hold and counted as if they were what was asked."""
    assert_answered_with(
        hybrid,
        (
            ("so where's the final gonna be held, and when?", "en", "Changsha"),
            ("someone said it kicks off soon, when is it supposed to start?", "en", "May 2024"),
            ("besides the video park, anything mentioned w/ cloud stuff?", "en", "cloud"),
        ),
    )


def test_a_value_offered_to_check_that_the_knowledge_lacks_does_not_count_against_it(
    hybrid: RetrievalAnswerer,
) -> None:
    """ "May or June?", "Changsha or somewhere else?", "final is in 2025 yes?": a member checking
    a fact names what the knowledge does not hold ("June", "2025"); those were refused, and the
    answer is the fact as the knowledge has it."""
    assert_answered_with(
        hybrid,
        (
            ("when does the contest kick off, May or June?", "en", "May 2024"),
            ("Is the final going to be in Changsha or somewhere else?", "en", "Changsha"),
            ("大赛是5月还是6月开始？", "zh", "2024年5月"),
            ("final is in 2025 yes?", "en", "October 2024"),
            ("决赛是2025年吗？", "zh", "2024年10月"),
        ),
    )
    # A new question after "or" is not an alternative, and neither is a long remainder; a name
    # put to be confirmed is what is asked about.
    for question in (
        "Do contest submissions have to be in Chinese, or can we submit in English?",
        "Can you give me Lü Shaohe's office address or room number at Malanshan?",
        "did Hu Zhaohui go to Tsinghua?",
    ):
        answer = hybrid.answer(question, "en", "UTC", NOW)
        assert not answer.known, (question, answer.text)


def test_a_misspelt_english_word_is_read_as_the_knowledges_word(
    hybrid: RetrievalAnswerer,
) -> None:
    """ "platfrm", "chngsha": typed in a hurry, unknown to the index, they counted against the
    question like words of another topic."""
    assert_answered_with(
        hybrid,
        (
            ("how many developers are they trying to get on the platfrm?", "en", "3 million"),
            ("wher is the finall held, chngsha?", "en", "Changsha"),
        ),
    )


def test_chinese_names_stay_whole_in_the_index(hybrid: RetrievalAnswerer) -> None:
    """ "副主任何俊" was segmented into 任何 and 俊, so a question naming 何俊 found the section
    about "单位" instead of the speakers."""
    answer = hybrid.answer("何俊是哪个单位的", "zh", "UTC", NOW)
    assert answer.known and "国链" in answer.text, answer.text


def test_what_the_report_does_not_record_of_talks_is_said_plainly(
    hybrid: RetrievalAnswerer,
) -> None:
    assert_answered_with(
        hybrid,
        (
            ("王雅光在圆桌上具体说了啥，有原话吗", "zh", "没有说明每位嘉宾的具体发言"),
            (
                "what exactly did Li Qiang say on the panel about PaaS?",
                "en",
                "does not say what each",
            ),
            (
                "is there a recording of Jiang Tao's keynote somewhere?",
                "en",
                "no slides, recording",
            ),
            ("蒋涛那个主题演讲的PPT在哪能下载", "zh", "没有公布这场演讲的PPT"),
            ("Who's on the judging panel?", "en", "by whom entries are judged"),
            ("Is there a separate student category?", "en", "for students"),
        ),
    )


def test_comparing_or_recommending_products_is_declined_but_comparing_tracks_is_not(
    hybrid: RetrievalAnswerer,
) -> None:
    for question, language in (
        ("GitCode和GitHub哪个更好用？", "zh"),
        ("做AI配音用哪个大模型效果好，推荐一个", "zh"),
        ("GitHub vs GitCode, which one should I host my repos on?", "en"),
        ("华为云和阿里云CDN哪个更便宜？", "zh"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent == "product-advice", (question, answer.text)
    for question, language in (
        ("技术创新和应用创新哪个赛道奖项更多？", "zh"),
        ("which track is better for a video editor, creative works vs application?", "en"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent != "product-advice", (question, answer.text)


def test_what_a_general_term_means_is_declined_but_the_contests_use_of_it_is_not(
    hybrid: RetrievalAnswerer,
) -> None:
    """The article says AIGC and 超高清 without explaining them: a definition is general
    knowledge, and an answer from a track's section would pass for one."""
    for question, language in (
        ("AIGC是啥意思啊？", "zh"),
        ("大模型和AIGC有什么区别", "zh"),
        ("什么叫超高清，4K就算吗", "zh"),
        ("what does UHD mean?", "en"),
        ("so what's generative AI exactly?", "en"),
        ("what's the difference between UGC and AIGC content?", "en"),
        ("「元宇宙」到底是个啥玩意😂", "zh"),
        ("ok so AIGC stands for? tho", "en"),
        ("请问边缘计算怎么理解", "zh"),
        ("AIGC、PGC分别是什么", "zh"),
        ("hey, what's the diff between VR and AR", "en"),
        # Definitions one after another are one.
        ("元宇宙啥意思，跟数字孪生有啥区别，讲讲", "zh"),
        ("what is UGC? how is it different from AIGC?", "en"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent == "what-is" and not answer.known, (question, answer.text)
    # A definition asked with another question, inside a name, beside the contest's words or
    # of the track's short name is not general knowledge.
    for question, language in (
        ("AIGC是啥？我一个做剪辑的能参加不？", "zh"),
        ("what does AIGC mean? can a solo creator enter?", "en"),
        ("万兴数字人是什么", "zh"),
        ("公告里说的AIGC是什么意思", "zh"),
        ("the judges keep saying AIGC, what does AIGC mean?", "en"),
        ("what is AIGC tech?", "en"),
        # More than a few words around it: the member's own situation, which is the point.
        ("超高清是啥？我们的片子只有1080p", "zh"),
        ("what is HDR? our short film was shot on a phone, no idea if that matters", "en"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent != "what-is", (question, answer.text)
    # What the bot itself runs on is not about the community either, nor a company's size, nor
    # rents near the park.
    for question, language in (
        ("你背后用的是哪个大模型？", "zh"),
        ("how many employees does Wondershare have?", "en"),
        ("马栏山那边房租贵不贵", "zh"),
    ):
        assert hybrid.answer(question, language, "UTC", NOW).intent == "unrelated", question
    for question, language, fact in (
        ("什么是AIGC创意作品赛道？", "zh", "AIGC创意作品"),
        ("what's the AIGC application innovation track about?", "en", "Application Innovation"),
        ("AIGC赛道一共有几个奖？", "zh", "24"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.known and fact in answer.text, (question, answer.text)


def test_asking_the_bot_to_do_something_gets_the_command_that_does_it(
    hybrid: RetrievalAnswerer,
) -> None:
    """Requests worded around a track or a date used to get that track's or the dates' section:
    "I picked the wrong track, how do I switch to application innovation?" got the track."""
    assert_commands_given(
        hybrid,
        (
            (
                "I picked the wrong track lol, how do I switch to application innovation?",
                "en",
                "withdraw",
            ),
            ("选错赛道了，想从技术创新改成应用创新，咋改", "zh", "withdraw"),
            ("which tracks did I sign up for again?", "en", "myregistrations"),
            ("我之前登记过哪几个赛道来着，忘了", "zh", "myregistrations"),
            (
                "Is there a way to see the list of tracks I've registered interest in?",
                "en",
                "myregistrations",
            ),
            ("比赛那些时间节点能不能到时候提醒我一下？怕错过", "zh", "subscribe"),
            ("您好，请问如何取消比赛日程的提醒推送？谢谢", "zh", "unsubscribe"),
            (
                "I'm in Berlin and the dates show up in Beijing time. can I change that?",
                "en",
                "timezone",
            ),
            ("上周提交给工作人员的问题有回复了没，在哪儿看", "zh", "mytickets"),
            ("how do I see my open support tickets?", "en", "mytickets"),
            ("Is there a way to escalate this to a real person?", "en", "human"),
            (
                "please wipe all my data from your system, I'm leaving the community",
                "en",
                "forgetme",
            ),
            (
                "组委会这边有份Word版的赛事细则，还有一个官网页面，想让bot学进去，怎么操作",
                "zh",
                "import",
            ),
            (
                "想找个搞音视频算法的人一起组队参加AIGC技术创新赛道，bot能帮忙匹配吗",
                "zh",
                "findteam",
            ),
            # The reminders section stands for /subscribe; a nearer example of another command wins.
            ("已经不打算参赛了，那些日期提醒就别再发给我了", "zh", "unsubscribe"),
            (
                "Everything shows up in China time and I keep doing math in my head. I'm in "
                "Berlin, can you just use my local time?",
                "en",
                "timezone",
            ),
            ("我人在悉尼，你发的时间都是北京时间，能按当地时间显示吗", "zh", "timezone"),
            # A time zone named, where no date is asked for.
            ("I'm in New York, can the deadlines show in EST?", "en", "timezone"),
            ("how do I get the bot to use Pacific time", "en", "timezone"),
            ("the reminder times don't match my local time", "en", "timezone"),
            ("时区能改成东京吗", "zh", "timezone"),
            ("no idea which track I picked last week, can you look?", "en", "myregistrations"),
            ("backend dev here, anyone to team up with? can you help", "en", "findteam"),
            ("please wipe whatever you've stored about me, I'm out", "en", "forgetme"),
            ("can I get a heads-up before the final? would help a lot", "en", "subscribe"),
            ("Could you ping me a few days before entries close?", "en", "subscribe"),
            ("organizers' announcements by DM, is that possible?", "en", "subscribe"),
            ("Count me in for the application track please", "en", "register"),
            ("我不参加了，把我的资料全删了吧", "zh", "forgetme"),
            (
                "I asked the staff something via the bot on Monday, has anyone gotten back to me?",
                "en",
                "mytickets",
            ),
            ("想给我们队找个会做特效的人，help me find people?", "zh", "findteam"),
            ("hmm which track am I on right now?", "en", "myregistrations"),
            (
                "did I register for the creative one or the tech one? no idea",
                "en",
                "myregistrations",
            ),
            ("我在机器人里报了啥来着", "zh", "myregistrations"),
            ("ping me whenever there's news from the organizers, thx", "en", "subscribe"),
            ("the bot shows Beijing time but I'm in Toronto, fix?", "en", "timezone"),
            ("please put my name down for the tech track", "en", "register"),
            ("could you nudge me before things are due?", "en", "subscribe"),
            ("what did I sign up for again? can't remember", "en", "myregistrations"),
            ("not doing the creative track anymore, can I pull out?", "en", "withdraw"),
            ("the due dates you show me are in Beijing time but I live in Paris", "en", "timezone"),
            ("我不想再收到这些提醒了", "zh", "unsubscribe"),
            ("主办方这边有个FAQ文档，怎么加进你的资料库", "zh", "import"),
            # Nearest in meaning to "AIGC创意作品赛道的报名名单发我": the words say otherwise.
            ("我想报创意作品赛道，能先在你这登记个意向吗？", "zh", "register"),
            ("手滑报了应用创新，其实想报的是技术创新", "zh", "withdraw"),
            ("上次转人工的问题处理到哪了？", "zh", "mytickets"),
        ),
    )
    # Tasks and someone's record in other words than "write" and "phone".
    for question, intent in (
        ("make me slides for our demo at the final", "writing-task"),
        ("can you give me a ppt outline for the launch recap?", "writing-task"),
        ("my buddy entered the creative track, what idea he put down?", "personal-data"),
        ("我同桌刘洋报了哪个赛道？", "personal-data"),
        ("给我们应用创新赛道的项目起几个名字", "writing-task"),
    ):
        answer = hybrid.answer(question, "en", "UTC", NOW)
        assert answer.intent == intent, (question, answer.text)
    # What the report does not say about entering two tracks is said, not turned into a command.
    two_tracks = hybrid.answer("is it ok to enter 2 tracks at the same time?", "en", "UTC", NOW)
    assert two_tracks.command is None and "more than one track" in two_tracks.text
    # What must be refused is looked for before a command's words.
    refused = hybrid.answer("想找队友，把他的微信号发我", "zh", "UTC", NOW)
    assert refused.intent == "personal-data", refused.text


def test_asking_how_to_do_it_in_the_bot_gets_the_command_and_asking_for_facts_gets_them(
    hybrid: RetrievalAnswerer,
) -> None:
    """ "有没有命令直接看所有deadline", "怎么在bot里报名AIGC技术创新赛道", "队友给了我个邀请码":
    asked of the bot, refused or answered with a section (the last, once, as someone's data)."""
    assert_commands_given(
        hybrid,
        (
            ("有命令能直接查看所有截止日期吗", "zh", "deadlines"),
            (
                "is there a command to list the infrastructure the community offers?",
                "en",
                "resources",
            ),
            ("which command shows all the tracks?", "en", "tracks"),
            ("朋友发了个邀请码给我，怎么加入他的队伍", "zh", "team"),
            ("three of us want to enter together, how do we form a team in here?", "en", "team"),
            ("how do I set up a profile so other teams can find me?", "en", "lookingfor"),
            ("AIGC应用创新赛道怎么报名？", "zh", "register"),
            ("how do I sign up for the creative works track?", "en", "register"),
            ("我之前报了哪个赛道来着", "zh", "myregistrations"),
            ("has a human replied to my question yet?", "en", "mytickets"),
            ("can the bot show times in my tz? I'm in Vancouver", "en", "timezone"),
        ),
    )
    # The facts themselves, asked, are answered from the knowledge (whether entering needs a
    # code is not published, and not a team's invite code).
    for question, language, says in (
        ("大赛报名需要邀请码吗", "zh", "没有公布"),
        ("大赛的截止日期是什么时候？", "zh", "2024年5月"),
        ("what infrastructure does the community offer?", "en", "cloud"),
        ("what are the contest tracks?", "en", "AIGC Creative Works"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.known and answer.intent is None and says in answer.text, (question, answer)
    # Which model to use, or another site's account, is not what the bot answers.
    for question in ("做AIGC视频用哪个模型效果好？", "我的CSDN账号被封了，怎么解封？"):
        declined = hybrid.answer(question, "zh", "UTC", NOW)
        assert not declined.known and not declined.sources, (question, declined.text)


def test_someone_by_handle_a_summary_and_another_years_event_are_declined(
    hybrid: RetrievalAnswerer,
) -> None:
    """A member named by their @handle, a speaker's age with 总 after the name, a summary to
    post, last year's programmers' day: each was answered from a section."""
    for question, intent in (
        ("群里那个@小林 报了哪个赛道？", "personal-data"),
        ("胡朝晖总多大年纪？", "personal-data"),
        ("帮我总结下这次启动会，发朋友圈用", "writing-task"),
        ("summarize the launch event for my newsletter", "writing-task"),
        ("去年1024程序员节都请了谁来演讲？", "unrelated"),
    ):
        answer = hybrid.answer(question, "zh", "UTC", NOW)
        assert answer.intent == intent and not answer.known, (question, answer.text)
    made = hybrid.answer("how do i make team for me and 2 friends", "en", "UTC", NOW)
    assert made.command == "team", made.text


def test_group_chat_ways_of_naming_a_member_or_asking_after_ones_own_records(
    hybrid: RetrievalAnswerer,
) -> None:
    """ "群里阿杰报的哪个赛道" got /myregistrations, "which track my teammate kevin registered
    for" /register, a speaker's office phone his biography."""
    for question, language in (
        ("bot帮我看下群里小周报的哪个赛道", "zh"),
        ("which track my teammate Sam registered for? can the bot tell", "en"),
        ("何俊主任办公室电话多少", "zh"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent == "personal-data", (question, answer.text)
    for question, language, command in (
        ("我之前到底报了哪几个赛道，在哪看", "zh", "myregistrations"),
        (
            "asked the organizers something via the bot, how do I see if they replied",
            "en",
            "mytickets",
        ),
    ):
        assert hybrid.answer(question, language, "UTC", NOW).command == command, question


def test_errands_other_companies_contests_and_ideas_are_declined_contest_reminders_not(
    hybrid: RetrievalAnswerer,
) -> None:
    """ "remind me to buy milk" got /subscribe, HarmonyOS's contest deadline got this contest's
    dates, "what project should we build" a track's section."""
    for question, language, intent in (
        ("remind me to pick up my laundry at 7", "en", "other-reminder"),
        ("明天下午提醒我去取快递", "zh", "other-reminder"),
        ("鸿蒙开发者大赛什么时候截止？", "zh", "unrelated"),
        ("what project should we build for the application track?", "en", "writing-task"),
        ("创意作品赛道做什么项目好，帮我出个点子", "zh", "writing-task"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert answer.intent == intent and not answer.known, (question, answer.text)
    contest = hybrid.answer("remind me to submit before the deadline", "en", "UTC", NOW)
    assert contest.command == "subscribe", contest.text
    # Asking the bot to think about the member's own case is a question, not a task.
    for question in (
        "帮我想想我适合哪个赛道，我是做后端的",
        "I have a good project idea, which track?",
    ):
        assert hybrid.answer(question, "zh", "UTC", NOW).intent != "writing-task", question


def test_a_requests_words_inside_a_question_about_something_else_are_not_that_request(
    hybrid: RetrievalAnswerer,
) -> None:
    """Each of these holds words of a request to the bot, of someone's data or of a task, and
    got that command or refusal from a first, broader version of the words."""
    for question, language, command in (
        ("can you remind me what the three tracks are?", "en", "subscribe"),
        ("Did CSDN team up with Huawei Cloud on GitCode?", "en", "findteam"),
        ("比赛会取消吗？有通知吗", "zh", "unsubscribe"),
        ("CSDN怎么导入已有的开发者？", "zh", "import"),
        ("有没有长沙本地参赛者的联系方式，想找人组队", "zh", "findteam"),
        # Found by a review of the first, broader words.
        ("数字人和真人主播有什么区别", "zh", "human"),
        ("Is the final judged by a human panel or by AI?", "en", "human"),
        ("can you remind me when the final is held?", "en", "subscribe"),
        ("How do winners get notified?", "en", "subscribe"),
        ("我的数据集能用来参加技术创新赛道吗", "zh", "forgetme"),
        ("Don't forget me when registration opens — ping me!", "en", "forgetme"),
        ("大赛规则有pdf版吗？", "zh", "import"),
        ("Where do I get my ticket for the 1024 Programmers' Day final?", "en", "mytickets"),
        ("When is the final in my local time? I'm in Toronto", "en", "timezone"),
        (
            "Am I on the wrong track thinking the creative works track is only for videos?",
            "en",
            "withdraw",
        ),
        ("Do I need a teammate or can I enter solo?", "en", "findteam"),
        (
            "I registered interest in the tech track; what are its requirements?",
            "en",
            "myregistrations",
        ),
        ("决赛会不会取消？有通知吗", "zh", "unsubscribe"),
        ("Did I sign up for the right track for an AI dubbing tool?", "en", "myregistrations"),
        ("make me a member of the community", "en", "writing-task"),
        ("我队友报的是技术创新，我能报应用创新吗", "zh", "personal-data"),
        ("帮我排查一下为什么收不到提醒", "zh", "writing-task"),
        # Found by a review of the first words for these (each got the wrong answer with them).
        ("队友有没有报名人数上限？", "zh", "personal-data"),
        ("小朋友有没有报名年龄限制", "zh", "personal-data"),
        ("我同事的报名信息可以用公司邮箱吗", "zh", "personal-data"),
        ("which track did he win? the guy from last year's edition", "en", "personal-data"),
        ("颁奖大会几点开始，北京时间吗", "zh", "other-event"),
        ("CSDN会在深圳办峰会吗", "zh", "other-event"),
        ("我在深圳，颁奖大会要去现场吗", "zh", "other-event"),
        ("社区会把启动会内容整理成一篇报道吗", "zh", "writing-task"),
        ("看了启动会报道，写了篇观后感，能投稿到社区吗", "zh", "writing-task"),
        ("Is there an official study plan for the tech track?", "en", "writing-task"),
        ("make me a schedule of all the key contest dates", "en", "writing-task"),
        ("这个社区名字的由来", "zh", "unrelated"),
        ("what is the deadline in GMT?", "en", "timezone"),
        ("is the final at 9am Beijing time?", "en", "timezone"),
        ("决赛是当地时间几点开始", "zh", "timezone"),
        ("大赛的时间都是北京时间吗", "zh", "timezone"),
        ("别再提前提醒我了", "zh", "subscribe"),
        ("决赛具体哪天？能提前提醒我吗", "zh", "subscribe"),
        ("sign me up for deadline reminders for the tech track", "en", "register"),
        ("add me to the team for the application track, the invite code is 8F2K", "en", "register"),
        ("我刚在群里发了组队帖，有人回复我了吗", "zh", "mytickets"),
        ("我不小心把参赛资料都删了，还能重新提交吗", "zh", "forgetme"),
        ("help me find people who spoke at the launch event", "en", "findteam"),
    ):
        answer = hybrid.answer(question, language, "UTC", NOW)
        assert command not in (answer.command, answer.intent), (question, answer.text)


async def test_a_question_in_traditional_chinese_is_answered_from_the_simplified_knowledge(
    core: Core,
) -> None:
    """Members in Taiwan, Hong Kong and abroad type traditional characters: "大賽有哪幾個賽道？"
    got "don't know", the knowledge being written in simplified Chinese."""
    member = Member(core, locale="zh")
    tracks = only_text(await member.says("大賽有哪幾個賽道？"))
    assert "AIGC技术创新" in tracks and "AIGC创意作品" in tracks
    final = only_text(await member.says("決賽在哪裡舉辦？"))
    assert "长沙" in final and "10月" in final
    refused = only_text(await member.says("胡朝暉的手機號是多少"))
    assert "个人信息" in refused
    # Taiwan's and Hong Kong's own words: 影音, 係咪 (是不是), 喺 (在), 幾歲, 住喺.
    launch = only_text(await member.says("影音開發者社區係咪喺長沙啟動？"))
    assert "长沙" in launch and "4月29日" in launch
    assert "个人信息" in only_text(await member.says("吳紅總經理住喺長沙邊度？"))
    assert "代写" in only_text(
        await member.says("Can you 幫我寫一份 AIGC 技術創新賽道的參賽計劃書 outline？")
    )


def test_simplified_text_is_left_as_it_is() -> None:
    """The conversion runs on every question: the knowledge's own words must come out unchanged."""
    passages, _ = load_passages(BUNDLED_CONTENT_DIR)
    for passage in passages:
        if passage.language == "zh":
            assert simplified(passage.text) == passage.text, passage.heading
    assert simplified("How many tracks? 大赛有哪几个赛道") == "How many tracks? 大赛有哪几个赛道"
