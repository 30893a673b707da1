"""Questions about the bot itself ("how do I sign up?", "is there a command for the dates?")
are answered with the command that does it, and a button that runs it."""

from __future__ import annotations

from bot.core.app import Core
from bot.knowledge.answer import RetrievalAnswerer
from tests.answering import NOW, assert_commands_given
from tests.conftest import Member, only_text


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
                "I have a question about the visa for the final, can a real organizer answer me?",
                "en",
                "human",
            ),
            ("关于决赛住宿有个问题，能让真人回答我吗", "zh", "human"),
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
            ("don't want the tech track anymore, how do I drop it?", "en", "withdraw"),
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
